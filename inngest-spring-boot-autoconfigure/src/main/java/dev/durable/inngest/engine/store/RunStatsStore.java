package dev.durable.inngest.engine.store;

import java.time.Duration;
import java.time.Instant;

import dev.durable.inngest.RunStats;
import org.jspecify.annotations.Nullable;

/**
 * Counts what runs did over a time window, for charts. Runs are read by the range of
 * their ids, which begin with their creation time, so that a window reads the runs
 * created in it (and, for the runs that ended in it, those created up to one
 * {@code lookback} before it) rather than every run stored.
 */
public interface RunStatsStore {

	/**
	 * What the runs of a function, or of all functions, did in a window.
	 * @param functionId the function, or {@code null} for all
	 * @param from the start of the window, on a bucket boundary
	 * @param to the end of the window
	 * @param bucket the length of a bucket, whole seconds
	 * @param lookback how long before the window a run that ended in it may have been
	 * created and still be counted
	 * @return the stats, with a bucket for each bucket of the window
	 */
	RunStats stats(@Nullable String functionId, Instant from, Instant to, Duration bucket, Duration lookback);

}
