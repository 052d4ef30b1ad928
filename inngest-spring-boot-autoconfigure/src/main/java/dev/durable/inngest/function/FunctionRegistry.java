package dev.durable.inngest.function;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The application's durable functions, by id and by trigger event. Immutable.
 */
public final class FunctionRegistry {

	private final Map<String, FunctionDefinition> byId;

	private final Map<String, List<FunctionDefinition>> byEvent;

	/** The wildcard triggers, with their functions. */
	private final List<Map.Entry<String, FunctionDefinition>> wildcards;

	/** Each function's place in the order found, by id. */
	private final Map<String, Integer> order;

	/**
	 * Creates a registry.
	 * @param definitions the functions, with unique ids
	 */
	public FunctionRegistry(Collection<FunctionDefinition> definitions) {
		Map<String, FunctionDefinition> byId = new LinkedHashMap<>();
		for (FunctionDefinition definition : definitions) {
			FunctionDefinition previous = byId.putIfAbsent(definition.id(), definition);
			if (previous != null) {
				throw new IllegalArgumentException("Duplicate function id '" + definition.id() + "'");
			}
		}
		// In the order found, which all() and triggeredBy(...) keep.
		this.byId = Collections.unmodifiableMap(byId);
		Map<String, Set<FunctionDefinition>> byEvent = new LinkedHashMap<>();
		List<Map.Entry<String, FunctionDefinition>> wildcards = new ArrayList<>();
		Map<String, Integer> order = new HashMap<>();
		for (FunctionDefinition definition : byId.values()) {
			order.put(definition.id(), order.size());
			for (String event : definition.events()) {
				if (EventNames.isWildcard(event)) {
					wildcards.add(Map.entry(event, definition));
				}
				else {
					// A function that names an event twice (two triggers with conditions
					// of their own) is started once by it.
					byEvent.computeIfAbsent(event, (name) -> new LinkedHashSet<>()).add(definition);
				}
			}
		}
		this.byEvent = byEvent.entrySet()
			.stream()
			.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, (entry) -> List.copyOf(entry.getValue())));
		this.wildcards = List.copyOf(wildcards);
		this.order = Map.copyOf(order);
	}

	/**
	 * All functions, in the order they were found.
	 * @return the functions
	 */
	public List<FunctionDefinition> all() {
		return List.copyOf(this.byId.values());
	}

	/**
	 * A function by id.
	 * @param id the function id
	 * @return the function, if registered
	 */
	public Optional<FunctionDefinition> find(String id) {
		return Optional.ofNullable(this.byId.get(id));
	}

	/**
	 * The functions an event name triggers, before their conditions are checked: those
	 * with a trigger of that name or a wildcard trigger that matches it
	 * ({@link EventNames}), each once, in the order they were found.
	 * @param eventName the event name
	 * @return the functions
	 */
	public List<FunctionDefinition> triggeredBy(String eventName) {
		List<FunctionDefinition> named = this.byEvent.getOrDefault(eventName, List.of());
		List<FunctionDefinition> matched = null;
		for (Map.Entry<String, FunctionDefinition> wildcard : this.wildcards) {
			if (EventNames.matches(wildcard.getKey(), eventName)) {
				if (matched == null) {
					matched = new ArrayList<>(named);
				}
				if (!matched.contains(wildcard.getValue())) {
					matched.add(wildcard.getValue());
				}
			}
		}
		if (matched == null) {
			return named;
		}
		matched.sort(Comparator.comparing((definition) -> this.order.get(definition.id())));
		return List.copyOf(matched);
	}

}
