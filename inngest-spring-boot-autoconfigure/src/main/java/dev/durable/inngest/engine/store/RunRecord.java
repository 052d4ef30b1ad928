package dev.durable.inngest.engine.store;

import java.time.Instant;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import org.jspecify.annotations.Nullable;

/**
 * A run as stored.
 *
 * @param id the run id
 * @param functionId the function id
 * @param event the trigger event
 * @param status the state
 * @param attempt the 0-based attempt of the function body
 * @param createdAt when the run was created
 * @param startedAt when its first attempt started, or {@code null}
 * @param endedAt when it ended, or {@code null}
 * @param dueAt when a worker should next look at it, or {@code null} once it has ended
 * @param output the output as JSON, or {@code null}
 * @param error the error it failed with, or {@code null}
 * @param cancellation who cancelled it and why, or {@code null}
 */
public record RunRecord(String id, String functionId, Event event, RunStatus status, int attempt, Instant createdAt,
		@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable Instant dueAt, @Nullable String output,
		@Nullable ErrorInfo error, RunView.@Nullable Cancellation cancellation) {

}
