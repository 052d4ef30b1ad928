package dev.durable.inngest;

/**
 * Thrown when an event takes more bytes as JSON than {@code inngest.limits.event-size}
 * allows, measured as it is stored: with the id, time and version it is given if it has
 * none. The HTTP API answers it {@code 413}.
 */
public class EventTooLargeException extends InvalidEventException {

	/**
	 * Creates an exception.
	 * @param message which event, and the limit
	 */
	public EventTooLargeException(String message) {
		super(message);
	}

}
