package dev.durable.inngest;

/**
 * Published as a Spring application event once per cancelled run, whatever cancelled it, after
 * the cancellation was committed. It carries the same data as the
 * {@code inngest/function.cancelled} system event, whose error is
 * {@code {"name": "Error", "message": "function cancelled"}}.
 * <pre class="code">
 * &#064;EventListener
 * void onCancel(FunctionCancelledEvent cancelled) {
 *     log.info("{} cancelled in run {}", cancelled.functionId(), cancelled.runId());
 * }
 * </pre>
 *
 * @param event the {@code inngest/function.cancelled} system event
 * @param originalEvent the event that triggered the cancelled run
 * @param error {@code Error: function cancelled}
 * @param functionId the full id of the function: the app id, a dash and the function id
 * @param runId the id of the cancelled run
 */
public record FunctionCancelledEvent(Event event, Event originalEvent, ErrorInfo error, String functionId,
		String runId) implements FailureContext {

	/** The name of the system event emitted once per cancelled run. */
	public static final String NAME = "inngest/function.cancelled";

	/** The error a cancelled run carries. */
	public static final ErrorInfo ERROR = new ErrorInfo("Error", "function cancelled", null);

	/**
	 * Builds the {@code inngest/function.cancelled} system event of a cancelled run.
	 * @param originalEvent the event that triggered the run
	 * @param functionId the full id of the function
	 * @param runId the run id
	 * @return the system event, not sent yet
	 */
	public static Event systemEvent(Event originalEvent, String functionId, String runId) {
		return Event.of(NAME, new SystemEventData(originalEvent, ERROR, functionId, runId).toData());
	}

	/**
	 * Reads the data of an {@code inngest/function.cancelled} event.
	 * @param event the system event
	 * @return its data
	 */
	public static FunctionCancelledEvent of(Event event) {
		SystemEventData data = SystemEventData.of(event);
		return new FunctionCancelledEvent(event, data.originalEvent(), data.error(), data.functionId(),
				data.runId());
	}

}
