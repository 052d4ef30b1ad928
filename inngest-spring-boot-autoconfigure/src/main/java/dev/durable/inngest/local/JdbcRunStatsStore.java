package dev.durable.inngest.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.durable.inngest.RunStats;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.store.LatencyHistogram;
import dev.durable.inngest.engine.store.RunStatsStore;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Counts what runs did from {@code inngest_run} and {@code inngest_attempt}, and keeps
 * those counts per minute and function in {@code inngest_stats_minute} once a minute is
 * rolled up, so that a week's chart reads some ten thousand rows whatever the number of
 * runs. The minutes after the last one rolled up ({@code inngest_stats_rollup}) are
 * counted from the runs: those created in them by the range of their ids, those that
 * ended in them by the index of due times, in which a run that ended is kept by its end
 * time.
 */
public final class JdbcRunStatsStore implements RunStatsStore {

	/** The function of the rows that count every function. */
	static final String ALL = "";

	private static final long MINUTE = 60;

	static final String ROLLED_TO = "SELECT rolled_to FROM inngest_stats_rollup WHERE id = 1";

	static final String ROLLED_UP = "SELECT epoch_minute, started, completed, failed, cancelled, failed_attempts, "
			+ "end_to_end, queue FROM inngest_stats_minute WHERE function_id = ? AND epoch_minute >= ? AND epoch_minute < ?";

	static String started(boolean function) {
		String minute = "FLOOR(EXTRACT(EPOCH FROM created_at) / 60)";
		return "SELECT function_id, " + minute + ", COUNT(*) FROM inngest_run WHERE id >= ? AND id < ? "
				+ "AND created_at >= ? AND created_at < ?" + (function ? " AND function_id = ?" : "")
				+ " GROUP BY function_id, " + minute;
	}

	/**
	 * The runs that ended in a range of time, read through the index of due times: a run
	 * that ended has none, and is kept there by its end time.
	 */
	static final String ENDED = "SELECT function_id, status, created_at, started_at, ended_at FROM inngest_run "
			+ "WHERE due_at IS NULL AND ended_at >= ? AND ended_at < ?";

	static final String FAILED_ATTEMPTS = "SELECT r.function_id, FLOOR(EXTRACT(EPOCH FROM a.failed_at) / 60), "
			+ "COUNT(*) FROM inngest_attempt a JOIN inngest_run r ON r.id = a.run_id "
			+ "WHERE a.failed_at >= ? AND a.failed_at < ? GROUP BY r.function_id, FLOOR(EXTRACT(EPOCH FROM a.failed_at) / 60)";

	private static final String INSERT = "INSERT INTO inngest_stats_minute (function_id, epoch_minute, started, "
			+ "completed, failed, cancelled, failed_attempts, end_to_end, queue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private final JdbcTemplate template;

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public JdbcRunStatsStore(JdbcTemplate jdbc) {
		this.template = jdbc;
		this.jdbc = JdbcClient.create(jdbc);
	}

