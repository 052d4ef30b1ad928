package dev.durable.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.RunStore.Completion;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import one.profiler.AsyncProfiler;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.FileSystemUtils;

/**
 * Runs one workload on one database and appends its result, one JSON line, to a file:
 * {@code Benchmark <W1..W9|P1..P4> <h2|h2-durable|postgresql|postgresql-durable> <results.jsonl>}.
 * Each workload runs in a JVM of its own, started by {@code benchmarks/run.sh}.
 * {@code h2-durable} is the H2 file database with every commit written to the file before
 * it returns ({@code WRITE_DELAY=0}); {@code postgresql-durable} is PostgreSQL with every
 * commit flushed to disk before it returns ({@code fsync} and {@code synchronous_commit}
 * on, PostgreSQL's defaults, which the embedded PostgreSQL of the tests turns off).
 */
public final class Benchmark {

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * How many runs each batch of the warm-up makes ({@code bench.warmUpRuns}, 2,000
	 * unless set).
	 */
	static final int WARM_UP = Integer.getInteger("bench.warmUpRuns", 2_000);

	/**
	 * Whether to count PostgreSQL's statements (pg_stat_statements) and print them at the
	 * end.
	 */
	private static final boolean PG_STATEMENTS = Boolean.getBoolean("bench.pgStatements");

	/**
	 * Whether to sample what PostgreSQL's active backends wait for during the measured
	 * rounds (pg_stat_activity, every millisecond) and print the counts at the end.
	 */
	private static final boolean PG_WAITS = Boolean.getBoolean("bench.pgWaits");

	/**
	 * Where async-profiler writes its profile of the measured rounds, or {@code null} for
	 * no profile: a flame graph if the name ends in {@code .html}, JFR in {@code .jfr},
	 * collapsed stacks otherwise.
	 */
	private static final String PROFILE = System.getProperty("bench.profile");

	/**
	 * What the profile samples: {@code cpu} (a millisecond of CPU time), {@code wall} (a
	 * millisecond of every thread's wall time), {@code alloc} or {@code lock}.
	 */
	private static final String PROFILE_EVENT = System.getProperty("bench.profileEvent", "cpu");

	/**
	 * Where async-profiler writes its profile of the cold round of W8, P3, P4 and W9 (the
	 * JVM's first calls, while the JIT compiler compiles), or {@code null} for none; the
	 * same formats and events as {@code bench.profile}.
	 */
	static final String PROFILE_COLD = System.getProperty("bench.profileCold");

	/**
	 * The command that resumes the profile of the measured rounds while they run, or
	 * {@code null} outside them.
	 */
	private static volatile String profiling;

	/**
	 * What the events the engine's workloads send carry besides their number: a
	 * {@code pad} field of {@code bench.eventPadding} characters (none unless set), for
	 * events of a realistic size.
	 */
	private static final String PADDING = "x".repeat(Integer.getInteger("bench.eventPadding", 0));

	/** The PostgreSQL server's main process while one runs, for its CPU time. */
	private static volatile ProcessHandle server;

	/** The PostgreSQL database's JDBC URL, or {@code null} on H2. */
	private static volatile String postgresUrl;

	/** Reads the PostgreSQL server's statistics while one runs. */
	private static volatile JdbcClient serverStatistics;

	/**
	 * How long each workload is warmed up at least before it is measured, in batches of
	 * {@link #WARM_UP} runs: on two cores the JIT compiler takes many seconds to compile
	 * the database's and the engine's hot paths, and a workload measured earlier measures
	 * the compiler at work.
	 */
	private static final Duration WARM_UP_TIME = Duration.ofSeconds(Long.getLong("bench.warmUpSeconds", 15));

	/**
	 * How long each workload is warmed up at most: after {@link #WARM_UP_TIME}, the
	 * warm-up goes on until the JIT compiler has settled ({@link #JIT_SETTLED}) or this
	 * much time has passed.
	 */
	private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(Long.getLong("bench.warmUpLimitSeconds", 60));

	/**
	 * The JIT compiler is taken as settled once it compiled for less than this share of
	 * the wall time of the last {@link #JIT_WINDOW}.
	 */
	private static final double JIT_SETTLED = 0.02;

	private static final Duration JIT_WINDOW = Duration.ofSeconds(5);

	/**
	 * How many times W1, W5, W6 and W7 are measured in one JVM; their median is reported.
	 */
	private static final int ROUNDS = 5;

	/**
	 * Ids as the engine makes them: sortable by time, so that rows go in at the end of
	 * the index.
	 */
	static final Ids IDS = new Ids(Clock.systemUTC());

	/** The threads that execute runs or jobs: the engine's default, and the peers'. */
	static final int WORKERS = 8;

	private final String workload;

	/**
	 * {@link #rowsWritten()} when the measured rounds start, with {@link #PG_STATEMENTS}.
	 */
	private Map<String, long[]> rowsWrittenBefore = Map.of();

	/** How long the workload was warmed up, in seconds; 0 before it was. */
	private double warmedUpSeconds;

	private final String database;

	private ConfigurableApplicationContext context;

	private Benchmark(String workload, String database) {
		this.workload = workload;
		this.database = database;
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 3 && "report".equals(args[0])) {
			Report.write(Path.of(args[1]), Path.of(args[2]));
			return;
		}
		if (args.length != 3) {
			System.err.println(
					"Usage: Benchmark <W1|W2|W3|W4|W5|W6|W7|P1|P2|W8-N|W9-N|P3-N|P4-N> <h2|h2-durable|postgresql|postgresql-durable> "
							+ "<results.jsonl>");
			System.err.println("       Benchmark report <results.jsonl> <RESULTS.md>");
			System.exit(2);
		}
		Result result = new Benchmark(args[0], args[1]).run();
		String line = json.writeValueAsString(result.toMap());
		System.out.println(line);
		Files.writeString(Path.of(args[2]), line + System.lineSeparator(), StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
		System.exit(0);
	}

