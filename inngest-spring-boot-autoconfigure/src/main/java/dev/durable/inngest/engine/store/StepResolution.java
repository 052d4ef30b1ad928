package dev.durable.inngest.engine.store;

import java.time.Instant;

import dev.durable.inngest.ErrorInfo;
import org.jspecify.annotations.Nullable;

/**
 * The new state of a step that has not completed, as
 * {@link StepStore#update(StepResolution)} stores it: only what
 * {@link dev.durable.inngest.engine.RunLifecycle.StepTransition#RESOLVE RESOLVE} changes,
 * the step's id, kind and start staying as they were stored.
 *
 * @param runId the run id
 * @param key the step's key
 * @param status the step's new state
 * @param attempts the attempts made so far
 * @param output the output as JSON, or {@code null}
 * @param error the last error, or {@code null}
 * @param wakeAt when a sleep ends or a wait times out, or {@code null} to keep the stored
 * time
 * @param endedAt when it ended, or {@code null}
 */
public record StepResolution(String runId, String key, StepStatus status, int attempts, @Nullable String output,
		@Nullable ErrorInfo error, @Nullable Instant wakeAt, @Nullable Instant endedAt) {

	/**
	 * A wait for an event resumed by the event it waited for: completed at the first
	 * attempt, with the event as its output.
	 * @param runId the run id
	 * @param key the wait's step key
	 * @param eventJson the event, as JSON
	 * @param now when it arrived
	 * @return the resolution
	 */
	public static StepResolution eventReceived(String runId, String key, String eventJson, Instant now) {
		return new StepResolution(runId, key, StepStatus.COMPLETED, 1, eventJson, null, null, now);
	}

}
