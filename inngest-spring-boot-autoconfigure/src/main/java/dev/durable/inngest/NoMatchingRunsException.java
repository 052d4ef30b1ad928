package dev.durable.inngest;

/**
 * Thrown when a bulk cancellation matches no run that is still to end: nothing is
 * recorded.
 */
public class NoMatchingRunsException extends IllegalArgumentException {

	/**
	 * Creates an exception.
	 * @param message which runs were looked for
	 */
	public NoMatchingRunsException(String message) {
		super(message);
	}

}