	private boolean isH2() {
		return "h2".equals(this.database) || "h2-durable".equals(this.database);
	}

	private boolean isPostgres() {
		return "postgresql".equals(this.database) || "postgresql-durable".equals(this.database);
	}

	private Result run() throws Exception {
		EmbeddedPostgres postgres = null;
		Path h2Directory = null;
		String url;
		if (isPostgres()) {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
			if ("postgresql-durable".equals(this.database)) {
				builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
			}
			if (PG_STATEMENTS) {
				builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
					.setServerConfig("pg_stat_statements.track_planning", "on");
			}
			postgres = builder.start();
			url = postgres.getJdbcUrl("postgres", "postgres") + System.getProperty("bench.pgOptions", "");
			postgresUrl = url;
		}
		else if (isH2()) {
			h2Directory = Files.createTempDirectory("inngest-bench-h2");
			url = "jdbc:h2:file:" + h2Directory.resolve("bench") + ";DB_CLOSE_ON_EXIT=FALSE"
					+ ("h2-durable".equals(this.database) ? ";WRITE_DELAY=0" : "")
					+ System.getProperty("bench.h2Options", "");
		}
		else {
			throw new IllegalArgumentException("Unknown database '" + this.database + "'");
		}
		try {
			this.context = new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
				.properties("spring.datasource.url=" + url, "spring.datasource.username=" + user(),
						"inngest.local.schema.initialize=always", "spring.main.banner-mode=off",
						"logging.level.root=WARN", "spring.jpa.open-in-view=false", "inngest.local.backoff.initial=1ms",
						"inngest.local.backoff.max=1ms", "inngest.local.backoff.jitter=0",
						// H2's own default, which the engine's durable default replaces;
						// the URL of
						// h2-durable sets WRITE_DELAY=0, which wins over it.
						"inngest.local.h2.write-delay=500ms")
				.run();
			if (isPostgres()) {
				long backend = jdbc().sql("SELECT pg_backend_pid()").query(Long.class).single();
				server = ProcessHandle.of(backend).flatMap(ProcessHandle::parent).orElseThrow();
				serverStatistics = jdbc();
				if (PG_STATEMENTS) {
					jdbc().sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").update();
				}
			}
			for (String sql : System.getProperty("bench.sql", "").split(";")) {
				if (!sql.isBlank()) {
					jdbc().sql(sql).update();
				}
			}
			boolean statistics = isH2() && Boolean.getBoolean("bench.h2Statistics");
			if (statistics) {
				jdbc().sql("SET QUERY_STATISTICS_MAX_ENTRIES 200").update();
				jdbc().sql("SET QUERY_STATISTICS TRUE").update();
			}
			Map<String, Object> figures = switch (this.workload.replaceFirst("-\\d+$", "")) {
				case "W1" -> throughput();
				case "W2" -> steps();
				case "W3" -> retries();
				case "W4" -> latency();
				case "W5" -> floor();
				case "W6" -> engineRowsByHand();
				case "W7" -> storesByHand();
				case "P1" -> new PeerEngines(this, byHand(), isPostgres()).dbScheduler();
				case "P2" -> new PeerEngines(this, byHand(), isPostgres()).jobRunr();
				case "W8" -> sendPerEvent(senders());
				case "W9" -> floorPerCall(senders());
				case "P3" -> new PeerEngines(this, byHand(), isPostgres()).dbSchedulerPerCall(senders());
				case "P4" -> new PeerEngines(this, byHand(), isPostgres()).jobRunrPerCall(senders());
				default -> throw new IllegalArgumentException("Unknown workload '" + this.workload + "'");
			};
			if (statistics) {
				printStatementStatistics();
			}
			if (PG_STATEMENTS && isPostgres()) {
				printPostgresStatements();
			}
			figures.put("warmUpSeconds", this.warmedUpSeconds);
			figures.put("peakRssMiB", peakRssMiB());
			figures.put("liveHeapMiB", liveHeapMiB());
			figures.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
			figures.put("pass", System.getProperty("bench.pass", "speed"));
			figures.put("workers", this.context.getEnvironment().getProperty("inngest.local.workers", "8"));
			figures.put("java", Runtime.version().feature());
			return new Result(this.workload, this.database, figures);
		}
		finally {
			if (this.context != null) {
				this.context.close();
			}
			if (postgres != null) {
				server = null;
				postgresUrl = null;
				serverStatistics = null;
				postgres.close();
			}
			if (h2Directory != null) {
				// The database file of one workload grows to about a gigabyte.
				FileSystemUtils.deleteRecursively(h2Directory);
			}
		}
	}

	/**
	 * Prints what H2 counted for each statement since the start (warm-up included): how
	 * many times it ran, its wall time in all (which, with more threads than cores,
	 * includes time the thread waited for a core) and the rows it returned or changed on
	 * average.
	 */
	private void printStatementStatistics() {
		System.err.println("calls\ttotal ms\trows\tstatement");
		jdbc()
			.sql("SELECT EXECUTION_COUNT, CUMULATIVE_EXECUTION_TIME, AVERAGE_ROW_COUNT, SQL_STATEMENT "
					+ "FROM INFORMATION_SCHEMA.QUERY_STATISTICS ORDER BY CUMULATIVE_EXECUTION_TIME DESC")
			.query((rs, i) -> String.format("%d\t%.0f\t%.1f\t%s", rs.getLong(1), rs.getDouble(2), rs.getDouble(3),
					rs.getString(4)))
			.list()
			.forEach(System.err::println);
	}

