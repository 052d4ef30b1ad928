package dev.durable.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link Report}.
 */
class ReportTests {

	@TempDir
	Path directory;

	@Test
	void reportsTheMedianJvmEveryJvmAndTheRangeOfRatiosBetweenJvmsThatRanInTurn() throws IOException {
		Path markdown = write("RESULTS.md",
				"# Results\n\nBefore.\n\n<!-- results -->\nold table\n<!-- /results -->\n\nAfter.\n");
		Report.write(
				write("results.jsonl",
						"""
								{"workload":"W1","database":"h2","pass":"speed","runsPerSecond":100.0,"slowestRunsPerSecond":90.0,"fastestRunsPerSecond":120.0,"cpuMicrosPerRun":30.0}
								{"workload":"W5","database":"h2","pass":"speed","runsPerSecond":1000.0,"slowestRunsPerSecond":900.0,"fastestRunsPerSecond":1100.0,"cpuMicrosPerRun":3.0}
								{"workload":"W1","database":"h2","pass":"speed","runsPerSecond":300.0,"slowestRunsPerSecond":250.0,"fastestRunsPerSecond":310.0,"cpuMicrosPerRun":10.0}
								{"workload":"W5","database":"h2","pass":"speed","runsPerSecond":600.0,"slowestRunsPerSecond":500.0,"fastestRunsPerSecond":700.0,"cpuMicrosPerRun":5.0}
								{"workload":"W1","database":"h2","pass":"speed","runsPerSecond":200.0,"slowestRunsPerSecond":150.0,"fastestRunsPerSecond":210.0,"cpuMicrosPerRun":20.0}
								{"workload":"W5","database":"h2","pass":"speed","runsPerSecond":800.0,"slowestRunsPerSecond":700.0,"fastestRunsPerSecond":850.0,"cpuMicrosPerRun":4.0}
								{"workload":"W1","database":"postgresql","pass":"speed","runsPerSecond":50.0,"slowestRunsPerSecond":40.0,"fastestRunsPerSecond":60.0,"cpuMicrosPerRun":70.0}
								{"workload":"W1","database":"h2-durable","pass":"speed","runsPerSecond":30.0,"slowestRunsPerSecond":25.0,"fastestRunsPerSecond":35.0,"cpuMicrosPerRun":400.0}
								{"workload":"W5","database":"h2-durable","pass":"speed","runsPerSecond":33.0,"slowestRunsPerSecond":30.0,"fastestRunsPerSecond":36.0,"cpuMicrosPerRun":300.0}
								{"workload":"W1","database":"h2","pass":"memory","runsPerSecond":150.0,"peakRssMiB":400,"maxHeapMiB":256}
								"""),
				markdown);
		String text = Files.readString(markdown);
		assertThat(text).startsWith("# Results\n\nBefore.\n\n<!-- results -->")
			.endsWith("<!-- /results -->\n\nAfter.\n");
		assertThat(text).doesNotContain("old table");
		List<String> rows = text.lines().toList();
		assertThat(rows).contains(
				"| W1 | runs/s, 10,000 one-step runs (median JVM; in each, the median of 5 rounds) | 200 | 30 | 50 | – "
						+ "| ≥ 3,000 H2, ≥ 2,000 PostgreSQL |",
				"| W1 | runs/s, each JVM's median round | 100 · 300 · 200 | 30 | 50 | – |  |",
				"| W1 | runs/s, slowest to fastest round of every JVM | 90 to 310 | 25 to 35 | 40 to 60 | – |  |",
				"| W1 vs W5 | floor ÷ engine (lower is better) | 4.00× (2.00× to 10.00×) | 1.10× | – | – | ≤ 3× |",
				"| W1 | CPU µs per run, all threads (median JVM) | 20 | 400 | 70 | – |  |",
				"| W1 | peak RSS, MiB, heap capped (memory pass) | 400 | – | – | – | < 512 |",
				"| W1 | runs/s with the heap capped (memory pass) | 150 | – | – | – |  |");
	}

	@Test
	void givesOneRatioWithoutARangeWhenEachWorkloadRanInOneJvm() throws IOException {
		List<String> rows = tableOf("""
				{"workload":"W1","database":"postgresql","pass":"speed","runsPerSecond":2000.0}
				{"workload":"W5","database":"postgresql","pass":"speed","runsPerSecond":3000.0}
				{"workload":"W7","database":"postgresql","pass":"speed","runsPerSecond":2500.0}
				""");
		assertThat(rows).contains("| W1 vs W5 | floor ÷ engine (lower is better) | – | – | 1.50× | – | ≤ 3× |",
				"| W1 vs W7 | its stores ÷ engine: what the threads and hand-offs add | – | – | 1.25× | – |  |",
				"| W7 vs W6 | the engine's rows ÷ its stores: what the stores' code adds | – | – | – | – |  |");
	}

