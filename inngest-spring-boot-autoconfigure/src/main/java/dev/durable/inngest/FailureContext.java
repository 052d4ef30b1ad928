package dev.durable.inngest;

/**
 * What an {@link OnFailure} handler receives about the run that failed, and what an
 * {@link OnCancel} handler receives about the run that was cancelled
 * ({@link FunctionCancelledEvent}).
 */
public interface FailureContext {

	/**
	 * The system event that started the handler: {@code inngest/function.failed} for a
	 * failed run, {@code inngest/function.cancelled} for a cancelled one.
	 * @return the system event
	 */
	Event event();

	/**
	 * The event that triggered the failed run.
	 * @return the original event
	 */
	Event originalEvent();

	/**
	 * The error the run failed with; for a cancelled run,
	 * {@code Error: function cancelled}.
	 * @return the error
	 */
	ErrorInfo error();

	/**
	 * The full id of the run's function: the app id, a dash and the function id.
	 * @return the function's full id
	 */
	String functionId();

	/**
	 * The id of the run that failed or was cancelled.
	 * @return the run id
	 */
	String runId();

}
