package dev.durable.inngest.remote;

import java.util.List;

import dev.durable.inngest.Event;

/**
 * Sends events to the platform's Event API, as a {@code sendEvent} step does in remote
 * mode: the application posts them itself, within the call request, and reports their ids
 * as the step's result.
 */
@FunctionalInterface
public interface EventSender {

	/**
	 * Sends events.
	 * @param events the events, in order
	 * @return the ids the platform gave them, in the same order
	 * @throws RuntimeException if they could not be sent; the step fails and is retried
	 */
	List<String> send(List<Event> events);

}