	/**
	 * Prints what PostgreSQL counted for each statement since the end of the warm-up: how
	 * many times it ran, its time to plan and to execute in all, in the server, and the
	 * rows it returned or changed.
	 */
	private void printPostgresStatements() {
		System.err.println("calls\tplan ms\texec ms\trows\tstatement");
		jdbc()
			.sql("SELECT calls, total_plan_time, total_exec_time, rows, query FROM pg_stat_statements "
					+ "ORDER BY total_plan_time + total_exec_time DESC LIMIT 30")
			.query((rs, i) -> String.format("%d\t%.0f\t%.0f\t%d\t%s", rs.getLong(1), rs.getDouble(2), rs.getDouble(3),
					rs.getLong(4), rs.getString(5).replaceAll("\\s+", " ")))
			.list()
			.forEach(System.err::println);
		// Updates that change no indexed column are HOT: they add no entry to the
		// table's indexes.
		System.err.println("rows inserted\tupdated\tof which HOT\tindexes\ttable");
		rowsWritten().forEach((table, counts) -> {
			long[] before = this.rowsWrittenBefore.getOrDefault(table, new long[4]);
			if (counts[0] + counts[1] > before[0] + before[1]) {
				System.err.printf("%d\t%d\t%d\t%d\t%s%n", counts[0] - before[0], counts[1] - before[1],
						counts[2] - before[2], counts[3], table);
			}
		});
	}

