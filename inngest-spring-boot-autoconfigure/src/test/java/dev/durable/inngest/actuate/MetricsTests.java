package dev.durable.inngest.actuate;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.Step;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.RunScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.context.TestConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters after real runs on the engine.
 */
@SpringBootTest(classes = EngineTestApplication.class, properties = "inngest.local.workers=3")
@Import(MetricsTests.HeldFunctionConfiguration.class)
class MetricsTests {

	@Autowired
	MeterRegistry meters;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Autowired
	RunScheduler engine;

	@Autowired
	HeldFunction held;

	private final String key = UUID.randomUUID().toString();

	private String send(String name, Map<String, Object> data) {
		Map<String, Object> all = new HashMap<>(data);
		all.put("key", this.key);
		return this.inngest.send(Event.of(name, all)).get(0);
	}

	private double count(String name, String... tags) {
		Search search = this.meters.find(name).tags(tags);
		if (search.counter() != null) {
			return search.counter().count();
		}
		return (search.timer() != null) ? search.timer().count() : 0;
	}

	@Test
	void aRunWithARetriedStepIsCountedStartedOnceCompletedOnceWithEveryStepAttempt() {
		String function = "flaky-step";
		double started = count(RunMetrics.RUNS_STARTED, "function", function);
		double completed = count(RunMetrics.RUNS_COMPLETED, "function", function);
		double completedSteps = count(RunMetrics.STEPS_ATTEMPTS, "function", function, "outcome", "completed");
		double retryingSteps = count(RunMetrics.STEPS_ATTEMPTS, "function", function, "outcome", "retrying");
		double retries = count(RunMetrics.STEPS_RETRIES, "function", function);
		double stepTimings = count(RunMetrics.STEPS_DURATION, "function", function);
		double runTimings = count(RunMetrics.RUNS_DURATION, "function", function, "status", "completed");

		assertThat(this.probe.awaitEnded(send("test/flaky-step", Map.of("fail", 2)), function).status())
			.isEqualTo(RunStatus.COMPLETED);

		assertThat(count(RunMetrics.RUNS_STARTED, "function", function) - started).isEqualTo(1);
		assertThat(count(RunMetrics.RUNS_COMPLETED, "function", function) - completed).isEqualTo(1);
		// before, flaky on its third attempt, after
		assertThat(count(RunMetrics.STEPS_ATTEMPTS, "function", function, "outcome", "completed") - completedSteps)
			.isEqualTo(3);
		assertThat(count(RunMetrics.STEPS_ATTEMPTS, "function", function, "outcome", "retrying") - retryingSteps)
			.isEqualTo(2);
		assertThat(count(RunMetrics.STEPS_RETRIES, "function", function) - retries).isEqualTo(2);
		assertThat(count(RunMetrics.STEPS_DURATION, "function", function) - stepTimings).isEqualTo(5);
		assertThat(count(RunMetrics.RUNS_DURATION, "function", function, "status", "completed") - runTimings)
			.isEqualTo(1);
		assertThat(this.meters.find(RunMetrics.RUNS_DURATION)
			.tags("function", function)
			.timer()
			.totalTime(TimeUnit.MILLISECONDS)).isPositive();
	}

	@Test
	void aFailedRunIsCountedWithItsDuration() {
		String function = "always-fails-no-retries";
		double failed = count(RunMetrics.RUNS_FAILED, "function", function);
		double timings = count(RunMetrics.RUNS_DURATION, "function", function, "status", "failed");

		assertThat(this.probe.awaitEnded(send("test/always-fails-no-retries", Map.of()), function).status())
			.isEqualTo(RunStatus.FAILED);

		await().atMost(Duration.ofSeconds(5))
			.until(() -> count(RunMetrics.RUNS_FAILED, "function", function) - failed == 1);
		assertThat(count(RunMetrics.RUNS_DURATION, "function", function, "status", "failed") - timings).isEqualTo(1);
		assertThat(count(RunMetrics.RUNS_COMPLETED, "function", function)).isZero();
	}

	@Test
	void theBacklogGaugesShowDueRunsThatNoWorkerHasClaimed() {
		this.engine.stop();
		List<String> events;
		try {
			events = List.of(send("test/flaky-step", Map.of()), send("test/flaky-step", Map.of()),
					send("test/flaky-step", Map.of()));
			await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> this.meters.get(BacklogMetrics.QUEUE_BACKLOG).gauge().value() >= 3);
			assertThat(this.meters.get(BacklogMetrics.QUEUE_LAG).timeGauge().value(TimeUnit.MILLISECONDS)).isPositive();
		}
		finally {
			this.engine.start();
		}
		events.forEach((event) -> this.probe.awaitEnded(event, "flaky-step"));
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> this.meters.get(BacklogMetrics.QUEUE_BACKLOG).gauge().value() == 0);
		assertThat(this.meters.get(BacklogMetrics.QUEUE_LAG).timeGauge().value(TimeUnit.MILLISECONDS)).isZero();
	}

	@Test
	void theWorkerGaugesShowRunsExecutingAgainstTheMostAtOnce() throws InterruptedException {
		assertThat(this.meters.get(WorkerMetrics.WORKERS_MAX).gauge().value()).isEqualTo(3);
		String eventId = send("test/held", Map.of());
		assertThat(this.held.entered.await(10, TimeUnit.SECONDS)).isTrue();
		try {
			assertThat(this.meters.get(WorkerMetrics.WORKERS_ACTIVE).gauge().value()).isOne();
		}
		finally {
			this.held.release.countDown();
		}
		this.probe.awaitEnded(eventId, "held");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.meters.get(WorkerMetrics.WORKERS_ACTIVE).gauge().value() == 0);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class HeldFunctionConfiguration {

		@Bean
		HeldFunction heldFunction() {
			return new HeldFunction();
		}

	}

	/** A function whose step holds its worker until the test releases it. */
	static class HeldFunction {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@InngestFunction(id = "held", event = "test/held")
		void held(Step step) {
			step.run("hold", () -> {
				this.entered.countDown();
				this.release.await(10, TimeUnit.SECONDS);
			});
		}

	}

}
