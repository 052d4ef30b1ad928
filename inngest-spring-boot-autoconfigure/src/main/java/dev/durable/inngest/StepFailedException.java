package dev.durable.inngest;

import org.jspecify.annotations.Nullable;

/**
 * Thrown into the function body by a step that has failed for good: it exhausted its
 * retries or threw {@link NonRetriableException}. The body may catch it to roll back
 * earlier steps with further steps; uncaught, the run fails without retrying the body.
 * <pre class="code">
 * try {
 *     step.run("charge", () -&gt; payments.charge(order));
 * }
 * catch (StepFailedException ex) {
 *     step.run("release-stock", () -&gt; stock.release(order));
 *     throw ex;
 * }
 * </pre>
 */
public class StepFailedException extends RuntimeException {

	private final String stepId;

	private final ErrorInfo error;

	/**
	 * Creates an exception.
	 * @param stepId the id of the step that failed
	 * @param error the step's last error
	 */
	public StepFailedException(String stepId, ErrorInfo error) {
		super("Step '" + stepId + "' failed: " + error.name()
				+ ((error.message() != null) ? ": " + error.message() : ""));
		this.stepId = stepId;
		this.error = error;
	}

	/**
	 * The id of the step that failed.
	 * @return the step id
	 */
	public String stepId() {
		return this.stepId;
	}

	/**
	 * The short type name of the step's last error.
	 * @return the error name
	 */
	public String errorName() {
		return this.error.name();
	}

	/**
	 * The message of the step's last error.
	 * @return the error message, or {@code null}
	 */
	public @Nullable String errorMessage() {
		return this.error.message();
	}

	/**
	 * The step's last error, with its stack.
	 * @return the error
	 */
	public ErrorInfo error() {
		return this.error;
	}

}