	/**
	 * PostgreSQL's count of the rows inserted, updated and updated HOT in each table, and
	 * the table's indexes.
	 */
	private Map<String, long[]> rowsWritten() {
		Map<String, long[]> counts = new LinkedHashMap<>();
		jdbc()
			.sql("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, "
					+ "(SELECT COUNT(*) FROM pg_index i WHERE i.indrelid = t.relid) FROM pg_stat_user_tables t "
					+ "ORDER BY relname")
			.query((rs) -> {
				counts.put(rs.getString(1), new long[] { rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5) });
			});
		return counts;
	}

	private String user() {
		return isPostgres() ? "postgres" : "sa";
	}

	/** W1: 10,000 events, each starting a run with one trivial step. */
	private Map<String, Object> throughput() throws SQLException {
		int runs = 10_000;
		warmUp("bench/one-step", "one-step");
		return rounds(runs, () -> sendAndAwait("bench/one-step", "one-step", runs));
	}

	/**
	 * Measures {@value #ROUNDS} rounds of a throughput workload and reports the median
	 * round, with the slowest and the fastest: on a shared virtual machine one round can
	 * be a third slower than the next for reasons of its own.
	 */
	static Map<String, Object> rounds(int runs, Round round) throws SQLException {
		List<Clocks> measured = new ArrayList<>();
		// Time is sampled every millisecond; allocations and locks at async-profiler's
		// defaults.
		if (PROFILE != null) {
			profile("start," + profileEvent());
			profiling = "resume," + profileEvent();
		}
		long compiledBefore = compilationMillis();
		long walFlushesBefore = postgresWalFlushes();
		long writtenBefore = bytesWritten();
		long writesBefore = writeCalls();
		WaitSampler waits = (PG_WAITS && postgresUrl != null) ? new WaitSampler(postgresUrl) : null;
		for (int i = 0; i < ROUNDS; i++) {
			measured.add(round.run());
		}
		if (waits != null) {
			waits.stopAndPrint();
		}
		long compiledMeanwhile = compilationMillis() - compiledBefore;
		long walFlushes = postgresWalFlushes() - walFlushesBefore;
		long written = bytesWritten() - writtenBefore;
		long writes = writeCalls() - writesBefore;
		if (PROFILE != null) {
			profiling = null;
			stopProfile(PROFILE);
		}
		List<Double> inOrder = new ArrayList<>();
		for (Clocks m : measured) {
			inOrder.add(perSecond(runs, m.nanos()));
		}
		measured.sort(Comparator.comparingLong(Clocks::nanos));
		Clocks median = measured.get(ROUNDS / 2);
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("runs", runs);
		figures.put("rounds", ROUNDS);
		figures.put("seconds", seconds(median.nanos()));
		figures.put("runsPerSecond", perSecond(runs, median.nanos()));
		figures.put("slowestRunsPerSecond", perSecond(runs, measured.get(ROUNDS - 1).nanos()));
		figures.put("fastestRunsPerSecond", perSecond(runs, measured.get(0).nanos()));
		figures.put("cpuMicrosPerRun", micros(median.cpuNanos() / runs));
		if (server != null) {
			figures.put("serverCpuMicrosPerRun", micros(median.serverCpuNanos() / runs));
			figures.put("walFlushesPerRun", round((double) walFlushes / ((long) runs * ROUNDS)));
		}
		else if (written > 0) {
			figures.put("writtenBytesPerRun", written / ((long) runs * ROUNDS));
			figures.put("writeCallsPerRun", round((double) writes / ((long) runs * ROUNDS)));
		}
		figures.put("roundsRunsPerSecond", inOrder);
		figures.put("jitMillisInRounds", compiledMeanwhile);
		return figures;
	}

	/**
	 * What async-profiler samples, as its {@code start} and {@code resume} commands take
	 * it: time every millisecond, allocations and locks at its defaults.
	 */
	static String profileEvent() {
		boolean time = PROFILE_EVENT.equals("cpu") || PROFILE_EVENT.equals("wall");
		return "event=" + PROFILE_EVENT + (time ? ",interval=1ms" : "");
	}

	/**
	 * Stops async-profiler and writes its profile to the file, in the format its name
	 * asks for.
	 * @param file the file
	 */
	static void stopProfile(String file) {
		profile("stop,file=" + file + (file.endsWith(".html") || file.endsWith(".jfr") ? "" : ",collapsed"));
	}

	static void profile(String command) {
		try {
			AsyncProfiler.getInstance().execute(command);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("async-profiler could not " + command, ex);
		}
	}

	/** One measured round: runs the workload once and returns how long it took. */
	@FunctionalInterface
	interface Round {

		Clocks run() throws SQLException;

	}

	/**
	 * A reading of the wall clock, of the JVM's CPU time (every thread) and of the
	 * PostgreSQL server's (every process of it; 0 on H2), or the time between two
	 * readings, in nanoseconds.
	 */
	record Clocks(long nanos, long cpuNanos, long serverCpuNanos) {

		static Clocks read() {
			return new Clocks(System.nanoTime(), processCpuNanos(), postgresCpuNanos());
		}

		Clocks since(Clocks start) {
			return new Clocks(this.nanos - start.nanos, this.cpuNanos - start.cpuNanos,
					this.serverCpuNanos - start.serverCpuNanos);
		}

	}

	/**
	 * W2: 1,000 runs of ten trivial steps, in {@value #ROUNDS} rounds (one round takes
	 * well under a second, too short to measure alone).
	 */
	private Map<String, Object> steps() throws SQLException {
		int runs = 1_000;
		int steps = 10;
		warmUp("bench/ten-steps", "ten-steps");
		Map<String, Object> figures = rounds(runs, () -> sendAndAwait("bench/ten-steps", "ten-steps", runs));
		figures.put("stepsPerSecond", steps * (double) figures.get("runsPerSecond"));
		figures.put("slowestStepsPerSecond", steps * (double) figures.get("slowestRunsPerSecond"));
		figures.put("fastestStepsPerSecond", steps * (double) figures.get("fastestRunsPerSecond"));
		return figures;
	}

	/** W3: 1,000 runs whose step fails twice, with the back-off at its minimum. */
	private Map<String, Object> retries() throws SQLException {
		int runs = 1_000;
		warmUp("bench/flaky", "flaky");
		BenchFunctions functions = this.context.getBean(BenchFunctions.class);
		functions.attempts.clear();
		long failuresBefore = jdbc().sql("SELECT COUNT(*) FROM inngest_attempt").query(Long.class).single();
		long elapsed = sendAndAwait("bench/flaky", "flaky", runs).nanos();
		long exact = functions.attempts.values().stream().filter((attempts) -> attempts.get() == 3).count();
		long storedFailures = jdbc().sql("SELECT COUNT(*) FROM inngest_attempt").query(Long.class).single()
				- failuresBefore;
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("runs", runs);
		figures.put("seconds", seconds(elapsed));
		figures.put("runsWithExactlyThreeAttempts", exact);
		figures.put("storedFailedAttempts", storedFailures);
		figures.put("attemptsExact", exact == runs && functions.attempts.size() == runs && storedFailures == 2L * runs);
		return figures;
	}

	/** W4: one event every 100 ms for 20 s on an idle engine; event to first step. */
	private Map<String, Object> latency() throws InterruptedException, SQLException {
		InngestClient client = this.context.getBean(InngestClient.class);
		BenchFunctions functions = this.context.getBean(BenchFunctions.class);
		int events = 200;
		warmUp("bench/latency", "latency", Map.of("sentNanos", 0L));
		functions.latencies.clear();
		Thread.sleep(2000); // idle
		long[] baseline = baseline("latency");
		long next = System.nanoTime();
		for (int i = 0; i < events; i++) {
			next += TimeUnit.MILLISECONDS.toNanos(100);
			client.send(Event.of("bench/latency", Map.of("sentNanos", System.nanoTime())));
			long wait = next - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
		}
		awaitFinished("latency", events, baseline, Duration.ofSeconds(30));
		List<Long> sorted = new ArrayList<>(functions.latencies());
		sorted.sort(null);
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("events", events);
		figures.put("p50Ms", millis(sorted.get(sorted.size() / 2)));
		figures.put("p99Ms", millis(sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1)));
		figures.put("maxMs", millis(sorted.get(sorted.size() - 1)));
		return figures;
	}

	/** The table of the floors, W5 and W9: a run's least durable record. */
	private static final String FLOOR_TABLE = "CREATE TABLE bench_floor (id VARCHAR(36) PRIMARY KEY, "
			+ "status VARCHAR(16) NOT NULL, created_at TIMESTAMP NOT NULL, ended_at TIMESTAMP)";

	/** A floor's run created: parameters its id and the time. */
	private static final String FLOOR_INSERT = "INSERT INTO bench_floor (id, status, created_at) VALUES (?, 'QUEUED', ?)";

	/** A floor's run completed: parameters the time and its id. */
	private static final String FLOOR_UPDATE = "UPDATE bench_floor SET status = 'COMPLETED', ended_at = ? WHERE id = ?";

	/**
	 * W5: W1's minimum durable work by hand: one insert and one update per run, each
	 * committed, with ids made as the engine makes them (sortable by time, which H2
	 * writes at half the cost of random ones).
	 */
	private Map<String, Object> floor() throws SQLException {
		int runs = 10_000;
		DataSource dataSource = byHand();
		jdbc().sql(FLOOR_TABLE).update();
		warmUp(() -> floorRuns(dataSource, WARM_UP));
		return rounds(runs, () -> floorRuns(dataSource, runs));
	}

	private static Clocks floorRuns(DataSource dataSource, int runs) throws SQLException {
		Clocks start = Clocks.read();
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement(FLOOR_INSERT);
				PreparedStatement update = connection.prepareStatement(FLOOR_UPDATE)) {
			connection.setAutoCommit(true);
			for (int i = 0; i < runs; i++) {
				String id = IDS.next();
				insert.setString(1, id);
				insert.setTimestamp(2, new Timestamp(System.currentTimeMillis()));
				insert.executeUpdate();
				update.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
				update.setString(2, id);
				update.executeUpdate();
			}
		}
		return Clocks.read().since(start);
	}

	/**
	 * W9: W8's minimum durable work by hand, the floor of one call per event: each call
	 * inserts one row in autocommit and hands its id over in memory to one of 8 threads,
	 * which marks it completed with one update in autocommit. Plain JDBC on the same
	 * pool, ids made as the engine makes them, the engine stopped. Against W8 it is what
	 * the engine adds per call; against P3 what db-scheduler adds.
	 */
	private Map<String, Object> floorPerCall(int threads) throws SQLException {
		DataSource dataSource = byHand();
		jdbc().sql(FLOOR_TABLE).update();
		BlockingQueue<String> queued = new LinkedBlockingQueue<>();
		AtomicLong completed = new AtomicLong();
		List<Thread> workers = new ArrayList<>();
		for (int w = 0; w < WORKERS; w++) {
			Thread worker = new Thread(() -> completeFloorRuns(dataSource, queued, completed), "floor-worker-" + w);
			worker.setDaemon(true);
			worker.start();
			workers.add(worker);
		}
		try {
			return SendPerCall.measure(this, threads, (n) -> {
				String id = IDS.next();
				try (Connection connection = dataSource.getConnection();
						PreparedStatement insert = connection.prepareStatement(FLOOR_INSERT)) {
					insert.setString(1, id);
					insert.setTimestamp(2, new Timestamp(System.currentTimeMillis()));
					insert.executeUpdate();
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				queued.add(id);
			}, (count) -> {
				long before = completed.get();
				return () -> awaitOver(() -> completed.get() - before >= count, Duration.ofMinutes(5),
						() -> this.workload + ": " + (completed.get() - before) + " of " + count
								+ " rows completed in 5 minutes");
			});
		}
		finally {
			workers.forEach(Thread::interrupt);
		}
	}

	/** A worker of W9: marks each id it takes completed, until interrupted. */
	private static void completeFloorRuns(DataSource dataSource, BlockingQueue<String> queued, AtomicLong completed) {
		try {
			while (true) {
				String id = queued.take();
				SendPerCall.ran();
				try (Connection connection = dataSource.getConnection();
						PreparedStatement update = connection.prepareStatement(FLOOR_UPDATE)) {
					update.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
					update.setString(2, id);
					if (update.executeUpdate() != 1) {
						throw new IllegalStateException("Row " + id + " not found");
					}
				}
				completed.incrementAndGet();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The data source for work done by hand, with the engine stopped. */
	private DataSource byHand() {
		stopEngine();
		return this.context.getBean(DataSource.class);
	}

	/**
	 * Stops the engine before work done by hand: otherwise its dispatcher finds the
	 * queued runs that W6 and W7 write, of a function the application does not declare,
	 * and reads them while they are measured.
	 */
	private void stopEngine() {
		this.context.getBean(RunScheduler.class).stop();
	}

	/**
	 * W6: the rows a one-step run of W1 writes in the engine's own tables, by hand with
	 * plain JDBC on one connection and with the engine's statements: per 100 events, the
	 * events and their runs, created leased as the engine creates the runs its events
	 * start, inserted in one transaction; per run, the completion, with the step kept in
	 * the run's row, committed; ids made as the engine makes them. What W1 costs beyond
	 * this is the engine's own; what this costs beyond W5 is the engine's data (more
	 * rows, wider rows, more indexes).
	 */
	private Map<String, Object> engineRowsByHand() throws SQLException {
		int runs = 10_000;
		DataSource dataSource = byHand();
		int threads = Integer.getInteger("bench.w6Threads", 1);
		warmUp(() -> engineRows(dataSource, WARM_UP, threads));
		Map<String, Object> figures = rounds(runs, () -> engineRows(dataSource, runs, threads));
		figures.put("threads", threads);
		return figures;
	}

	/**
	 * W6's rows for this many runs, shared between this many threads, each on a
	 * connection of its own: what the same rows cost when written at once, as the
	 * engine's threads write them.
	 */
	private static Clocks engineRows(DataSource dataSource, int runs, int threads) throws SQLException {
		if (threads == 1) {
			return engineRows(dataSource, runs);
		}
		Clocks start = Clocks.read();
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Clocks>> all = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				int share = runs / threads + ((i < runs % threads) ? 1 : 0);
				all.add(executor.submit(() -> engineRows(dataSource, share)));
			}
			for (Future<Clocks> one : all) {
				one.get();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("W6 failed in one of its threads", ex.getCause());
		}
		finally {
			executor.shutdownNow();
		}
		return Clocks.read().since(start);
	}

	private static Clocks engineRows(DataSource dataSource, int runs) throws SQLException {
		Clocks start = Clocks.read();
		try (Connection connection = dataSource.getConnection();
				PreparedStatement event = connection.prepareStatement("INSERT INTO inngest_event (id, name, data, "
						+ "user_data, ts, v, received_at) VALUES (?, 'bench/by-hand', ?, NULL, ?, NULL, ?)");
				PreparedStatement run = connection.prepareStatement("INSERT INTO inngest_run (id, function_id, "
						+ "event_id, status, attempt, due_at, created_at, started_at, lease) "
						+ "VALUES (?, 'by-hand', ?, 'RUNNING', 0, ?, ?, ?, ?)");
				PreparedStatement complete = connection.prepareStatement("UPDATE inngest_run SET status = "
						+ "'COMPLETED', output = 'null', ended_at = ?, due_at = NULL, lease = NULL, "
						+ "last_step_key = 'only', last_step_id = 'only', last_step_output = '1', "
						+ "last_step_started_at = ?, last_step_ended_at = ? WHERE id = ? AND lease = ? "
						+ "AND status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM inngest_step WHERE run_id = ? "
						+ "AND step_key = 'only')")) {
			for (int sent = 0; sent < runs; sent += 100) {
				List<String> ids = new ArrayList<>(100);
				connection.setAutoCommit(false);
				for (int i = sent; i < Math.min(runs, sent + 100); i++) {
					String id = IDS.next();
					Timestamp now = new Timestamp(System.currentTimeMillis());
					event.setString(1, id);
					event.setString(2, "{\"n\":" + i + "}");
					event.setLong(3, now.getTime());
					event.setTimestamp(4, now);
					event.addBatch();
					run.setString(1, id);
					run.setString(2, id);
					run.setTimestamp(3, new Timestamp(now.getTime() + 30_000));
					run.setTimestamp(4, now);
					run.setTimestamp(5, now);
					run.setString(6, "by-hand#" + id);
					run.addBatch();
					ids.add(id);
				}
				event.executeBatch();
				run.executeBatch();
				connection.commit();
				connection.setAutoCommit(true);
				for (String id : ids) {
					Timestamp now = new Timestamp(System.currentTimeMillis());
					complete.setTimestamp(1, now);
					complete.setTimestamp(2, now);
					complete.setTimestamp(3, now);
					complete.setString(4, id);
					complete.setString(5, "by-hand#" + id);
					complete.setString(6, id);
					complete.executeUpdate();
				}
			}
		}
		return Clocks.read().since(start);
	}

	/**
	 * W7: W1's runs written through the engine's own stores, with their statements, their
	 * transactions and their JSON, but from one thread and with the engine stopped: per
	 * 100 events, the events and their runs, created leased as the engine creates the
	 * runs its events start, inserted in one transaction, each event's data also written
	 * and read back as JSON for its run, as the engine does; then each run completed with
	 * its one step, as a worker completes it. What W1 costs beyond this is the engine's
	 * threads and their hand-offs; what this costs beyond W6 is the stores' code (the
	 * JDBC client, the transaction manager, JSON).
	 */
	private Map<String, Object> storesByHand() throws SQLException {
		int count = 10_000;
		stopEngine();
		EventStore events = this.context.getBean(EventStore.class);
		RunStore runs = this.context.getBean(RunStore.class);
		TransactionTemplate transactions = new TransactionTemplate(
				this.context.getBean(PlatformTransactionManager.class));
		JsonCodec json = this.context.getBean(JsonCodec.class);
		Round round = () -> storeRows(events, runs, json, transactions, count);
		warmUp(round);
		return rounds(count, round);
	}

	private static Clocks storeRows(EventStore events, RunStore runs, JsonCodec json, TransactionTemplate transactions,
			int count) {
		Clocks start = Clocks.read();
		for (int sent = 0; sent < count; sent += 100) {
			Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
			String lease = "by-hand#" + sent;
			List<Event> batch = new ArrayList<>(100);
			List<NewRun> newRuns = new ArrayList<>(100);
			List<Event> stored = new ArrayList<>(100);
			for (int i = sent; i < Math.min(count, sent + 100); i++) {
				Event event = Event.of("bench/stores", Map.of("n", i)).withId(IDS.next()).withTs(now.toEpochMilli());
				batch.add(event);
				newRuns.add(new NewRun(IDS.next(now), "by-hand", event.id(), now, lease, now.plusSeconds(30)));
				stored.add(json.asStored(event));
			}
			transactions.executeWithoutResult((status) -> {
				events.insert(batch, now);
				runs.create(newRuns);
			});
			for (int i = 0; i < newRuns.size(); i++) {
				String runId = newRuns.get(i).id();
				Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
				String output = json.write(stored.get(i).data().get("n"));
				StepRecord step = new StepRecord(runId, "only", "only", StepKind.RUN, StepStatus.COMPLETED, 1, output,
						null, null, at, at);
				runs.complete(new Completion(runId, lease, output, at, step));
			}
		}
		return Clocks.read().since(start);
	}

	/**
	 * Runs the workload's function for {@link #WARM_UP_TIME} first, so that the
	 * measurement sees compiled code rather than the JIT compiler at work; then lets the
	 * engine idle for a second.
	 */
	private void warmUp(String event, String functionId) throws SQLException {
		warmUp(event, functionId, Map.of());
	}

	private void warmUp(String event, String functionId, Map<String, Object> data) throws SQLException {
		warmUp(() -> {
			long[] baseline = baseline(functionId);
			send(event, WARM_UP, data);
			return awaitFinished(functionId, WARM_UP, baseline, Duration.ofMinutes(5));
		});
	}

	void warmUp(Round batch) throws SQLException {
		long start = System.nanoTime();
		List<long[]> compiled = new ArrayList<>();
		while (true) {
			batch.run();
			long now = System.nanoTime();
			compiled.add(new long[] { now, compilationMillis() });
			if (now - start >= WARM_UP_LIMIT.toNanos()
					|| (now - start >= WARM_UP_TIME.toNanos() && jitSettled(compiled, now))) {
				break;
			}
		}
		this.warmedUpSeconds = Math.round((System.nanoTime() - start) / 1e8) / 10.0;
		if (isPostgres()) {
			// What autovacuum does within a minute of a running database's first writes,
			// and this
			// database is younger than that: without statistics, the plans that
			// PostgreSQL caches
			// for prepared statements are those of empty tables (sequential scans), and a
			// claim
			// scans every run and every event.
			jdbc().sql("ANALYZE").update();
			if (PG_STATEMENTS) {
				jdbc().sql("SELECT pg_stat_statements_reset()").query().singleRow();
				this.rowsWrittenBefore = rowsWritten();
			}
		}
		try {
			Thread.sleep(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Whether the JIT compiler compiled for less than {@link #JIT_SETTLED} of the wall
	 * time since the last reading at least {@link #JIT_WINDOW} old.
	 * @param readings the time and the JIT compiler's total time, in milliseconds, after
	 * each batch
	 * @param now the time of the latest reading
	 */
	private static boolean jitSettled(List<long[]> readings, long now) {
		long[] latest = readings.get(readings.size() - 1);
		for (int i = readings.size() - 2; i >= 0; i--) {
			long[] earlier = readings.get(i);
			long wallNanos = now - earlier[0];
			if (wallNanos >= JIT_WINDOW.toNanos()) {
				return (latest[1] - earlier[1]) * 1_000_000d < JIT_SETTLED * wallNanos;
			}
		}
		return false;
	}

	/** How long the JIT compiler has compiled since the JVM started, in milliseconds. */
	static long compilationMillis() {
		return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
	}

	/**
	 * Sends events for this many runs and waits for them; measures from the first send
	 * until the wait is over, without the counts of completed runs before and after.
	 */
	private Clocks sendAndAwait(String event, String functionId, int runs) {
		long[] baseline = baseline(functionId);
		Clocks start = Clocks.read();
		send(event, runs, Map.of());
		return awaitFinished(functionId, runs, baseline, Duration.ofMinutes(5)).since(start);
	}

	private void send(String event, int runs, Map<String, Object> data) {
		InngestClient client = this.context.getBean(InngestClient.class);
		for (int sent = 0; sent < runs; sent += 100) {
			List<Event> batch = new ArrayList<>(100);
			for (int i = sent; i < Math.min(runs, sent + 100); i++) {
				batch.add(event(event, i, data));
			}
			client.send(batch);
		}
	}

	private static Event event(String name, int n, Map<String, Object> data) {
		Map<String, Object> fields = new LinkedHashMap<>(data);
		fields.put("n", n);
		if (!PADDING.isEmpty()) {
			fields.put("pad", PADDING);
		}
		return Event.of(name, fields);
	}

	/**
	 * The threads that send at once in W8, P3 and P4: the workload's suffix, as in
	 * {@code W8-16}; 1 without one.
	 */
	private int senders() {
		int dash = this.workload.lastIndexOf('-');
		return (dash < 0) ? 1 : Integer.parseInt(this.workload.substring(dash + 1));
	}

	/**
	 * W8: W1's runs, each event sent with a {@code send} of its own, from one thread or
	 * several ({@link SendPerCall}).
	 */
	private Map<String, Object> sendPerEvent(int threads) throws SQLException {
		InngestClient client = this.context.getBean(InngestClient.class);
		return SendPerCall.measure(this, threads, (n) -> client.send(event("bench/one-step", n, Map.of())), (count) -> {
			long[] baseline = baseline("one-step");
			return () -> awaitFinished("one-step", count, baseline, Duration.ofMinutes(5));
		});
	}

	/**
	 * Runs of the function finished so far: in the function's body, and completed in the
	 * store.
	 */
	private long[] baseline(String functionId) {
		return new long[] { this.context.getBean(BenchFunctions.class).finished(functionId).get(),
				completed(jdbc(), functionId) };
	}

	/**
	 * Waits until this many more runs of the function than the baseline have finished
	 * their body and no run is left unended in the store, then checks that as many more
	 * have completed. The wait asks the store only whether any run has a due time (the
	 * unended ones, found in an index), so that it costs the engine next to nothing; the
	 * count of completed runs, which reads every run of the function, is taken once, when
	 * the wait is over.
	 * @return the clocks when the wait was over
	 */
	private Clocks awaitFinished(String functionId, int runs, long[] baseline, Duration atMost) {
		BenchFunctions functions = this.context.getBean(BenchFunctions.class);
		JdbcClient jdbc = jdbc();
		awaitOver(() -> functions.finished(functionId).get() - baseline[0] >= runs && !anyUnended(jdbc), atMost,
				() -> this.workload + ": runs of " + functionId + " not completed in " + atMost);
		Clocks over = Clocks.read();
		long completed = completed(jdbc, functionId) - baseline[1];
		if (completed < runs) {
			throw new IllegalStateException(this.workload + ": " + runs + " runs of " + functionId + " ended, but only "
					+ completed + " completed");
		}
		return over;
	}

	/**
	 * Waits, looking every {@link #pause()}, until a round is over.
	 * @param over whether it is over
	 * @param atMost the longest wait
	 * @param failure what went wrong when it is not over in time
	 */
	static void awaitOver(BooleanSupplier over, Duration atMost, Supplier<String> failure) {
		long deadline = System.nanoTime() + atMost.toNanos();
		while (!over.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(failure.get());
			}
			pause();
		}
	}

	/** The pause between two looks at whether a round is over. */
	static void pause() {
		try {
			Thread.sleep(2);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Whether any run is left unended: any with a due time, found as a range of the
	 * due-time index from the epoch on. H2 reads {@code due_at IS NOT NULL} through every
	 * entry of that index, the ended runs' too, hundreds of thousands after the warm-up,
	 * where it goes to the range at once (18 ms against 0.05 ms with 500,000 runs, 500 of
	 * them unended).
	 */
	private static boolean anyUnended(JdbcClient jdbc) {
		return jdbc.sql("SELECT 1 FROM inngest_run WHERE due_at >= ? FETCH FIRST 1 ROWS ONLY")
			.param(new Timestamp(0))
			.query(Integer.class)
			.optional()
			.isPresent();
	}

	/**
	 * The function's completed runs. The count reads every run of the function, outside
	 * the measured time, and is left out of the profile of the measured rounds too.
	 */
	private static long completed(JdbcClient jdbc, String functionId) {
		String resume = profiling;
		if (resume != null) {
			profile("stop");
		}
		try {
			return jdbc.sql("SELECT COUNT(*) FROM inngest_run WHERE function_id = ? AND status = 'COMPLETED'")
				.param(functionId)
				.query(Long.class)
				.single();
		}
		finally {
			if (resume != null) {
				profile(resume);
			}
		}
	}

	private JdbcClient jdbc() {
		return JdbcClient.create(this.context.getBean(DataSource.class));
	}

	private static double seconds(long nanos) {
		return round(nanos / 1e9);
	}

	private static double perSecond(long count, long nanos) {
		return Math.round(count / (nanos / 1e9));
	}

	private static double millis(long nanos) {
		return round(nanos / 1e6);
	}

	private static double micros(long nanos) {
		return Math.round(nanos / 1e2) / 10.0;
	}

	/**
	 * How many times the PostgreSQL server has flushed its write-ahead log to disk so far
	 * ({@code pg_stat_wal}'s {@code wal_sync}, every process of the server; 0 on H2). A
	 * commit that waits for the disk waits for one of them; commits made at the same time
	 * can share one. The server publishes its processes' counts about once a second, so a
	 * reading is exact only over several seconds.
	 */
	/**
	 * Samples what PostgreSQL's active backends of the benchmark's database wait for, on
	 * a thread of its own, until stopped.
	 */
	private static final class WaitSampler {

		private final Map<String, Integer> samples = new LinkedHashMap<>();

		private final Thread thread;

		private volatile boolean stopped;

		WaitSampler(String url) {
			// A connection of its own, outside the application's pool.
			SingleConnectionDataSource connection = new SingleConnectionDataSource(url, "postgres", "postgres", true);
			JdbcClient statistics = JdbcClient.create(connection);
			this.thread = new Thread(() -> {
				while (!this.stopped) {
					statistics
						.sql("SELECT COALESCE(wait_event_type || ':' || wait_event, 'on CPU') || ' | ' || "
								+ "LEFT(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity "
								+ "WHERE state = 'active' AND datname = 'postgres' AND pid <> pg_backend_pid()")
						.query(String.class)
						.list()
						.forEach((wait) -> this.samples.merge(wait, 1, Integer::sum));
					try {
						Thread.sleep(1);
					}
					catch (InterruptedException ex) {
						break;
					}
				}
				connection.destroy();
			}, "pg-wait-sampler");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void stopAndPrint() {
			this.stopped = true;
			try {
				this.thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			System.err.println("samples\twait | statement");
			this.samples.entrySet()
				.stream()
				.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
				.limit(40)
				.forEach((sample) -> System.err.println(sample.getValue() + "\t" + sample.getKey()));
		}

	}

	/**
	 * The bytes the JVM has handed to the operating system's write calls so far, from
	 * Linux's {@code /proc} ({@code wchar}): on H2, which runs in the JVM, nearly all of
	 * them H2 writing its file. 0 where {@code /proc} cannot tell.
	 */
	private static long bytesWritten() {
		try {
			return Math.max(0, procSelf("io", "wchar"));
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux, or /proc/self/io not readable: the figure is left out.
			return 0;
		}
	}

	/**
	 * The write calls the process has made, H2's commits among them: each commit writes
	 * its chunk with one call or a few.
	 */
	private static long writeCalls() {
		try {
			return Math.max(0, procSelf("io", "syscw"));
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static long postgresWalFlushes() {
		JdbcClient statistics = serverStatistics;
		if (statistics == null) {
			return 0;
		}
		return statistics.sql("SELECT wal_sync FROM pg_stat_wal").query(Long.class).single();
	}

	/**
	 * The PostgreSQL server's CPU time, in nanoseconds, from Linux's {@code /proc}: the
	 * time on a core of its main process and of every process it runs (a backend for each
	 * connection, its writers, autovacuum's workers), and of those of its processes that
	 * have ended; 0 when the database is H2, which runs in the JVM and is counted in its
	 * CPU time.
	 */
	private static long postgresCpuNanos() {
		ProcessHandle postmaster = server;
		if (postmaster == null) {
			return 0;
		}
		long nanos = onCpuNanos(postmaster.pid()) + endedChildrenCpuNanos(postmaster.pid());
		for (ProcessHandle child : postmaster.descendants().toList()) {
			nanos += onCpuNanos(child.pid());
		}
		return nanos;
	}

	/** A live process's time on a core ({@code schedstat}, in nanoseconds). */
	private static long onCpuNanos(long pid) {
		try {
			String schedstat = Files.readString(Path.of("/proc", Long.toString(pid), "schedstat"));
			return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
		}
		catch (IOException ex) {
			// Ended since it was listed: endedChildrenCpuNanos counts it once its parent
			// has seen it end.
			return 0;
		}
	}

	/**
	 * The CPU time of a process's children that have ended ({@code cutime} and
	 * {@code cstime} of its {@code stat}, in ticks of 10 ms, Linux's {@code USER_HZ} of
	 * 100).
	 */
	private static long endedChildrenCpuNanos(long pid) {
		String stat;
		try {
			stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The PostgreSQL server (process " + pid + ") has ended", ex);
		}
		// After "pid (name) ", the fields from the third on: cutime is the 16th, cstime
		// the 17th.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10_000_000L;
	}

	/**
	 * The CPU time of every thread of this JVM so far, the database's own when it is
	 * embedded.
	 */
	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

	/**
	 * The heap that is still in use after a full collection, taken after the peak RSS:
	 * what the application and the engine hold, as opposed to what the JVM has sized its
	 * heap to.
	 */
	private static long liveHeapMiB() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
	}

	private static long peakRssMiB() throws IOException {
		long kib = procSelf("status", "VmHWM");
		return (kib >= 0) ? kib / 1024 : -1;
	}

	/**
	 * The number on a line of one of this process's files in Linux's {@code /proc/self},
	 * such as {@code VmHWM} of {@code status} (in KiB), or {@code -1} if the file has no
	 * such line.
	 */
	private static long procSelf(String file, String key) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self", file))) {
			if (line.startsWith(key + ":")) {
				return Long.parseLong(line.substring(key.length() + 1).replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

}
