package dev.durable.inngest;

/**
 * Published as a Spring application event once per run that failed for good, after the
 * failure was committed: by the local engine, at most once; in remote mode, when the
 * platform reports the failure, at least once (compare {@link #runId()} to leave out a
 * repeat). It carries the same data as the {@code inngest/function.failed} system event.
 * <pre class="code">
 * &#064;EventListener
 * void onFailure(FunctionFailedEvent failed) {
 *     alerts.send(failed.functionId() + " failed: " + failed.error().message());
 * }
 * </pre> A listener that throws is logged and changes nothing: the run stays failed and
 * its failure handler still runs.
 *
 * @param event the {@code inngest/function.failed} system event
 * @param originalEvent the event that triggered the failed run
 * @param error the error the run failed with
 * @param functionId the full id of the function: the app id, a dash and the function id
 * @param runId the id of the failed run
 */
public record FunctionFailedEvent(Event event, Event originalEvent, ErrorInfo error, String functionId,
		String runId) implements FailureContext {

	/** The name of the system event emitted once per failed run. */
	public static final String NAME = "inngest/function.failed";

	/**
	 * Builds the {@code inngest/function.failed} system event of a failed run.
	 * @param originalEvent the event that triggered the run
	 * @param error the error the run failed with
	 * @param functionId the full id of the function
	 * @param runId the run id
	 * @return the system event, not sent yet
	 */
	public static Event systemEvent(Event originalEvent, ErrorInfo error, String functionId, String runId) {
		return Event.of(NAME, new SystemEventData(originalEvent, error, functionId, runId).toData());
	}

	/**
	 * Reads the data of an {@code inngest/function.failed} event.
	 * @param event the system event
	 * @return its data
	 * @throws NonRetriableException naming the field, if the event lacks
	 * {@code function_id}, {@code run_id} or the original event's name, which every
	 * system event carries: a run that reads such an event fails at once
	 */
	public static FunctionFailedEvent of(Event event) {
		SystemEventData data = SystemEventData.of(event);
		return new FunctionFailedEvent(event, data.originalEvent(), data.error(), data.functionId(), data.runId());
	}

}
