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
	 * @throws InvalidEventException when an event is refused (the message names it by its
	 * index and says why: no name, a reserved name, data that is not a JSON object or
	 * cannot be written as JSON, a field too long, a time out of range), and
	 * {@link EventTooLargeException} when one is larger than
	 * {@code inngest.limits.event-size}
	 * @throws IllegalStateException in remote mode, when no event key is set outside dev
	 * mode
	 * @throws dev.durable.inngest.remote.EventApiException in remote mode, when the event
	 * API did not take the events after the retries of {@code inngest.send.*}
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
