package dev.durable.inngest.engine.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run waiting for an event. The trigger's value of the matched field is stored so that
 * an incoming event finds the runs it resumes with one indexed lookup.
 *
 * @param runId the waiting run
 * @param stepKey the key of the waiting step, or of the cancellation rule
 * @param kind a step waiting for an event, or a rule that cancels the run
 * @param eventName the awaited event's name
 * @param matchPath the dotted field that must be equal, or {@code null}
 * @param matchValue the trigger's value of that field as JSON, or {@code null}
 * @param condition a CEL condition over {@code event} and {@code async}, or {@code null}
 * @param expiresAt when the wait times out
 */
public record WaitRecord(String runId, String stepKey, Kind kind, String eventName, @Nullable String matchPath,
		@Nullable String matchValue, @Nullable String condition, Instant expiresAt) {

	/**
	 * What waits for the event.
	 */
	public enum Kind {

		/** A {@code waitForEvent} step, resumed by the event. */
		WAIT,

		/**
		 * A {@link dev.durable.inngest.CancelOn} rule, cancelling the run on the event.
		 */
		CANCEL,

		/**
		 * An invoke step, resumed by the {@code inngest/function.finished} event of the
		 * run it invoked, with that run's output or error.
		 */
		INVOKE

	}

}
