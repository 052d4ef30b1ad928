package dev.durable.inngest;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Replays the ended runs of one function that started in a time range: each matching run
 * is run again from the start, as a new run with the same trigger event, linked to it.
 *
 * @param name a name for the replay, shown in its history; may be {@code null}
 * @param functionId the function whose runs are replayed
 * @param startedAfter only runs created at or after this time
 * @param startedBefore only runs created before this time
 * @param condition an optional CEL expression over {@code event}, the run's trigger, that
 * must be true for a run to be replayed, or {@code null}
 * @param statuses the states of the runs to replay: {@link RunStatus#FAILED},
 * {@link RunStatus#CANCELLED} or both; {@code FAILED} when empty or {@code null}
 */
public record BulkReplayRequest(@Nullable String name, String functionId, Instant startedAfter, Instant startedBefore,
		@Nullable String condition, @Nullable Set<RunStatus> statuses) {

	/**
	 * Replays the failed runs only.
	 * @param name a name for the replay, or {@code null}
	 * @param functionId the function whose runs are replayed
	 * @param startedAfter only runs created at or after this time
	 * @param startedBefore only runs created before this time
	 * @param condition an optional CEL condition over {@code event}, or {@code null}
	 */
	public BulkReplayRequest(@Nullable String name, String functionId, Instant startedAfter, Instant startedBefore,
			@Nullable String condition) {
		this(name, functionId, startedAfter, startedBefore, condition, Set.of(RunStatus.FAILED));
	}

	/**
	 * Defaults the states to {@code FAILED}.
	 */
	public BulkReplayRequest {
		statuses = (statuses == null || statuses.isEmpty()) ? Set.of(RunStatus.FAILED) : Set.copyOf(statuses);
	}

}