	@Test
	void comparesTheEngineWithEachPeerEngineAsTheEnginesSpeedOverThePeers() throws IOException {
		List<String> rows = tableOf(
				"""
						{"workload":"W1","database":"h2","pass":"speed","runsPerSecond":9000.0}
						{"workload":"P1","database":"h2","pass":"speed","runsPerSecond":3000.0,"slowestRunsPerSecond":2000.0,"fastestRunsPerSecond":3500.0,"cpuMicrosPerRun":200.0}
						{"workload":"P2","database":"h2","pass":"speed","runsPerSecond":500.0}
						{"workload":"W1","database":"postgresql","pass":"speed","runsPerSecond":4000.0}
						{"workload":"P1","database":"postgresql","pass":"speed","runsPerSecond":5000.0,"cpuMicrosPerRun":40.0,"serverCpuMicrosPerRun":95.5}
						{"workload":"P1","database":"h2","pass":"memory","peakRssMiB":300}
						""");
		assertThat(rows).contains(
				"| P1 | runs/s, W1's work as db-scheduler's one-time tasks (8 threads) | 3,000 | – | 5,000 | – |  |",
				"| P1 | runs/s, slowest to fastest round of every JVM | 2,000 to 3,500 | – | – | – |  |",
				"| P1 vs W1 | engine ÷ db-scheduler (higher: the engine is faster) | 3.00× | – | 0.80× | – |  |",
				"| P2 vs W1 | engine ÷ JobRunr (higher: the engine is faster) | 18.00× | – | – | – |  |",
				"| P1 | CPU µs per run, all threads (median JVM) | 200 | – | 40 | – |  |",
				"| P1 | PostgreSQL server's CPU µs per run, all its processes (median JVM) | – | – | 95.5 | – |  |",
				"| P1 | peak RSS, MiB, heap capped (memory pass) | 300 | – | – | – | < 512 |");
	}

	@Test
	void reportsTheMedianStepRateOfW2WithItsSlowestAndFastestRound() throws IOException {
		List<String> rows = tableOf(
				"""
						{"workload":"W2","database":"h2","pass":"speed","runsPerSecond":1600.0,"stepsPerSecond":16000.0,"slowestStepsPerSecond":12000.0,"fastestStepsPerSecond":18500.0,"cpuMicrosPerRun":450.5}
						{"workload":"W2","database":"postgresql","pass":"speed","runsPerSecond":600.0,"stepsPerSecond":6000.0,"slowestStepsPerSecond":5500.0,"fastestStepsPerSecond":6100.0,"cpuMicrosPerRun":900.0,"serverCpuMicrosPerRun":1500.0}
						""");
		assertThat(rows).contains(
				"| W2 | steps/s, 1,000 runs of 10 steps (the median of 5 rounds) | 16,000 | – | 6,000 | – | ≥ 5,000 H2 |",
				"| W2 | steps/s, slowest to fastest round | 12,000 to 18,500 | – | 5,500 to 6,100 | – |  |",
				"| W2 | runs/s (the median round) | 1,600 | – | 600 | – |  |",
				"| W2 | CPU µs per run, all threads (the median round) | 450.5 | – | 900 | – |  |",
				"| W2 | PostgreSQL server's CPU µs per run (the median round) | – | – | 1,500 | – |  |");
	}

	@Test
	void keepsTheRowsOfTheWorkloadsThatARunDidNotMeasure() throws IOException {
		Path markdown = write("RESULTS.md", "<!-- results -->\n"
				+ "| W1 | runs/s, 10,000 one-step runs (median JVM; in each, the median of 5 rounds) | 55,166 | 6,392 "
				+ "| 11,871 | 5,253 | ≥ 3,000 H2, ≥ 2,000 PostgreSQL |\n"
				+ "| W8-1 | ms from the JVM's start to the first run executed | – | 9,999 | – | – |  |\n"
				+ "<!-- /results -->\n");
		Report.write(
				write("results.jsonl",
						"""
								{"workload":"W8-1","database":"h2-durable","pass":"speed","runsPerSecond":2000.0,"firstRunMillisFromJvmStart":3600}
								"""),
				markdown);
		List<String> rows = Files.readString(markdown).lines().toList();
		assertThat(rows).contains(
				"| W1 | runs/s, 10,000 one-step runs (median JVM; in each, the median of 5 rounds) | 55,166 | 6,392 "
						+ "| 11,871 | 5,253 | ≥ 3,000 H2, ≥ 2,000 PostgreSQL |",
				"| W8-1 | ms from the JVM's start to the first run executed | – | 3,600 | – | – |  |",
				"| W5 | runs/s, the same durable work by hand (JDBC) | – | – | – | – | the floor |");
		assertThat(rows)
			.doesNotContain("| W8-1 | ms from the JVM's start to the first run executed | – | 9,999 | – | – |  |");
	}

	@Test
	void refusesAFileWithoutTheResultsMarkers() throws IOException {
		Path markdown = write("RESULTS.md", "# Results\n");
		Path results = write("results.jsonl", "{\"workload\":\"W1\",\"database\":\"h2\",\"runsPerSecond\":1.0}\n");
		assertThatIllegalStateException().isThrownBy(() -> Report.write(results, markdown))
			.withMessageContaining(markdown.toString())
			.withMessageContaining("<!-- results -->");
		assertThat(Files.readString(markdown)).isEqualTo("# Results\n");
	}

	/**
	 * The lines of a RESULTS.md that had only the markers, once the report of these
	 * results is written in it.
	 */
	private List<String> tableOf(String results) throws IOException {
		Path markdown = write("RESULTS.md", "<!-- results -->\n<!-- /results -->\n");
		Report.write(write("results.jsonl", results), markdown);
		return Files.readString(markdown).lines().toList();
	}

	private Path write(String name, String content) throws IOException {
		return Files.writeString(this.directory.resolve(name), content);
	}

}
