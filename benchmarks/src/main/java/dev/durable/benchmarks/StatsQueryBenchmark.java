package dev.durable.benchmarks;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.durable.inngest.RunStats;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.StatsRollup;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.JdbcRunStatsStore;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Times the dashboard's chart queries ({@link JdbcRunStatsStore}) on an H2 database
 * holding many ended runs spread over the last week: {@code StatsQueryBenchmark [runs]}
 * (a million by default). The runs are written straight into the tables, ten functions,
 * most of them completed, some failed with a failed attempt and some cancelled, so that
 * filling the database takes seconds rather than the hours running them would. It prints,
 * for the last hour, day and week, of one function and of all, the median time of three
 * queries: counted from the runs, as before the first roll-up, then from the counts per
 * minute once the week is rolled up ({@link JdbcRunStatsStore#rollUp}), with the time the
 * roll-up took.
 */
public final class StatsQueryBenchmark {

	private static final int FUNCTIONS = 10;

	private StatsQueryBenchmark() {
	}

	public static void main(String[] args) {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
		Instant now = Instant.now();
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(
				"jdbc:h2:mem:stats-benchmark;DB_CLOSE_DELAY=-1", "sa", "", true);
		new InngestSchemaInitializer(dataSource, DatabaseInitializationMode.ALWAYS, DatabasePlatform.H2)
			.initializeDatabase();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		long filling = System.nanoTime();
		fill(jdbc, runs, now);
		System.out.printf("Filled %,d ended runs over the last week in %,d ms%n", runs,
				Duration.ofNanos(System.nanoTime() - filling).toMillis());
		JdbcRunStatsStore stats = new JdbcRunStatsStore(jdbc);
		System.out.println("From the runs, before any roll-up:");
		time(stats, now);
		long rolling = System.nanoTime();
		Instant until = now.minus(StatsRollup.DELAY).truncatedTo(ChronoUnit.MINUTES);
		Instant rolled;
		do {
			rolled = stats.rollUp(until, 5);
		}
		while (rolled.isBefore(until));
		System.out.printf("Rolled up the week in %,d ms into %,d rows%n",
				Duration.ofNanos(System.nanoTime() - rolling).toMillis(),
				jdbc.queryForObject("SELECT COUNT(*) FROM inngest_stats_minute", Long.class));
		System.out.println("From the counts per minute, once rolled up:");
		time(stats, now);
		dataSource.destroy();
	}

	/**
	 * Prints the median time of three queries of each window, of all functions and one.
	 */
	private static void time(JdbcRunStatsStore stats, Instant now) {
		for (Duration window : List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7))) {
			Duration bucket = (window.compareTo(Duration.ofHours(2)) <= 0) ? Duration.ofMinutes(1)
					: (window.compareTo(Duration.ofDays(2)) <= 0) ? Duration.ofMinutes(15) : Duration.ofHours(2);
			Instant from = Instant.ofEpochSecond(
					Math.floorDiv(now.minus(window).getEpochSecond(), bucket.toSeconds()) * bucket.toSeconds());
			for (String function : Arrays.asList(null, "fn-3")) {
				long[] times = new long[3];
				RunStats result = null;
				for (int i = 0; i < times.length; i++) {
					long started = System.nanoTime();
					// A different end each time, so that H2 cannot answer from its cache
					// of results.
					result = stats.stats(function, from, now.plusMillis(i), bucket);
					times[i] = System.nanoTime() - started;
				}
				Arrays.sort(times);
				long started = result.buckets().stream().mapToLong(RunStats.Bucket::started).sum();
				System.out.printf("%-5s %-4s %,10d runs started  median %,9.1f ms  p99 end to end %,8.1f ms%n",
						label(window), (function != null) ? function : "all", started, times[1] / 1e6,
						result.endToEnd().p99());
			}
		}
	}

	private static String label(Duration window) {
		return window.equals(Duration.ofHours(1)) ? "hour" : window.equals(Duration.ofDays(1)) ? "day" : "week";
	}

	private static void fill(JdbcTemplate jdbc, int runs, Instant now) {
		jdbc.update("INSERT INTO inngest_event (id, name, data, ts, received_at) VALUES ('e', 'bench/e', '{}', 0, ?)",
				Timestamp.from(now));
		SplittableRandom random = new SplittableRandom(42);
		long span = Duration.ofDays(7).toMillis();
		List<Object[]> batch = new ArrayList<>();
		List<Object[]> attempts = new ArrayList<>();
		Ids ids = new Ids(Clock.systemUTC());
		for (int i = 0; i < runs; i++) {
			Instant created = now.minusMillis(span - (span * i / runs));
			String id = ids.next(created);
			Instant started = created.plusMillis(random.nextInt(50));
			Instant ended = started.plusMillis(random.nextInt(2000));
			int roll = random.nextInt(100);
			String status = (roll < 90) ? "COMPLETED" : (roll < 98) ? "FAILED" : "CANCELLED";
			batch.add(new Object[] { id, "fn-" + (i % FUNCTIONS), status, Timestamp.from(created),
					Timestamp.from(started), Timestamp.from(ended) });
			if (status.equals("FAILED")) {
				attempts.add(new Object[] { id, Timestamp.from(ended) });
			}
			if (batch.size() == 10_000 || i == runs - 1) {
				jdbc.batchUpdate("INSERT INTO inngest_run (id, function_id, event_id, status, attempt, created_at, "
						+ "started_at, ended_at) VALUES (?, ?, 'e', ?, 0, ?, ?, ?)", batch);
				jdbc.batchUpdate("INSERT INTO inngest_attempt (run_id, step_key, attempt, error_name, failed_at) "
						+ "VALUES (?, 'step', 0, 'Error', ?)", attempts);
				batch.clear();
				attempts.clear();
			}
		}
		jdbc.execute("ANALYZE");
	}

}
