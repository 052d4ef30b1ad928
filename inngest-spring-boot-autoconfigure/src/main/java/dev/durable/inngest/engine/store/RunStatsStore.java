package dev.durable.inngest.engine.store;

import java.time.Duration;
import java.time.Instant;

import dev.durable.inngest.RunStats;
import org.jspecify.annotations.Nullable;

/**
 * Counts what runs did over a time window, for charts. A store may keep counts per minute
 * of the minutes that are over ({@link #rollUp}), so that a long window reads those
 * rather than every run of it; the minutes not rolled up yet are counted from the runs.
 */
public interface RunStatsStore {

	/**
	 * What the runs of a function, or of all functions, did in a window.
	 * @param functionId the function, or {@code null} for all
	 * @param from the start of the window, on a bucket boundary
	 * @param to the end of the window
	 * @param bucket the length of a bucket, whole minutes
	 * @return the stats, with a bucket for each bucket of the window
	 */
	RunStats stats(@Nullable String functionId, Instant from, Instant to, Duration bucket);

	/**
	 * Counts, in the caller's transaction, what runs did in the minutes after the last
	 * one counted so far, up to a time, and keeps those counts for {@link #stats}.
	 * Several instances may call it at once: each minute is counted once. A store that
	 * counts from its runs every time does nothing.
	 * @param until the end of the last minute to count, a minute boundary
	 * @param minutes the most minutes to count in this call
	 * @return the end of the minutes counted now, or {@code until} when there were none
	 * left before it
	 */
	default Instant rollUp(Instant until, int minutes) {
		return until;
	}

	/**
	 * Deletes the counts kept of the minutes before a time.
	 * @param before the time
	 * @return the minutes deleted, for each function and for all
	 */
	default long deleteRollUpsBefore(Instant before) {
		return 0;
	}

}
