package dev.durable.inngest;

/**
 * Thrown when an event is refused: it has no name, a name reserved for system events,
 * data that is not a JSON object, a blank id, a name, id or version longer than allowed,
 * a time outside the years 1980 to 2100, data or user fields that cannot be written as
 * JSON, or more bytes as JSON than allowed ({@code inngest.limits.*}). The message names
 * the event by its index, from 0, and the field and limit. Nothing is stored when it is
 * thrown, neither that event nor the others sent with it.
 */
public class InvalidEventException extends IllegalArgumentException {

	/**
	 * Creates an exception.
	 * @param message what is wrong with the event
	 */
	public InvalidEventException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with its cause.
	 * @param message what is wrong with the event
	 * @param cause what found it wrong
	 */
	public InvalidEventException(String message, Throwable cause) {
		super(message, cause);
	}

}
