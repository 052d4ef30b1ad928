package dev.durable.inngest.postgresql;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance in a process of its own is killed with {@code kill -9} in the middle of its
 * runs: another instance finishes them once their leases expire, executing again only the
 * steps that were in flight when the process died and none whose result was stored.
 */
class InstanceKillTests {

	private static final int RUNS = 300;

	private static final int VICTIM_WORKERS = 4;

	private String url;

	private ClusterProbe probe;

	private Process victim;

	private ConfigurableApplicationContext survivor;

	@BeforeEach
	void createDatabase() {
		this.url = TestDatabases.newPostgresDatabase(TestDatabases.sharedServer());
		this.probe = new ClusterProbe(this.url);
		this.probe.createLogTable();
	}

	@AfterEach
	void stop() {
		if (this.victim != null) {
			this.victim.destroyForcibly();
		}
		if (this.survivor != null) {
			this.survivor.close();
		}
		this.probe.close();
	}

	@Test
	void runsOfAKilledInstanceAreFinishedByAnotherWithoutRedoingStoredSteps() throws Exception {
		this.victim = startProcess("victim", "inngest.local.workers=" + VICTIM_WORKERS,
				"inngest.local.lease.duration=3s");
		this.survivor = ClusterApp.start(this.url, "survivor", "inngest.local.workers=4",
				"inngest.local.lease.duration=3s");
		List<Event> events = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			events.add(Event.of("cluster/job", Map.of("n", i, "pauseMillis", 40)));
		}
		// The victim alone works until it dies, so that it certainly dies with runs in
		// flight.
		RunScheduler survivorEngine = this.survivor.getBean(RunScheduler.class);
		survivorEngine.stop();
		this.survivor.getBean(InngestClient.class).send(events);
		// Killed while it executes runs: between two batches of runs it can be idle,
		// waiting for
		// its next poll, with none in flight.
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.probe.count("SELECT COUNT(*) FROM test_step_log WHERE instance = 'victim'") >= 60
					&& this.probe.count("SELECT COUNT(*) FROM inngest_run r WHERE r.status = 'RUNNING' AND EXISTS "
							+ "(SELECT 1 FROM test_step_log v WHERE v.run_id = r.id AND v.instance = 'victim')") > 0);

		this.victim.destroyForcibly(); // SIGKILL: no shutdown hook, no lease released
		this.victim.waitFor();
		Set<String> storedAtKill = new HashSet<>(this.probe.completedSteps());
		long victimPid = this.victim.pid();
		survivorEngine.start();

		this.probe.awaitRuns("three-steps", "COMPLETED", RUNS, ClusterFunctions.timeout());
		assertThat(this.probe.completedSteps()).doesNotHaveDuplicates().hasSize(RUNS * 3);
		assertThat(this.probe.count("SELECT COUNT(*) FROM inngest_run WHERE output = '\"done\"'")).isEqualTo(RUNS);
		// Runs the victim had started were finished by the survivor.
		assertThat(this.probe.count("SELECT COUNT(DISTINCT v.run_id) FROM test_step_log v JOIN test_step_log s "
				+ "ON s.run_id = v.run_id WHERE v.instance = 'victim' AND s.instance = 'survivor'"))
			.isPositive();
		Map<String, Long> repeated = this.probe.stepsExecutedMoreThanOnce();
		// Only steps in flight in the victim when it died ran again: never one whose
		// result was stored.
		assertThat(repeated.keySet()).doesNotContainAnyElementsOf(storedAtKill);
		assertThat(repeated.size()).isLessThanOrEqualTo(VICTIM_WORKERS);
		assertThat(repeated.values()).allMatch((executions) -> executions == 2);
		for (String step : repeated.keySet()) {
			String[] parts = step.split("/");
			assertThat(this.probe.jdbc()
				.sql("SELECT pid FROM test_step_log WHERE run_id = ? AND step = ? ORDER BY logged_at FETCH FIRST 1 ROWS ONLY")
				.params(parts[0], parts[1])
				.query(Long.class)
				.single()).isEqualTo(victimPid);
		}
	}

	private Process startProcess(String instance, String... properties) throws IOException {
		Path log = Files.createTempFile("inngest-" + instance, ".log");
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
						System.getProperty("java.class.path"), ClusterApp.class.getName(), this.url, instance));
		command.addAll(List.of(properties));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		await().atMost(Duration.ofSeconds(60)).until(() -> started(log, instance) || !process.isAlive());
		assertThat(process.isAlive()).as("instance process, see " + log).isTrue();
		return process;
	}

	private static boolean started(Path log, String instance) throws IOException {
		File file = log.toFile();
		return file.length() > 0 && Files.readString(log).contains("Instance " + instance + " started");
	}

}
