package dev.durable.inngest.test;

import java.time.Instant;
import java.util.List;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepStatus;
import org.jspecify.annotations.Nullable;

/**
 * A step of a run, as stored.
 *
 * @param id the step's id, as the function named it
 * @param key the step's key: its id, or {@code id:N} for its N-th repeat in the run
 * @param kind what kind of step it is
 * @param status where it stands
 * @param attempts the attempts it made, failed ones included
 * @param output its result as read from JSON (a run step's value, a wait's event), or
 * {@code null}
 * @param error its last error, or {@code null}
 * @param failures the errors of its failed attempts, oldest first
 * @param wakeAt when a sleep wakes or a wait times out, or {@code null}
 * @param endedAt when it ended, or {@code null}
 */
public record TestStep(String id, String key, StepKind kind, StepStatus status, int attempts, @Nullable Object output,
		@Nullable ErrorInfo error, List<ErrorInfo> failures, @Nullable Instant wakeAt, @Nullable Instant endedAt) {

}
