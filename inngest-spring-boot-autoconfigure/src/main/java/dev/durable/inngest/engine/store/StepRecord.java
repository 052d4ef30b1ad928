package dev.durable.inngest.engine.store;

import java.time.Instant;

import dev.durable.inngest.ErrorInfo;
import org.jspecify.annotations.Nullable;

/**
 * A step of a run as stored.
 *
 * @param runId the run id
 * @param key the step's key: its id, with {@code :n} for its n-th repeat in one run
 * @param stepId the id the function gave the step
 * @param kind what the step does
 * @param status the step's state
 * @param attempts the attempts made so far
 * @param output the output as JSON, or {@code null}
 * @param error the last error, or {@code null}
 * @param wakeAt when a sleep ends or a wait times out, or {@code null}
 * @param startedAt when the step was first reached
 * @param endedAt when it ended, or {@code null}
 */
public record StepRecord(String runId, String key, String stepId, StepKind kind, StepStatus status, int attempts,
		@Nullable String output, @Nullable ErrorInfo error, @Nullable Instant wakeAt, Instant startedAt,
		@Nullable Instant endedAt) {

	/**
	 * This step, completed.
	 * @param output the output as JSON, or {@code null}
	 * @param attempts the attempts made
	 * @param now the time it completed
	 * @return a completed copy
	 */
	public StepRecord completed(@Nullable String output, int attempts, Instant now) {
		return new StepRecord(this.runId, this.key, this.stepId, this.kind, StepStatus.COMPLETED, attempts, output,
				this.error, this.wakeAt, this.startedAt, now);
	}

	/**
	 * This step's state, to store over the one of a step that has not completed.
	 * @return the resolution
	 */
	public StepResolution resolution() {
		return new StepResolution(this.runId, this.key, this.status, this.attempts, this.output, this.error,
				this.wakeAt, this.endedAt);
	}

}
