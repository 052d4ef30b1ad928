package dev.durable.inngest;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Cancels the runs of one function that started in a time range, as Inngest's
 * {@code POST /v1/cancellations} does.
 *
 * @param name a name for the cancellation, shown in its history; may be {@code null}
 * @param functionId the function whose runs are cancelled
 * @param startedAfter only runs created at or after this time
 * @param startedBefore only runs created before this time; in the local engine, a time in
 * the future is taken as the time the cancellation starts, so that it never cancels runs
 * created after it started (Inngest's API refuses one)
 * @param condition an optional CEL expression over {@code event}, the run's trigger, that
 * must be true for a run to be cancelled (Inngest's {@code if}), or {@code null}
 */
public record BulkCancelRequest(@Nullable String name, String functionId, Instant startedAfter, Instant startedBefore,
		@Nullable String condition) {

}
