package dev.durable.inngest.function;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The application's durable functions, by id and by trigger event. Immutable.
 */
public final class FunctionRegistry {

	private final Map<String, FunctionDefinition> byId;

	private final Map<String, List<FunctionDefinition>> byEvent;

	/** Whether a function has a wildcard trigger, which no lookup by name finds. */
	private final boolean anyWildcard;

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
		this.byEvent = byId.values()
			.stream()
			.flatMap((definition) -> definition.events().stream().map((event) -> Map.entry(event, definition)))
			.collect(Collectors.groupingBy(Map.Entry::getKey,
					Collectors.mapping(Map.Entry::getValue, Collectors.toUnmodifiableList())));
		this.anyWildcard = byId.values()
			.stream()
			.anyMatch((definition) -> definition.events().stream().anyMatch(EventNames::isWildcard));
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
		if (!this.anyWildcard) {
			return named;
		}
		return this.byId.values()
			.stream()
			.filter((definition) -> named.contains(definition)
					|| definition.events().stream().anyMatch((trigger) -> EventNames.matches(trigger, eventName)))
			.toList();
	}

}
