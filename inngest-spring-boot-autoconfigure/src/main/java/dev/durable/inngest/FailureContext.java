package dev.durable.inngest;

/**
 * What an {@link OnFailure} handler receives about the run that failed.
 */
public interface FailureContext {

	/**
	 * The {@code inngest/function.failed} system event that started the handler.
	 * @return the failure event
	 */
	Event event();

	/**
	 * The event that triggered the failed run.
	 * @return the original event
	 */
	Event originalEvent();

	/**
	 * The error the run failed with.
	 * @return the error
	 */
	ErrorInfo error();

	/**
	 * The full id of the failed function: the app id, a dash and the function id.
	 * @return the function's full id
	 */
	String functionId();

	/**
	 * The id of the failed run.
	 * @return the run id
	 */
	String runId();

}
