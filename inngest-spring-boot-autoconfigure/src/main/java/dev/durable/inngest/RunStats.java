package dev.durable.inngest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the runs of one function, or of the whole application, did over a time window
 * ({@link InngestRuns#stats}), by time bucket, with latency percentiles over the window.
 * On a database the percentiles are read from histograms, within about 2 % of the exact
 * ones.
 *
 * @param functionId the function, or {@code null} for every function
 * @param from the start of the window
 * @param to the end of the window
 * @param bucket the length of each bucket
 * @param buckets the buckets, oldest first, one for each bucket of the window
 * @param endToEnd how long the runs that ended in the window took from their creation to
 * their end
 * @param queue how long the runs that ended in the window waited from their creation to
 * their first attempt (a run cancelled before its first attempt is not counted)
 */
public record RunStats(@Nullable String functionId, Instant from, Instant to, Duration bucket, List<Bucket> buckets,
		Latency endToEnd, Latency queue) {

	/**
	 * Copies the buckets.
	 */
	public RunStats {
		buckets = List.copyOf(buckets);
	}

	/**
	 * What happened in one bucket.
	 *
	 * @param start when the bucket starts
	 * @param started the runs created in it
	 * @param completed the runs that completed in it
	 * @param failed the runs that failed in it
	 * @param cancelled the runs that were cancelled in it
	 * @param failedAttempts the attempts of steps and function bodies that failed in it
	 * @param endToEnd how long the runs that ended in it took from their creation to
	 * their end
	 * @param queue how long the runs that ended in it waited from their creation to their
	 * first attempt
	 */
	public record Bucket(Instant start, long started, long completed, long failed, long cancelled, long failedAttempts,
			Latency endToEnd, Latency queue) {

	}

	/**
	 * Latency percentiles, in milliseconds.
	 *
	 * @param count how many runs they are taken over
	 * @param p50 the median, or {@code null} with no runs
	 * @param p90 the 90th percentile, or {@code null} with no runs
	 * @param p99 the 99th percentile, or {@code null} with no runs
	 */
	public record Latency(long count, @Nullable Double p50, @Nullable Double p90, @Nullable Double p99) {

		/** No runs. */
		public static final Latency NONE = new Latency(0, null, null, null);

	}

}
