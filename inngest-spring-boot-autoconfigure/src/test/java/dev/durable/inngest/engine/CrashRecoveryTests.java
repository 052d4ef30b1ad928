package dev.durable.inngest.engine;

import dev.durable.inngest.RunStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.testsupport.DyingThreads;
import dev.durable.inngest.testsupport.TestApplications;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A process that dies mid-run: its run is resumed by the next instance on the same
 * database once its lease expires, and the steps it finished are not executed again. The
 * process dies as its context closes: from then on its run store writes nothing, so that
 * the stop cannot give the run back, as a killed process does not.
 */
class CrashRecoveryTests {

	static final Executions executions = new Executions();

	static final CountDownLatch inSlowStep = new CountDownLatch(1);

	static final CountDownLatch releaseAbandoned = new CountDownLatch(1);

	/** Whether the first instance's process is dead: its run store writes nothing. */
	static volatile boolean dead;

	@AfterEach
	void releaseAbandonedThread() {
		releaseAbandoned.countDown();
		dead = false;
	}

	private static ConfigurableApplicationContext start(String url) {
		return TestApplications.run(new SpringApplicationBuilder(CrashApp.class), "spring.datasource.url=" + url,
				"inngest.local.lease.duration=2s", "inngest.local.shutdown-timeout=100ms",
				"inngest.local.poll-interval=100ms", "spring.jpa.open-in-view=false");
	}

	@Test
	void runResumesOnTheNextInstanceAfterItsLeaseExpiresWithoutRedoingFinishedSteps() {
		String url = TestDatabases.newUrl("crash");
		String eventId;
		try (ConfigurableApplicationContext first = start(url)) {
			eventId = first.getBean(InngestClient.class).send(Event.of("test/crash", Map.of("key", "k"))).get(0);
			await().atMost(Duration.ofSeconds(10)).until(() -> inSlowStep.getCount() == 0);
			dead = true;
		}
		dead = false;
		// Left by the dead instance: the run leased, its first step stored, the slow one
		// not.
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url,
				url.startsWith("jdbc:h2:") ? "sa" : null, "", true);
		try {
			JdbcClient left = JdbcClient.create(dataSource);
			assertThat(left.sql("SELECT status FROM inngest_run WHERE event_id = ?")
				.param(eventId)
				.query(String.class)
				.single()).isEqualTo("RUNNING");
			assertThat(left
				.sql("SELECT s.step_key FROM inngest_step s JOIN inngest_run r ON r.id = s.run_id "
						+ "WHERE r.event_id = ? AND s.status = 'COMPLETED'")
				.param(eventId)
				.query(String.class)
				.list()).containsExactly("first");
		}
		finally {
			dataSource.destroy();
		}
		try (ConfigurableApplicationContext second = start(url)) {
			JdbcClient jdbc = second.getBean(JdbcClient.class);
			String runId = jdbc.sql("SELECT id FROM inngest_run WHERE event_id = ?")
				.param(eventId)
				.query(String.class)
				.single();
			RunProbe probe = new RunProbe(jdbc, second.getBean(dev.durable.inngest.engine.store.RunStore.class),
					second.getBean(dev.durable.inngest.engine.store.StepStore.class));
			RunRecord run = probe.awaitEnded(runId, Duration.ofSeconds(20));
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.output()).isEqualTo("\"survived\"");
			assertThat(executions.count("k", "first")).isEqualTo(1);
			assertThat(executions.count("k", "slow")).isEqualTo(2);
			assertThat(executions.count("k", "last")).isEqualTo(1);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CrashApp {

		@Bean
		static BeanPostProcessor deadProcessWritesNothing() {
			return InterceptedStores.deadWhile(() -> dead);
		}

		@Bean
		CrashFunctions crashFunctions() {
			return new CrashFunctions();
		}

	}

	static class CrashFunctions {

		@InngestFunction(id = "crashes", event = "test/crash")
		String crashes(Event event, Step step) {
			step.run("first", () -> executions.hit("k", "first"));
			step.run("slow", () -> {
				if (executions.hit("k", "slow") == 1) {
					inSlowStep.countDown();
					DyingThreads.holdUntil(releaseAbandoned);
				}
			});
			step.run("last", () -> executions.hit("k", "last"));
			return "survived";
		}

	}

}
