package dev.durable.inngest;

/**
 * Thrown when a bulk cancellation matches no run that is still to end, or a bulk replay
 * no run to replay: nothing is recorded.
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
