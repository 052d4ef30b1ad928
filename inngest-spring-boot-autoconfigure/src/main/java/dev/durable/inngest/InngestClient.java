package dev.durable.inngest;

import java.util.List;

/**
 * Sends events. Each event is stored and starts a run of every function it triggers.
 * <pre class="code">
 * List&lt;String&gt; ids = inngest.send(Event.of("shop/order.placed", Map.of("orderId", "o-1")));
 * </pre>
 * <p>
 * Events at hand together are best sent in one call rather than one call each: the local
 * engine stores them in one transaction, and remote mode posts them in one request to the
 * event API.
 */
public interface InngestClient {

	/**
	 * Sends events, all or none: when one is invalid none is stored.
	 * @param events the events
	 * @return the events' ids, in order
	 * @throws InvalidEventException when an event has no name, a reserved name or data
	 * that is not a JSON object
	 */
	List<String> send(Event... events);

	/**
	 * Sends events, all or none.
	 * @param events the events
	 * @return the events' ids, in order
	 * @throws InvalidEventException when an event is invalid
	 */
	default List<String> send(List<Event> events) {
		return send(events.toArray(Event[]::new));
	}

}
