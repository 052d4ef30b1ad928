package dev.durable.inngest.postgresql;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.RunSignals;
import dev.durable.inngest.local.PostgresRunSignals;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several instances of an application on one PostgreSQL database: each run executes on
 * one instance at a time, every step body once, and instances wake each other with
 * notifications.
 */
class MultiInstanceTests {

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private String url;

	private ClusterProbe probe;

	@BeforeEach
	void createDatabase() {
		this.url = TestDatabases.newPostgresDatabase(TestDatabases.sharedServer());
		this.probe = new ClusterProbe(this.url);
		this.probe.createLogTable();
	}

	@AfterEach
	void stopInstances() {
		ClusterFunctions.gates.values().forEach(java.util.concurrent.CountDownLatch::countDown);
		this.instances.forEach(ConfigurableApplicationContext::close);
		this.probe.close();
	}

	private ConfigurableApplicationContext start(String instance, String... properties) {
		ConfigurableApplicationContext context = ClusterApp.start(this.url, instance, properties);
		this.instances.add(context);
		return context;
	}

	/**
	 * Starts instance a with one worker, polling only once, at start, and keeps that
	 * worker busy at a gate.
	 */
	private ConfigurableApplicationContext startWithItsOneWorkerAt(String gate) {
		ConfigurableApplicationContext a = start("a", "inngest.local.workers=1", "inngest.local.poll-interval=10m");
		a.getBean(InngestClient.class).send(Event.of("cluster/gated", Map.of("gate", gate)));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.count("SELECT COUNT(*) FROM test_step_log WHERE step = 'at-gate'") == 1);
		return a;
	}

	private List<String> instancesThatRanStepOne() {
		return this.probe.jdbc()
			.sql("SELECT DISTINCT instance FROM test_step_log WHERE step = 'one'")
			.query(String.class)
			.list();
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void threeInstancesFinishTwoThousandRunsExecutingEachStepOnce() {
		List<InngestClient> clients = List.of(start("a").getBean(InngestClient.class),
				start("b").getBean(InngestClient.class), start("c").getBean(InngestClient.class));
		int runs = 2000;
		// Batches of 500: each one's notification is split to fit PostgreSQL's payload
		// limit.
		for (int batch = 0; batch < runs / 500; batch++) {
			List<Event> events = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				events.add(Event.of("cluster/job", Map.of("n", batch * 500 + i)));
			}
			clients.get(batch % clients.size()).send(events);
		}
		this.probe.awaitRuns("three-steps", "COMPLETED", runs, ClusterFunctions.timeout());
		assertThat(this.probe.count("SELECT COUNT(*) FROM inngest_run")).isEqualTo(runs);
		assertThat(this.probe.completedSteps()).doesNotHaveDuplicates().hasSize(runs * 3);
		assertThat(this.probe.count("SELECT COUNT(*) FROM test_step_log")).isEqualTo(runs * 3L);
		assertThat(this.probe.stepsExecutedMoreThanOnce()).isEmpty();
		assertThat(this.probe.jdbc().sql("SELECT DISTINCT instance FROM test_step_log").query(String.class).list())
			.containsExactlyInAnyOrder("a", "b", "c");
	}

	@Test
	void aRunMadeDueOnABusyInstanceStartsAtOnceOnAnotherThatIsNotified() {
		// b polls only once, at start.
		ConfigurableApplicationContext a = startWithItsOneWorkerAt("busy");
		start("b", "inngest.local.poll-interval=10m");
		pause(Duration.ofMillis(500)); // b's one poll, just after its start, is over

		a.getBean(InngestClient.class).send(Event.of("cluster/job", Map.of("n", 1)));

		this.probe.awaitRuns("three-steps", "COMPLETED", 1, Duration.ofSeconds(10));
		assertThat(instancesThatRanStepOne()).containsExactly("b");
	}

	@Test
	void aBusyInstanceTakesARunSignalledWhileItWasBusyOnceAWorkerIsFree() {
		// b sends with its engine stopped, so that only a can execute the run, and only
		// when told
		// of it.
		startWithItsOneWorkerAt("missed");
		ConfigurableApplicationContext b = start("b", "inngest.local.poll-interval=10m");
		b.getBean(RunScheduler.class).stop();
		b.getBean(InngestClient.class).send(Event.of("cluster/job", Map.of("n", 1)));
		pause(Duration.ofMillis(500)); // the notification has reached a, whose only
										// worker is busy
		assertThat(this.probe
			.count("SELECT COUNT(*) FROM inngest_run WHERE function_id = 'three-steps' " + "AND status = 'QUEUED'"))
			.isOne();

		ClusterFunctions.gate("missed").countDown();

		this.probe.awaitRuns("three-steps", "COMPLETED", 1, Duration.ofSeconds(10));
		assertThat(instancesThatRanStepOne()).containsExactly("a");
	}

	@Test
	void anInstanceIgnoresTheSignalsItSentItself() {
		// a polls only once, at start; b tells no one of the run it queues.
		ConfigurableApplicationContext a = start("a", "inngest.local.poll-interval=10m");
		ConfigurableApplicationContext b = start("b", "inngest.local.poll-interval=10m",
				"inngest.local.notifications.enabled=false");
		b.getBean(RunScheduler.class).stop();
		pause(Duration.ofMillis(500)); // a's one poll, just after its start, is over
		b.getBean(InngestClient.class).send(Event.of("cluster/job", Map.of("n", 1)));
		String runId = this.probe.jdbc()
			.sql("SELECT id FROM inngest_run WHERE function_id = 'three-steps'")
			.query(String.class)
			.single();
		String own = ((PostgresRunSignals) a.getBean(RunSignals.class)).instance();

		this.probe.jdbc()
			.sql("SELECT pg_notify(?, ?)")
			.params(PostgresRunSignals.CHANNEL, "due " + own + " " + runId)
			.query()
			.singleRow();
		pause(Duration.ofSeconds(1));
		assertThat(a.getBean(InngestRuns.class).find(runId).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);

		this.probe.jdbc()
			.sql("SELECT pg_notify(?, ?)")
			.params(PostgresRunSignals.CHANNEL, "due another " + runId)
			.query()
			.singleRow();
		this.probe.awaitRuns("three-steps", "COMPLETED", 1, Duration.ofSeconds(10));
		assertThat(instancesThatRanStepOne()).containsExactly("a");
	}

	@Test
	void anInstanceTellsTheOthersOnlyOfTheRunsItsFreeWorkersDoNotStart() throws SQLException {
		// Runs queued, not created leased, so that only the signal would tell the others.
		ConfigurableApplicationContext a = start("a", "inngest.local.workers=1", "inngest.local.poll-interval=10m",
				"inngest.local.eager-start.enabled=false");
		InngestClient client = a.getBean(InngestClient.class);
		try (RunSignalListener listener = new RunSignalListener(this.url)) {
			// Its one worker is free: it starts the run itself, and tells no one.
			client.send(Event.of("cluster/gated", Map.of("gate", "told")));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.probe.count("SELECT COUNT(*) FROM test_step_log WHERE step = 'at-gate'") == 1);
			assertThat(listener.received(Duration.ofMillis(500))).isEmpty();

			// Its one worker is busy: the others are told of the run.
			client.send(Event.of("cluster/job", Map.of("n", 1)));
			String runId = this.probe.jdbc()
				.sql("SELECT id FROM inngest_run WHERE function_id = 'three-steps'")
				.query(String.class)
				.single();
			String own = ((PostgresRunSignals) a.getBean(RunSignals.class)).instance();
			assertThat(listener.received(Duration.ofSeconds(5), 1)).containsExactly("due " + own + " " + runId);
		}
	}

	@Test
	void anIdleInstanceWithOneWorkerFindsARunMadeDueElsewhereByPolling() {
		// Not told of runs by notifications: a finds the run only by polling, every 200
		// ms.
		start("a", "inngest.local.workers=1", "inngest.local.poll-interval=200ms",
				"inngest.local.notifications.enabled=false");
		ConfigurableApplicationContext b = start("b", "inngest.local.poll-interval=10m");
		b.getBean(RunScheduler.class).stop();

		b.getBean(InngestClient.class).send(Event.of("cluster/job", Map.of("n", 1)));

		this.probe.awaitRuns("three-steps", "COMPLETED", 1, Duration.ofSeconds(10));
		assertThat(instancesThatRanStepOne()).containsExactly("a");
	}

	@Test
	void aCancelOnOneInstanceStopsTheRunExecutingOnAnotherBeforeItsNextStep() {
		// Leases are renewed every 20 s: only the notification can stop the run sooner.
		start("a", "inngest.local.lease.duration=60s");
		start("b", "inngest.local.lease.duration=60s");
		this.instances.get(0).getBean(InngestClient.class).send(Event.of("cluster/gated", Map.of("gate", "cancel")));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.count("SELECT COUNT(*) FROM test_step_log WHERE step = 'at-gate'") == 1);
		Map<String, Object> executing = this.probe.jdbc()
			.sql("SELECT run_id, instance FROM test_step_log WHERE step = 'at-gate'")
			.query()
			.singleRow();
		String runId = (String) executing.get("run_id");
		ConfigurableApplicationContext other = this.instances.get("a".equals(executing.get("instance")) ? 1 : 0);

		other.getBean(InngestRuns.class).cancel(runId);
		ClusterFunctions.gate("cancel").countDown();

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.count(
					"SELECT COUNT(*) FROM inngest_step WHERE run_id = ? AND step_key = 'at-gate' AND status = 'COMPLETED'",
					runId) == 1);
		assertThat(other.getBean(InngestRuns.class).find(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
		// The next step would start within milliseconds of the gate step if nothing
		// stopped it.
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.probe.count("SELECT COUNT(*) FROM test_step_log WHERE step = 'after-gate'") == 0);
	}

}
