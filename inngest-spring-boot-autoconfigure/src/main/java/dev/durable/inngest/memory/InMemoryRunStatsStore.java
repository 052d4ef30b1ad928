package dev.durable.inngest.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.durable.inngest.RunStats;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunStatsStore;
import org.jspecify.annotations.Nullable;

/**
 * Counts what the runs of an {@link InMemoryInngestStore} did, reading every run each
 * time, as a store in memory holds few. Its percentiles are exact.
 */
final class InMemoryRunStatsStore implements RunStatsStore {

	private final InMemoryInngestStore store;

	InMemoryRunStatsStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public RunStats stats(@Nullable String functionId, Instant from, Instant to, Duration bucket) {
		long seconds = bucket.toSeconds();
		int count = (int) Math.ceil((double) Duration.between(from, to).toSeconds() / seconds);
		long first = Math.floorDiv(from.getEpochSecond(), seconds);
		long[][] values = new long[count][5];
		List<Double> endToEnd = new ArrayList<>();
		List<Double> queue = new ArrayList<>();
		List<List<Double>> bucketEndToEnd = lists(count);
		List<List<Double>> bucketQueue = lists(count);
		this.store.locked(() -> {
			// Every run, as one that ended in the window may have been created long
			// before;
			// the store in memory holds few.
			for (RunRow run : this.store.runs.rows().values()) {
				if (functionId != null && !functionId.equals(run.functionId)) {
					continue;
				}
				if (within(run.createdAt, from, to)) {
					add(values, index(run.createdAt, seconds, first), 0);
				}
				if (run.endedAt != null && within(run.endedAt, from, to)) {
					int column = (run.status == RunStatus.COMPLETED) ? 1 : (run.status == RunStatus.FAILED) ? 2 : 3;
					long index = index(run.endedAt, seconds, first);
					add(values, index, column);
					double took = millis(run.createdAt, run.endedAt);
					endToEnd.add(took);
					add(bucketEndToEnd, index, took);
					if (run.startedAt != null) {
						double waited = millis(run.createdAt, run.startedAt);
						queue.add(waited);
						add(bucketQueue, index, waited);
					}
				}
			}
			for (AttemptRecord attempt : this.store.attempts.rows().values()) {
				if (within(attempt.failedAt(), from, to) && (functionId == null || functionOf(attempt, functionId))) {
					add(values, index(attempt.failedAt(), seconds, first), 4);
				}
			}
		});
		List<RunStats.Bucket> buckets = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			buckets.add(new RunStats.Bucket(Instant.ofEpochSecond((first + i) * seconds), values[i][0], values[i][1],
					values[i][2], values[i][3], values[i][4], latency(bucketEndToEnd.get(i)),
					latency(bucketQueue.get(i))));
		}
		return new RunStats(functionId, from, to, bucket, buckets, latency(endToEnd), latency(queue));
	}

	private static List<List<Double>> lists(int count) {
		List<List<Double>> lists = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			lists.add(new ArrayList<>());
		}
		return lists;
	}

	private static void add(List<List<Double>> lists, long index, double value) {
		if (index >= 0 && index < lists.size()) {
			lists.get((int) index).add(value);
		}
	}

	private boolean functionOf(AttemptRecord attempt, String functionId) {
		RunRow run = this.store.runs.get(attempt.runId());
		return run != null && functionId.equals(run.functionId);
	}

	private static boolean within(Instant time, Instant from, Instant to) {
		return !time.isBefore(from) && time.isBefore(to);
	}

	private static long index(Instant time, long seconds, long first) {
		return Math.floorDiv(time.getEpochSecond(), seconds) - first;
	}

	private static void add(long[][] values, long index, int column) {
		if (index >= 0 && index < values.length) {
			values[(int) index][column]++;
		}
	}

	private static double millis(Instant from, Instant to) {
		return Duration.between(from, to).toNanos() / 1_000_000.0;
	}

	/** Percentiles interpolated between the nearest values, as SQL's PERCENTILE_CONT. */
	private static RunStats.Latency latency(List<Double> values) {
		if (values.isEmpty()) {
			return RunStats.Latency.NONE;
		}
		Collections.sort(values);
		return new RunStats.Latency(values.size(), percentile(values, 0.5), percentile(values, 0.9),
				percentile(values, 0.99));
	}

	private static double percentile(List<Double> sorted, double p) {
		double rank = p * (sorted.size() - 1);
		int below = (int) Math.floor(rank);
		int above = (int) Math.ceil(rank);
		return sorted.get(below) + (sorted.get(above) - sorted.get(below)) * (rank - below);
	}

}
