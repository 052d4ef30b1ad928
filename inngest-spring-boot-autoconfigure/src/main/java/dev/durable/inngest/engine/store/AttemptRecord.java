package dev.durable.inngest.engine.store;

import java.time.Instant;

import dev.durable.inngest.ErrorInfo;
import org.jspecify.annotations.Nullable;

/**
 * A failed attempt of a step or of the function body.
 *
 * @param runId the run id
 * @param stepKey the step's key, or {@code null} for the function body
 * @param attempt the 0-based attempt
 * @param error the error
 * @param failedAt when it failed
 */
public record AttemptRecord(String runId, @Nullable String stepKey, int attempt, ErrorInfo error, Instant failedAt) {

}
