package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the engine while a run is in a step that outlasts the shutdown timeout: the
 * run is given back, queued and due at once, for the next start or another instance to
 * resume, instead of waiting for its lease to expire.
 */
@SpringBootTest(classes = { EngineTestApplication.class, StopTimeoutTests.Blocking.class },
		properties = { "inngest.local.shutdown-timeout=200ms", "inngest.local.lease.duration=60s" })
class StopTimeoutTests {

	@Autowired
	RunScheduler engine;

	@Autowired
	InngestClient inngest;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Blocking blocking;

	@AfterEach
	void releaseTheStepAndStartAgain() {
		this.blocking.release.countDown();
		this.engine.start();
	}

	@Test
	void aRunStillInAStepAfterTheShutdownTimeoutIsGivenBackDueAtOnce() throws InterruptedException {
		String eventId = this.inngest.send(Event.of("test/blocking", Map.of())).get(0);
		assertThat(this.blocking.inStep.await(10, TimeUnit.SECONDS)).isTrue();
		this.engine.stop();
		Instant stopped = Instant.now();
		this.jdbc.sql("SELECT status, lease, due_at FROM inngest_run WHERE event_id = ?")
			.param(eventId)
			.query((rs, row) -> {
				assertThat(rs.getString("status")).isEqualTo("QUEUED");
				assertThat(rs.getString("lease")).isNull();
				assertThat(rs.getTimestamp("due_at").toInstant()).isBefore(stopped);
				return row;
			})
			.single();
	}

	/**
	 * A function whose step waits, through interrupts, until the test releases it.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class Blocking {

		final CountDownLatch inStep = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Bean
		BlockingFunction blockingFunction() {
			return new BlockingFunction(this);
		}

	}

	static class BlockingFunction {

		private final Blocking blocking;

		BlockingFunction(Blocking blocking) {
			this.blocking = blocking;
		}

		@InngestFunction(id = "blocking", event = "test/blocking")
		void blocking(Step step) {
			step.run("block", () -> {
				this.blocking.inStep.countDown();
				while (true) {
					try {
						if (this.blocking.release.await(30, TimeUnit.SECONDS)) {
							return;
						}
					}
					catch (InterruptedException ex) {
						// A step that does not stop when interrupted, as many do not.
					}
				}
			});
		}

	}

}
