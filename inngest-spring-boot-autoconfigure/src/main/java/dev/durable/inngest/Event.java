package dev.durable.inngest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * An event: a name, a JSON object of data and, once sent, an id and a timestamp.
 * <pre class="code">
 * client.send(Event.of("shop/order.placed", Map.of("orderId", "o-1", "amount", 4200)));
 * client.send(Event.of("shop/order.placed", new OrderPlaced("o-1", 4200)).withId("order-o-1"));
 * </pre> An id given by the sender is an idempotency key: a second event with the same id
 * within 24 hours is accepted but starts no run; sent later, it starts its runs as a new
 * event.
 *
 * @param name the event name, such as {@code "shop/order.placed"}; names starting with
 * {@code inngest/} are reserved for system events
 * @param data the event's data, a JSON object (never {@code null})
 * @param user optional data about the user that caused the event (never {@code null})
 * @param id the event id, or {@code null} before it is sent
 * @param ts the time the event happened in epoch milliseconds, or {@code 0} before it is
 * sent
 * @param v an optional version of the event's schema, or {@code null}
 */
public record Event(String name, Map<String, Object> data, Map<String, Object> user, @Nullable String id, long ts,
		@Nullable String v) {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
	};

	/**
	 * Creates an event; {@code null} data or user become empty objects.
	 */
	public Event {
		data = (data != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(data)) : Map.of();
		user = (user != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(user)) : Map.of();
	}

	/**
	 * An event with a name and no data.
	 * @param name the event name
	 * @return the event
	 */
	public static Event of(String name) {
		return new Event(name, null, null, null, 0, null);
	}

	/**
	 * An event with a name and data.
	 * @param name the event name
	 * @param data the data, a JSON object
	 * @return the event
	 */
	public static Event of(String name, @Nullable Map<String, ?> data) {
		return new Event(name, (data != null) ? new LinkedHashMap<>(data) : null, null, null, 0, null);
	}

	/**
	 * An event whose data is an object (a record or bean) converted with Jackson's
	 * defaults: not with the application's {@code JsonMapper}, whose settings (a naming
	 * strategy, say) {@code @EventData} parameters are bound with. An application that
	 * changes those settings builds the data map with its own mapper.
	 * @param name the event name
	 * @param data an object that Jackson writes as a JSON object
	 * @return the event
	 * @throws IllegalArgumentException if the data is not written as a JSON object
	 */
	public static Event of(String name, @Nullable Object data) {
		if (data == null || data instanceof Map<?, ?>) {
			@SuppressWarnings("unchecked")
			Map<String, ?> map = (Map<String, ?>) data;
			return of(name, map);
		}
		try {
			return of(name, MAPPER.convertValue(data, OBJECT));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("The data of event '" + name + "' must be a JSON object, but "
					+ data.getClass().getName() + " is not written as one", ex);
		}
	}

	/**
	 * This event with an id, which also makes it idempotent.
	 * @param id the id
	 * @return a copy with the id
	 */
	public Event withId(String id) {
		return new Event(this.name, this.data, this.user, id, this.ts, this.v);
	}

	/**
	 * This event with a timestamp.
	 * @param ts epoch milliseconds
	 * @return a copy with the timestamp
	 */
	public Event withTs(long ts) {
		return new Event(this.name, this.data, this.user, this.id, ts, this.v);
	}

	/**
	 * This event with user data.
	 * @param user the user data
	 * @return a copy with the user data
	 */
	public Event withUser(@Nullable Map<String, ?> user) {
		return new Event(this.name, this.data, (user != null) ? new LinkedHashMap<>(user) : null, this.id, this.ts,
				this.v);
	}

	/**
	 * This event with a schema version.
	 * @param v the version
	 * @return a copy with the version
	 */
	public Event withVersion(String v) {
		return new Event(this.name, this.data, this.user, this.id, this.ts, v);
	}

	/**
	 * Binds the event's data to a type with Jackson's defaults, as
	 * {@link #of(String, Object)} writes it; an {@code @EventData} parameter is bound
	 * with the application's {@code JsonMapper} instead.
	 * @param <T> the type
	 * @param type the class to bind to
	 * @return the bound data
	 */
	public <T> T data(Class<T> type) {
		return MAPPER.convertValue(this.data, type);
	}

}
