package dev.durable.inngest.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.RunStats;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.store.RunStatsStore;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Counts what runs did from {@code inngest_run} and {@code inngest_attempt}, grouped by
 * bucket in the database. Every statement reads the runs by a range of ids (the primary
 * key, or the function's index), as the lists of runs do, so that its cost follows the
 * runs of the window, not the runs stored.
 */
public final class JdbcRunStatsStore implements RunStatsStore {

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public JdbcRunStatsStore(JdbcTemplate jdbc) {
		this.jdbc = JdbcClient.create(jdbc);
	}

	@Override
	public RunStats stats(@Nullable String functionId, Instant from, Instant to, Duration bucket, Duration lookback) {
		long seconds = bucket.toSeconds();
		int count = (int) Math.ceil((double) Duration.between(from, to).toSeconds() / seconds);
		long first = Math.floorDiv(from.getEpochSecond(), seconds);
		long[][] values = new long[count][5];
		Range created = new Range(Ids.lowest(from), Ids.lowest(to.plusMillis(1)), functionId);
		Range ended = new Range(Ids.lowest(from.minus(lookback)), created.to(), functionId);
		this.jdbc.sql(started(seconds, functionId != null))
			.params(created.params(from, to))
			.query((RowCallbackHandler) (rs) -> add(values, rs.getLong(1) - first, 0, rs.getLong(2)));
		this.jdbc.sql(ended(seconds, functionId != null)).params(ended.params(from, to)).query((rs) -> {
			int column = switch (rs.getString(2)) {
				case "COMPLETED" -> 1;
				case "FAILED" -> 2;
				default -> 3;
			};
			add(values, rs.getLong(1) - first, column, rs.getLong(3));
		});
		this.jdbc.sql(attempts(seconds, functionId != null))
			.params(ended.params(from, to))
			.query((RowCallbackHandler) (rs) -> add(values, rs.getLong(1) - first, 4, rs.getLong(2)));
		List<RunStats.Bucket> buckets = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			buckets.add(new RunStats.Bucket(Instant.ofEpochSecond((first + i) * seconds), values[i][0], values[i][1],
					values[i][2], values[i][3], values[i][4]));
		}
		return new RunStats(functionId, from, to, bucket, buckets,
				latency(latencies("ended_at", "created_at", "ended_at", functionId != null), ended.params(from, to)),
				latency(latencies("started_at", "created_at", "started_at", functionId != null),
						ended.params(from, to)));
	}

	private static void add(long[][] values, long index, int column, long count) {
		if (index >= 0 && index < values.length) {
			values[(int) index][column] += count;
		}
	}

	private RunStats.Latency latency(String sql, Object[] params) {
		return this.jdbc.sql(sql).params(params).query((rs, row) -> {
			long count = rs.getLong(1);
			return (count == 0) ? RunStats.Latency.NONE
					: new RunStats.Latency(count, rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
		}).single();
	}

	private static String bucketOf(String column, long seconds) {
		return "FLOOR(EXTRACT(EPOCH FROM " + column + ") / " + seconds + ")";
	}

	private static String runs(String alias, boolean function) {
		return alias + "id >= ? AND " + alias + "id < ?" + (function ? " AND " + alias + "function_id = ?" : "");
	}

	static String started(long seconds, boolean function) {
		String bucket = bucketOf("created_at", seconds);
		return "SELECT " + bucket + ", COUNT(*) FROM inngest_run WHERE " + runs("", function)
				+ " AND created_at >= ? AND created_at < ? GROUP BY " + bucket;
	}

	static String ended(long seconds, boolean function) {
		String bucket = bucketOf("ended_at", seconds);
		return "SELECT " + bucket + ", status, COUNT(*) FROM inngest_run WHERE " + runs("", function)
				+ " AND ended_at >= ? AND ended_at < ? GROUP BY " + bucket + ", status";
	}

	static String attempts(long seconds, boolean function) {
		String bucket = bucketOf("a.failed_at", seconds);
		String where = function
				? "a.run_id >= ? AND a.run_id < ? AND EXISTS (SELECT 1 FROM inngest_run r WHERE r.id = a.run_id "
						+ "AND r.function_id = ?)"
				: "a.run_id >= ? AND a.run_id < ?";
		return "SELECT " + bucket + ", COUNT(*) FROM inngest_attempt a WHERE " + where
				+ " AND a.failed_at >= ? AND a.failed_at < ? GROUP BY " + bucket;
	}

	static String latencies(String end, String start, String window, boolean function) {
		String millis = "(EXTRACT(EPOCH FROM " + end + ") - EXTRACT(EPOCH FROM " + start + ")) * 1000";
		return "SELECT COUNT(*), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY d), "
				+ "PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY d), PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY d) "
				+ "FROM (SELECT " + millis + " AS d FROM inngest_run WHERE " + runs("", function) + " AND " + window
				+ " >= ? AND " + window + " < ?) t";
	}

	/** A range of run ids, and the function, if one. */
	private record Range(String from, String to, @Nullable String functionId) {

		Object[] params(Instant start, Instant end) {
			List<Object> params = new ArrayList<>(List.of(this.from, this.to));
			if (this.functionId != null) {
				params.add(this.functionId);
			}
			params.add(Timestamps.of(start));
			params.add(Timestamps.of(end));
			return params.toArray();
		}

	}

}
