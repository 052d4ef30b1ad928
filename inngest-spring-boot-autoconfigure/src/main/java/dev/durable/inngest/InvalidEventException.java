package dev.durable.inngest;

/**
 * Thrown when an event is refused: it has no name, a name reserved for system events, or data
 * that is not a JSON object. Nothing is stored when it is thrown.
 */
public class InvalidEventException extends IllegalArgumentException {

	/**
	 * Creates an exception.
	 * @param message what is wrong with the event
	 */
	public InvalidEventException(String message) {
		super(message);
	}

}