	@Override
	public RunStats stats(@Nullable String functionId, Instant from, Instant to, Duration bucket) {
		long seconds = bucket.toSeconds();
		int count = (int) Math.ceil((double) Duration.between(from, to).toSeconds() / seconds);
		long first = Math.floorDiv(from.getEpochSecond(), seconds);
		Minutes window = new Minutes(first * seconds, seconds, count);
		// The whole minutes of the window rolled up are read from their counts, the rest
		// from the runs.
		long fromMinute = Math.floorDiv(from.getEpochSecond(), MINUTE);
		long rolledTo = Math.max(fromMinute, Math.min(rolledTo(), Math.floorDiv(to.getEpochSecond(), MINUTE)));
		if (fromMinute < rolledTo) {
			this.jdbc.sql(ROLLED_UP)
				.params((functionId != null) ? functionId : ALL, fromMinute, rolledTo)
				.query((RowCallbackHandler) (rs) -> {
					Counts counts = window.at(rs.getLong(1));
					if (counts != null) {
						counts.add(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
						counts.endToEnd.addEncoded(rs.getString(7));
						counts.queue.addEncoded(rs.getString(8));
					}
				});
		}
		Instant rawFrom = Instant.ofEpochSecond(rolledTo * MINUTE);
		if (rawFrom.isBefore(to)) {
			// Straight into the window's buckets: only the runs of the function asked
			// for are counted.
			count(rawFrom, to, functionId, (function, minute, update) -> {
				Counts into = window.at(minute);
				if (into != null) {
					update.accept(into);
				}
			});
		}
		List<RunStats.Bucket> buckets = new ArrayList<>(count);
		LatencyHistogram endToEnd = new LatencyHistogram();
		LatencyHistogram queue = new LatencyHistogram();
		for (int i = 0; i < count; i++) {
			Counts counts = window.buckets[i];
			buckets.add(new RunStats.Bucket(Instant.ofEpochSecond((first + i) * seconds), counts.started,
					counts.completed, counts.failed, counts.cancelled, counts.failedAttempts, counts.endToEnd.latency(),
					counts.queue.latency()));
			endToEnd.add(counts.endToEnd);
			queue.add(counts.queue);
		}
		return new RunStats(functionId, from, to, bucket, buckets, endToEnd.latency(), queue.latency());
	}

	@Override
	public Instant rollUp(Instant until, int minutes) {
		long end = Math.floorDiv(until.getEpochSecond(), MINUTE);
		// Locks the row, so that instances rolling up at once take turns, the later one
		// starting where the earlier one ended.
		Long rolledTo = this.jdbc.sql(ROLLED_TO + " FOR UPDATE").query(Long.class).optional().orElse(null);
		// Minutes in which nothing happened, and before the first run, are passed over at
		// once.
		long start = (rolledTo != null) ? rolledTo : 0;
		start = Math.max(start, Math.min(end, nextActivity(start)));
		if (start >= end) {
			if (rolledTo == null || rolledTo < end) {
				markRolledTo(start);
			}
			return until;
		}
		long stop = Math.min(end, start + minutes);
		Map<Key, Counts> counted = new HashMap<>();
		count(Instant.ofEpochSecond(start * MINUTE), Instant.ofEpochSecond(stop * MINUTE), null,
				(function, minute, update) -> {
					update.accept(counted.computeIfAbsent(new Key(function, minute), (key) -> new Counts()));
					update.accept(counted.computeIfAbsent(new Key(ALL, minute), (key) -> new Counts()));
				});
		List<Object[]> rows = new ArrayList<>(counted.size());
		counted.forEach((key,
				counts) -> rows.add(new Object[] { key.functionId(), key.minute(), counts.started, counts.completed,
						counts.failed, counts.cancelled, counts.failedAttempts, counts.endToEnd.encode(),
						counts.queue.encode() }));
		this.template.batchUpdate(INSERT, rows);
		markRolledTo(stop);
		return Instant.ofEpochSecond(stop * MINUTE);
	}

	@Override
	public long deleteRollUpsBefore(Instant before) {
		return this.jdbc.sql("DELETE FROM inngest_stats_minute WHERE epoch_minute < ?")
			.param(Math.floorDiv(before.getEpochSecond(), MINUTE))
			.update();
	}

	private void markRolledTo(long minute) {
		if (this.jdbc.sql("UPDATE inngest_stats_rollup SET rolled_to = ? WHERE id = 1").param(minute).update() != 1) {
			throw new IllegalStateException("The table inngest_stats_rollup has no row of id 1, which the engine's "
					+ "schema script inserts: apply the script again");
		}
	}

	/**
	 * The first minute from a minute on in which a run was created or ended or an attempt
	 * failed, from the first entry of each index there; {@link Long#MAX_VALUE} if none.
	 */
	private long nextActivity(long minute) {
		Instant from = Instant.ofEpochSecond(minute * MINUTE);
		long next = Long.MAX_VALUE;
		for (Instant time : new Instant[] {
				this.jdbc.sql("SELECT created_at FROM inngest_run WHERE id >= ? ORDER BY id FETCH FIRST 1 ROWS ONLY")
					.param(Ids.lowest(from))
					.query((rs, row) -> Timestamps.read(rs, "created_at"))
					.optional()
					.orElse(null),
				this.jdbc
					.sql("SELECT ended_at FROM inngest_run WHERE due_at IS NULL AND ended_at >= ? "
							+ "ORDER BY due_at, ended_at FETCH FIRST 1 ROWS ONLY")
					.param(Timestamps.of(from))
					.query((rs, row) -> Timestamps.read(rs, "ended_at"))
					.optional()
					.orElse(null),
				this.jdbc
					.sql("SELECT failed_at FROM inngest_attempt WHERE failed_at >= ? ORDER BY failed_at "
							+ "FETCH FIRST 1 ROWS ONLY")
					.param(Timestamps.of(from))
					.query((rs, row) -> Timestamps.read(rs, "failed_at"))
					.optional()
					.orElse(null) }) {
			if (time != null) {
				next = Math.min(next, Math.floorDiv(time.getEpochSecond(), MINUTE));
			}
		}
		return next;
	}

	private long rolledTo() {
		return this.jdbc.sql(ROLLED_TO).query(Long.class).optional().orElse(Long.MIN_VALUE);
	}

	/**
	 * Counts what runs did in a time range from the runs, telling the tally the function
	 * and the minute of each count: of one function only, if one is given.
	 */
	private void count(Instant from, Instant to, @Nullable String functionId, Tally tally) {
		this.jdbc.sql(started(functionId != null))
			.params(params(functionId, Ids.lowest(from), Ids.lowest(to.plusMillis(1)), Timestamps.of(from),
					Timestamps.of(to)))
			.query((RowCallbackHandler) (rs) -> {
				long started = rs.getLong(3);
				tally.update(rs.getString(1), rs.getLong(2), (counts) -> counts.started += started);
			});
		// The runs that ended, and the failed attempts, of every function, filtered here:
		// with the function in the statement, H2 would read all of the function's runs
		// through its index rather than the range of the end time.
		this.jdbc.sql(ENDED).params(Timestamps.of(from), Timestamps.of(to)).query((RowCallbackHandler) (rs) -> {
			String runFunction = rs.getString("function_id");
			if (functionId == null || functionId.equals(runFunction)) {
				Instant created = Timestamps.read(rs, "created_at");
				Instant started = Timestamps.read(rs, "started_at");
				Instant ended = Timestamps.read(rs, "ended_at");
				String status = rs.getString("status");
				tally.update(runFunction, Math.floorDiv(ended.getEpochSecond(), MINUTE),
						(counts) -> counts.ended(status, created, started, ended));
			}
		});
		this.jdbc.sql(FAILED_ATTEMPTS)
			.params(Timestamps.of(from), Timestamps.of(to))
			.query((RowCallbackHandler) (rs) -> {
				String runFunction = rs.getString(1);
				if (functionId == null || functionId.equals(runFunction)) {
					long failed = rs.getLong(3);
					tally.update(runFunction, rs.getLong(2), (counts) -> counts.failedAttempts += failed);
				}
			});
	}

	private static Object[] params(@Nullable String functionId, Object... params) {
		List<Object> all = new ArrayList<>(List.of(params));
		if (functionId != null) {
			all.add(functionId);
		}
		return all.toArray();
	}

	/** Where the counts of a function's minute go. */
	@FunctionalInterface
	private interface Tally {

		void update(String function, long minute, Consumer<Counts> update);

	}

	/** A function, or {@link #ALL}, and a minute since the epoch. */
	private record Key(String functionId, long minute) {

	}

	/** The buckets of a window. */
	private static final class Minutes {

		private final long start;

		private final long seconds;

		private final Counts[] buckets;

		Minutes(long start, long seconds, int count) {
			this.start = start;
			this.seconds = seconds;
			this.buckets = new Counts[count];
			for (int i = 0; i < count; i++) {
				this.buckets[i] = new Counts();
			}
		}

		/** The bucket of a minute, or {@code null} if it is outside the window. */
		@Nullable Counts at(long minute) {
			long index = Math.floorDiv(minute * MINUTE - this.start, this.seconds);
			return (index >= 0 && index < this.buckets.length) ? this.buckets[(int) index] : null;
		}

	}

	/** What runs did in a minute, or in a bucket. */
	private static final class Counts {

		private long started;

		private long completed;

		private long failed;

		private long cancelled;

		private long failedAttempts;

		private final LatencyHistogram endToEnd = new LatencyHistogram();

		private final LatencyHistogram queue = new LatencyHistogram();

		void ended(String status, Instant created, @Nullable Instant started, Instant ended) {
			switch (status) {
				case "COMPLETED" -> this.completed++;
				case "FAILED" -> this.failed++;
				default -> this.cancelled++;
			}
			this.endToEnd.add(millis(created, ended));
			if (started != null) {
				this.queue.add(millis(created, started));
			}
		}

		void add(long started, long completed, long failed, long cancelled, long failedAttempts) {
			this.started += started;
			this.completed += completed;
			this.failed += failed;
			this.cancelled += cancelled;
			this.failedAttempts += failedAttempts;
		}

		void add(Counts other) {
			add(other.started, other.completed, other.failed, other.cancelled, other.failedAttempts);
			this.endToEnd.add(other.endToEnd);
			this.queue.add(other.queue);
		}

		private static double millis(Instant from, Instant to) {
			return Duration.between(from, to).toNanos() / 1_000_000.0;
		}

	}

}
