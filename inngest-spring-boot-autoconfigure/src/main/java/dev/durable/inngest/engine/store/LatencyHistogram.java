package dev.durable.inngest.engine.store;

import java.util.Arrays;

import dev.durable.inngest.RunStats;
import org.jspecify.annotations.Nullable;

/**
 * Counts latencies in buckets that grow by the same ratio, so that histograms of many
 * minutes can be kept small and added together, and percentiles read from their sum. Each
 * bucket spans a sixteenth of a doubling (about 4.4 %), and a latency is read back as the
 * middle of its bucket, so that a percentile is within about 2.2 % of the exact one.
 * Latencies under a microsecond count as zero; those over about eight years as eight
 * years.
 */
public final class LatencyHistogram {

	private static final int PER_DOUBLING = 16;

	private static final int SIZE = 1 + PER_DOUBLING * 48;

	/**
	 * The counts of the buckets up to the highest one counted, so that most stay small.
	 */
	private long[] counts = new long[0];

	private long total;

	/**
	 * Counts one latency.
	 * @param millis the latency, in milliseconds
	 */
	public void add(double millis) {
		add(index(millis), 1);
	}

	private void add(int index, long count) {
		if (index >= this.counts.length) {
			this.counts = Arrays.copyOf(this.counts, index + 1);
		}
		this.counts[index] += count;
		this.total += count;
	}

	/**
	 * Counts the latencies of another histogram too.
	 * @param other the other histogram
	 */
	public void add(LatencyHistogram other) {
		for (int i = other.counts.length - 1; i >= 0; i--) {
			if (other.counts[i] > 0) {
				add(i, other.counts[i]);
			}
		}
	}

	/**
	 * Counts the latencies of a histogram written by {@link #encode}.
	 * @param encoded the histogram, or {@code null} or empty for none
	 * @throws IllegalArgumentException if it is not one
	 */
	public void addEncoded(@Nullable String encoded) {
		if (encoded == null || encoded.isEmpty()) {
			return;
		}
		for (String pair : encoded.split(",")) {
			int colon = pair.indexOf(':');
			int index;
			long count;
			try {
				index = (colon < 0) ? -1 : Integer.parseInt(pair, 0, colon, 10);
				count = (colon < 0) ? -1 : Long.parseLong(pair, colon + 1, pair.length(), 10);
			}
			catch (NumberFormatException ex) {
				throw notAHistogram(encoded);
			}
			if (index < 0 || index >= SIZE || count < 0) {
				throw notAHistogram(encoded);
			}
			add(index, count);
		}
	}

	private static IllegalArgumentException notAHistogram(String encoded) {
		return new IllegalArgumentException("Not a latency histogram of index:count pairs: '" + encoded + "'");
	}

	/**
	 * Writes the buckets that counted latencies, as {@code index:count} pairs separated
	 * by commas.
	 * @return the histogram, empty if it counted none
	 */
	public String encode() {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < this.counts.length; i++) {
			if (this.counts[i] > 0) {
				if (!out.isEmpty()) {
					out.append(',');
				}
				out.append(i).append(':').append(this.counts[i]);
			}
		}
		return out.toString();
	}

	/**
	 * How many latencies it counted.
	 * @return the count
	 */
	public long count() {
		return this.total;
	}

	/**
	 * The 50th, 90th and 99th percentiles.
	 * @return the percentiles, or {@link RunStats.Latency#NONE} if it counted none
	 */
	public RunStats.Latency latency() {
		if (this.total == 0) {
			return RunStats.Latency.NONE;
		}
		return new RunStats.Latency(this.total, percentile(0.5), percentile(0.9), percentile(0.99));
	}

	/**
	 * A percentile, interpolated between the latencies nearest its rank as SQL's
	 * {@code PERCENTILE_CONT} does, each read as the middle of its bucket.
	 * @param fraction the percentile, from 0 to 1
	 * @return the latency in milliseconds
	 */
	double percentile(double fraction) {
		double rank = fraction * (this.total - 1);
		long below = (long) Math.floor(rank);
		double low = valueAt(below);
		double high = valueAt((long) Math.ceil(rank));
		return low + (high - low) * (rank - below);
	}

	/** The latency of the one at a rank, counting from zero. */
	private double valueAt(long rank) {
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen > rank) {
				return value(i);
			}
		}
		throw new IllegalStateException("No latency at rank " + rank + " of " + this.total);
	}

	static int index(double millis) {
		double micros = millis * 1000;
		if (!(micros >= 1)) {
			return 0;
		}
		return (int) Math.min(SIZE - 1, 1 + Math.floor(PER_DOUBLING * Math.log(micros) / Math.log(2)));
	}

	static double value(int index) {
		return (index == 0) ? 0 : Math.pow(2, (index - 0.5) / PER_DOUBLING) / 1000;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		return obj instanceof LatencyHistogram other && encode().equals(other.encode());
	}

	@Override
	public int hashCode() {
		return encode().hashCode();
	}

	@Override
	public String toString() {
		return "LatencyHistogram[" + encode() + "]";
	}

}
