package dev.durable.inngest;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Published as a Spring application event once per cancelled run, whatever cancelled it,
 * after the cancellation was committed: by the local engine, at most once; in remote
 * mode, when the platform reports the cancellation, at least once (compare
 * {@link #runId()} to leave out a repeat). It carries the same data as the
 * {@code inngest/function.cancelled} system event, whose error is {@code {"name":
 * "Error", "message": "function cancelled"}}. <pre class="code">
 * &#064;EventListener
 * void onCancel(FunctionCancelledEvent cancelled) {
 *     log.info("{} cancelled in run {}", cancelled.functionId(), cancelled.runId());
 * }
 * </pre> It is also what an {@link OnCancel} handler receives about the run it cleans up
 * after.
 *
 * @param event the {@code inngest/function.cancelled} system event
 * @param originalEvent the event that triggered the cancelled run
 * @param error {@code Error: function cancelled}
 * @param functionId the full id of the function: the app id, a dash and the function id
 * @param runId the id of the cancelled run
 * @param cause what cancelled the run, or {@code null} when the system event does not
 * say, as when the Inngest platform sends it in remote mode
 */
public record FunctionCancelledEvent(Event event, Event originalEvent, ErrorInfo error, String functionId, String runId,
		@Nullable Cause cause) implements FailureContext {

	/** The name of the system event emitted once per cancelled run. */
	public static final String NAME = "inngest/function.cancelled";

	/** The error a cancelled run carries. */
	public static final ErrorInfo ERROR = new ErrorInfo("Error", "function cancelled", null);

	private static final String CAUSE_FIELD = "cancellation";

	/**
	 * Builds the {@code inngest/function.cancelled} system event of a cancelled run.
	 * @param originalEvent the event that triggered the run
	 * @param functionId the full id of the function
	 * @param runId the run id
	 * @return the system event, not sent yet
	 */
	public static Event systemEvent(Event originalEvent, String functionId, String runId) {
		return systemEvent(originalEvent, functionId, runId, null);
	}

	/**
	 * Builds the {@code inngest/function.cancelled} system event of a cancelled run,
	 * saying what cancelled it in a {@code cancellation} field next to Inngest's own
	 * fields.
	 * @param originalEvent the event that triggered the run
	 * @param functionId the full id of the function
	 * @param runId the run id
	 * @param cause what cancelled the run, or {@code null}
	 * @return the system event, not sent yet
	 */
	public static Event systemEvent(Event originalEvent, String functionId, String runId, @Nullable Cause cause) {
		Map<String, Object> data = new LinkedHashMap<>(
				new SystemEventData(originalEvent, ERROR, functionId, runId).toData());
		if (cause != null) {
			data.put(CAUSE_FIELD, cause.toData());
		}
		return Event.of(NAME, data);
	}

	/**
	 * Reads the data of an {@code inngest/function.cancelled} event.
	 * @param event the system event
	 * @return its data
	 * @throws NonRetriableException naming the field, if the event lacks
	 * {@code function_id}, {@code run_id} or the original event's name, which every
	 * system event carries: a run that reads such an event fails at once
	 */
	public static FunctionCancelledEvent of(Event event) {
		SystemEventData data = SystemEventData.of(event);
		return new FunctionCancelledEvent(event, data.originalEvent(), data.error(), data.functionId(), data.runId(),
				Cause.of(event.data().get(CAUSE_FIELD)));
	}

	/**
	 * What cancelled a run, as {@link RunView.Cancellation} says it, with the id of the
	 * event or bulk cancellation that did.
	 *
	 * @param by what cancelled it: {@code event} (a {@link CancelOn} rule), {@code api}
	 * ({@link InngestRuns#cancel(String)} or the HTTP API), {@code bulk-cancellation} or
	 * {@code timeout}
	 * @param id the id of the cancelling event or bulk cancellation, or {@code null} for
	 * the API and timeouts
	 * @param reason a sentence on why, as on the run, or {@code null} when the system
	 * event does not say
	 */
	public record Cause(String by, @Nullable String id, @Nullable String reason) {

		/** {@link #by()} for a run cancelled by a {@link CancelOn} event. */
		public static final String EVENT = "event";

		/**
		 * {@link #by()} for a run cancelled through {@link InngestRuns} or the HTTP API.
		 */
		public static final String API = "api";

		/** {@link #by()} for a run cancelled by a bulk cancellation. */
		public static final String BULK_CANCELLATION = "bulk-cancellation";

		/** {@link #by()} for a run cancelled by one of its {@link Timeouts}. */
		public static final String TIMEOUT = "timeout";

		/**
		 * The cause of a cancellation.
		 * @param cancellation who cancelled the run and why
		 * @param id the id of the cancelling event or bulk cancellation, or {@code null}
		 * @return the cause
		 */
		public static Cause of(RunView.Cancellation cancellation, @Nullable String id) {
			return new Cause(cancellation.by(), id, cancellation.reason());
		}

		Map<String, Object> toData() {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("by", this.by);
			if (this.id != null) {
				data.put("id", this.id);
			}
			data.put("reason", this.reason);
			return data;
		}

		static @Nullable Cause of(@Nullable Object data) {
			if (!(data instanceof Map<?, ?> map) || !(map.get("by") instanceof String by)) {
				return null;
			}
			return new Cause(by, (map.get("id") instanceof String id) ? id : null,
					(map.get("reason") instanceof String reason) ? reason : null);
		}

	}

}
