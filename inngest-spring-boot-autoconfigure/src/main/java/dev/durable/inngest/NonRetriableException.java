package dev.durable.inngest;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a step or the function body to fail at once, with no further attempts
 * whatever retries are left. Thrown in a step, the step fails and
 * {@link StepFailedException} is thrown into the body; thrown in the body, the run fails.
 * <pre class="code">
 * if (account == null) {
 *     throw new NonRetriableException("Account " + id + " does not exist");
 * }
 * </pre>
 */
public class NonRetriableException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message why retrying would not help
	 */
	public NonRetriableException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a cause.
	 * @param message why retrying would not help
	 * @param cause the cause
	 */
	public NonRetriableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
