package dev.durable.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the JSON lines of a benchmark run into the results table of {@code RESULTS.md},
 * replacing what is between its {@code <!-- results -->} and {@code <!-- /results -->}
 * markers. A row that the run has no figure for, as when it ran some workloads only, is
 * kept as the table had it.
 */
final class Report {

	private static final String START = "<!-- results -->";

	private static final String END = "<!-- /results -->";

	/** The table's columns, in order. */
	private static final List<String> DATABASES = List.of("h2", "h2-durable", "postgresql", "postgresql-durable");

	private Report() {
	}

	static void write(Path jsonLines, Path markdown) throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		// By workload, then by database, in the order they ran: the speed pass, and the
		// memory pass
		// with the heap capped.
		Results byWorkload = new Results();
		Results capped = new Results();
		for (String line : Files.readAllLines(jsonLines)) {
			if (line.isBlank()) {
				continue;
			}
			Map<String, Object> result = json.readValue(line, new TypeReference<Map<String, Object>>() {
			});
			("memory".equals(result.get("pass")) ? capped : byWorkload)
				.computeIfAbsent((String) result.get("workload"), (w) -> new LinkedHashMap<>())
				.computeIfAbsent((String) result.get("database"), (d) -> new ArrayList<>())
				.add(result);
		}
		List<String> rows = new ArrayList<>();
		rows.add("| Workload | Measure | H2 (file) | H2, every commit written | PostgreSQL | PostgreSQL, every commit "
				+ "flushed | Target |");
		rows.add("|---|---|---|---|---|---|---|");
		row(rows, byWorkload, "W1", "runs/s, 10,000 one-step runs (median JVM; in each, the median of 5 rounds)",
				"runsPerSecond", "≥ 3,000 H2, ≥ 2,000 PostgreSQL");
		spread(rows, byWorkload, "W1");
		row(rows, byWorkload, "W5", "runs/s, the same durable work by hand (JDBC)", "runsPerSecond", "the floor");
		spread(rows, byWorkload, "W5");
		ratio(rows, byWorkload, "W5", "W1", "floor ÷ engine (lower is better)", "≤ 3×");
		row(rows, byWorkload, "W6", "runs/s, the engine's own rows by hand (JDBC)", "runsPerSecond", "");
		spread(rows, byWorkload, "W6");
		ratio(rows, byWorkload, "W5", "W6", "floor ÷ the engine's rows: what the data costs", "");
		ratio(rows, byWorkload, "W6", "W1", "the engine's rows ÷ engine: what the engine adds", "");
		row(rows, byWorkload, "W7", "runs/s, W1's runs through the engine's stores, one thread", "runsPerSecond", "");
		spread(rows, byWorkload, "W7");
		ratio(rows, byWorkload, "W6", "W7", "the engine's rows ÷ its stores: what the stores' code adds", "");
		ratio(rows, byWorkload, "W7", "W1", "its stores ÷ engine: what the threads and hand-offs add", "");
		row(rows, byWorkload, "P1", "runs/s, W1's work as db-scheduler's one-time tasks (8 threads)", "runsPerSecond",
				"");
		spread(rows, byWorkload, "P1");
		ratio(rows, byWorkload, "W1", "P1", "engine ÷ db-scheduler (higher: the engine is faster)", "");
		row(rows, byWorkload, "P2", "runs/s, W1's work as JobRunr's enqueued jobs (8 workers)", "runsPerSecond", "");
		spread(rows, byWorkload, "P2");
		ratio(rows, byWorkload, "W1", "P2", "engine ÷ JobRunr (higher: the engine is faster)", "");
		for (int threads : List.of(1, 16)) {
			sendPerCall(rows, byWorkload, threads);
		}
		List<String> inJvms = List.of("W1", "W5", "W6", "W7", "P1", "P2");
		for (String workload : inJvms) {
			row(rows, byWorkload, workload, "CPU µs per run, all threads (median JVM)", "cpuMicrosPerRun", "");
		}
		for (String workload : inJvms) {
			row(rows, byWorkload, workload, "PostgreSQL server's CPU µs per run, all its processes (median JVM)",
					"serverCpuMicrosPerRun", "");
		}
		for (String workload : inJvms) {
			row(rows, byWorkload, workload, "warm-up, s, until the JIT compiler settled (median JVM)", "warmUpSeconds",
					"");
		}
		for (String workload : inJvms) {
			row(rows, byWorkload, workload, "JIT compiler's ms within the 5 measured rounds (median JVM)",
					"jitMillisInRounds", "");
		}
		row(rows, byWorkload, "W2", "steps/s, 1,000 runs of 10 steps (the median of 5 rounds)", "stepsPerSecond",
				"≥ 5,000 H2");
		range(rows, byWorkload, "W2", "steps/s, slowest to fastest round", "StepsPerSecond");
		row(rows, byWorkload, "W2", "runs/s (the median round)", "runsPerSecond", "");
		row(rows, byWorkload, "W2", "CPU µs per run, all threads (the median round)", "cpuMicrosPerRun", "");
		row(rows, byWorkload, "W2", "PostgreSQL server's CPU µs per run (the median round)", "serverCpuMicrosPerRun",
				"");
		row(rows, byWorkload, "W3", "seconds, 1,000 runs failing twice", "seconds", "< 10 s");
		row(rows, byWorkload, "W3", "exactly 3 attempts per run", "attemptsExact", "true");
		row(rows, byWorkload, "W4", "event to first step p50, ms", "p50Ms", "");
		row(rows, byWorkload, "W4", "event to first step p99, ms", "p99Ms", "< 20 ms");
		row(rows, byWorkload, "W4", "event to first step max, ms", "maxMs", "");
		List<String> all = List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7", "P1", "P2", "W8-1", "W8-16", "P3-1",
				"P3-16", "P4-1", "P4-16", "W9-1", "W9-16");
		for (String workload : all) {
			row(rows, byWorkload, workload, "peak RSS, MiB, default JVM options", "peakRssMiB", "");
		}
		for (String workload : all) {
			row(rows, capped, workload, "peak RSS, MiB, heap capped (memory pass)", "peakRssMiB", "< 512");
		}
		row(rows, capped, "W1", "largest heap allowed, MiB (memory pass)", "maxHeapMiB", "");
		row(rows, capped, "W1", "runs/s with the heap capped (memory pass)", "runsPerSecond", "");
		for (String workload : all) {
			row(rows, byWorkload, workload, "heap in use after a full collection, MiB", "liveHeapMiB", "");
		}
		String text = Files.exists(markdown) ? Files.readString(markdown) : START + "\n" + END + "\n";
		int start = text.indexOf(START);
		int end = text.indexOf(END);
		if (start < 0 || end < start) {
			throw new IllegalStateException(markdown + " has no " + START + " ... " + END + " section");
		}
		Map<String, String> before = new LinkedHashMap<>();
		text.substring(start + START.length(), end).lines().forEach((line) -> before.put(key(line), line));
		String table = rows.stream()
			.map((row) -> unmeasured(row) ? before.getOrDefault(key(row), row) : row)
			.collect(Collectors.joining(System.lineSeparator()));
		Files.writeString(markdown, text.substring(0, start + START.length()) + System.lineSeparator() + table
				+ System.lineSeparator() + text.substring(end));
	}

	/**
	 * W8 and its peers from one number of threads: warm and cold throughput, the latency
	 * of one call, and the time from the JVM's start to its first run.
	 */
	private static void sendPerCall(List<String> rows, Results results, int threads) {
		String from = (threads == 1) ? "1 thread" : threads + " threads";
		String engine = "W8-" + threads;
		String dbScheduler = "P3-" + threads;
		String jobRunr = "P4-" + threads;
		String floor = "W9-" + threads;
		Map<String, String> names = Map.of(engine, "the engine's sends", dbScheduler, "db-scheduler's schedules",
				jobRunr, "JobRunr's enqueues", floor, "the floor's inserts by hand (JDBC)");
		for (String workload : List.of(engine, dbScheduler, jobRunr, floor)) {
			String what = names.get(workload) + ", one per call from " + from;
			row(rows, results, workload,
					"runs/s, " + what + ", warm (median JVM; in each, the median of 5 rounds of 10,000)",
					"runsPerSecond", "");
			row(rows, results, workload, "runs/s, " + what + ", cold: the JVM's first 10,000 (median JVM)",
					"coldRunsPerSecond", "");
			row(rows, results, workload, "µs per call p50 · p99, warm", "sendP50Micros", "sendP99Micros",
					(threads == 1 && workload.equals(engine)) ? "p99 < 1,000 PostgreSQL" : "");
			row(rows, results, workload, "µs per call p50 · p99, cold", "coldSendP50Micros", "coldSendP99Micros", "");
			row(rows, results, workload, "ms from the JVM's start to the first run executed",
					"firstRunMillisFromJvmStart", "");
		}
		String target = (threads == 1) ? "" : "≥ 2×";
		ratio(rows, results, engine, dbScheduler, "runsPerSecond", "engine ÷ db-scheduler, warm", target);
		ratio(rows, results, engine, dbScheduler, "coldRunsPerSecond", "engine ÷ db-scheduler, cold",
				(threads == 1) ? "≥ 1.5×" : "");
		ratio(rows, results, engine, jobRunr, "runsPerSecond", "engine ÷ JobRunr, warm", "");
		ratio(rows, results, engine, jobRunr, "coldRunsPerSecond", "engine ÷ JobRunr, cold", "");
		ratio(rows, results, engine, floor, "runsPerSecond", "engine ÷ the floor by hand, warm", "");
	}

	private static void row(List<String> rows, Results results, String workload, String measure, String first,
			String second, String target) {
		line(rows, workload, measure, (database) -> {
			Map<String, Object> result = results.median(workload, database);
			return (result == null) ? "–" : value(result, first) + " · " + value(result, second);
		}, target);
	}

	private static void row(List<String> rows, Results results, String workload, String measure, String figure,
			String target) {
		line(rows, workload, measure, (database) -> value(results.median(workload, database), figure), target);
	}

	/**
	 * Each JVM's median round, in the order the JVMs ran, and the slowest and the fastest
	 * round of them all, on each database.
	 */
	private static void spread(List<String> rows, Results results, String workload) {
		line(rows, workload, "runs/s, each JVM's median round", (database) -> {
			List<String> medians = new ArrayList<>();
			for (Map<String, Object> result : results.of(workload, database)) {
				medians.add(value(result, "runsPerSecond"));
			}
			return medians.isEmpty() ? "–" : String.join(" · ", medians);
		}, "");
		range(rows, results, workload, "runs/s, slowest to fastest round of every JVM", "RunsPerSecond");
	}

	/**
	 * The slowest and the fastest round of every JVM of a workload, on each database, of
	 * a figure that the results give as {@code slowest<Figure>} and
	 * {@code fastest<Figure>}.
	 */
	private static void range(List<String> rows, Results results, String workload, String measure, String figure) {
		line(rows, workload, measure, (database) -> {
			List<Map<String, Object>> all = results.of(workload, database)
				.stream()
				.filter((result) -> result.containsKey("slowest" + figure))
				.toList();
			if (all.isEmpty()) {
				return "–";
			}
			double slowest = all.stream()
				.mapToDouble((result) -> number(result, "slowest" + figure))
				.min()
				.orElseThrow();
			double fastest = all.stream()
				.mapToDouble((result) -> number(result, "fastest" + figure))
				.max()
				.orElseThrow();
			return String.format("%,d to %,d", Math.round(slowest), Math.round(fastest));
		}, "");
	}

	/**
	 * The throughput of one workload divided by another's, on each database: of their
	 * median JVMs, and between brackets the lowest and the highest of the JVMs that ran
	 * in turn (the first JVM of one with the first of the other, and so on).
	 */
	private static void ratio(List<String> rows, Results results, String dividend, String divisor, String measure,
			String target) {
		ratio(rows, results, dividend, divisor, "runsPerSecond", measure, target);
	}

	private static void ratio(List<String> rows, Results results, String dividend, String divisor, String figure,
			String measure, String target) {
		line(rows, divisor + " vs " + dividend, measure, (database) -> {
			Map<String, Object> top = results.median(dividend, database);
			Map<String, Object> bottom = results.median(divisor, database);
			if (top == null || bottom == null) {
				return "–";
			}
			String ratio = String.format("%.2f×", number(top, figure) / number(bottom, figure));
			List<Map<String, Object>> tops = results.of(dividend, database);
			List<Map<String, Object>> bottoms = results.of(divisor, database);
			int pairs = Math.min(tops.size(), bottoms.size());
			if (pairs < 2) {
				return ratio;
			}
			DoubleSummaryStatistics paired = IntStream.range(0, pairs)
				.mapToDouble((i) -> number(tops.get(i), figure) / number(bottoms.get(i), figure))
				.summaryStatistics();
			return ratio + String.format(" (%.2f× to %.2f×)", paired.getMin(), paired.getMax());
		}, target);
	}

	/**
	 * One row of the table: a cell for each database, H2 and PostgreSQL as the tests
	 * start them, each also with every commit on disk before it returns, made by
	 * {@code cell}.
	 */
	private static void line(List<String> rows, String workload, String measure, Function<String, String> cell,
			String target) {
		StringBuilder row = new StringBuilder("| ").append(workload).append(" | ").append(measure).append(" | ");
		for (String database : DATABASES) {
			row.append(cell.apply(database)).append(" | ");
		}
		rows.add(row.append(target).append(" |").toString());
	}

	/** A row's workload and measure, its first two cells. */
	private static String key(String row) {
		String[] cells = row.split(" \\| ", -1);
		return (cells.length > 2) ? cells[0] + " | " + cells[1] : row;
	}

	/** Whether a row has no figure on any database. */
	private static boolean unmeasured(String row) {
		String[] cells = row.split(" \\| ", -1);
		return cells.length == DATABASES.size() + 3
				&& List.of(cells).subList(2, 2 + DATABASES.size()).stream().allMatch("–"::equals);
	}

	private static double number(Map<String, Object> result, String figure) {
		return ((Number) result.get(figure)).doubleValue();
	}

	private static String value(Map<String, Object> result, String figure) {
		if (result == null || !result.containsKey(figure)) {
			return "–";
		}
		Object value = result.get(figure);
		return (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue()))
				? String.format("%,d", number.longValue()) : String.valueOf(value);
	}

	/** Results by workload, then by database, in the order they ran. */
	@SuppressWarnings("serial")
	private static final class Results extends LinkedHashMap<String, Map<String, List<Map<String, Object>>>> {

		List<Map<String, Object>> of(String workload, String database) {
			return getOrDefault(workload, Map.of()).getOrDefault(database, List.of());
		}

		/**
		 * The result of the JVM with the median throughput, or the only result of a
		 * workload run in one JVM; {@code null} if there is none.
		 */
		Map<String, Object> median(String workload, String database) {
			List<Map<String, Object>> all = new ArrayList<>(of(workload, database));
			if (all.isEmpty()) {
				return null;
			}
			if (all.get(0).containsKey("runsPerSecond")) {
				all.sort(Comparator.comparingDouble((result) -> number(result, "runsPerSecond")));
			}
			return all.get(all.size() / 2);
		}

	}

}
