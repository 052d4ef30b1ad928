package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the engine while a run is in a step that ends within the shutdown timeout: the
 * run's lease is renewed while the stop waits for it, so that no other instance takes it
 * over meanwhile, and the run completes here.
 */
@SpringBootTest(classes = { EngineTestApplication.class, StopTimeoutTests.Blocking.class },
		properties = { "inngest.local.shutdown-timeout=20s", "inngest.local.lease.duration=1500ms" })
class StopRenewalTests {

	private static final Duration LEASE = Duration.ofMillis(1500);

	@Autowired
	RunScheduler engine;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Autowired
	StopTimeoutTests.Blocking blocking;

	@AfterEach
	void startAgain() {
		this.blocking.release.countDown();
		this.engine.start();
	}

	@Test
	void theLeaseOfARunFinishingDuringAStopIsRenewedUntilItEnds() throws Exception {
		String runId = this.probe.awaitRunId(this.inngest.send(Event.of("test/blocking", Map.of())).get(0), "blocking");
		assertThat(this.blocking.inStep.await(10, TimeUnit.SECONDS)).isTrue();
		Instant leasedUntil = this.probe.run(runId).dueAt();
		Thread stopping = new Thread(this.engine::stop);
		stopping.start();

		// More than a lease later, the run is still held here.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.run(runId).dueAt().isAfter(leasedUntil.plus(LEASE)));
		assertThat(stopping.isAlive()).isTrue();
		this.blocking.release.countDown();
		stopping.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(stopping.isAlive()).isFalse();
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.COMPLETED);
	}

}
