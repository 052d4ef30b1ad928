package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Function code that runs past the step time-out (one second here): its thread is
 * interrupted, and the attempt fails as timed out and is retried, while a healthy run
 * sent beside it completes. Code that ignores the interrupt keeps its worker until it
 * returns.
 */
@SpringBootTest(classes = { EngineTestApplication.class, PoisonFunctions.class },
		properties = { "inngest.local.max-output-size=1KB", "inngest.local.step-timeout=1s" })
class StepTimeoutTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	Executions executions;

	@Autowired
	PoisonFunctions functions;

	@Autowired
	RunProbe probe;

	@Autowired
	RunScheduler engine;

	private final String key = UUID.randomUUID().toString();

	private String send(String name, Map<String, Object> data) {
		Map<String, Object> all = new HashMap<>(data);
		all.put("key", this.key);
		return this.inngest.send(Event.of(name, all)).get(0);
	}

	private void aHealthyRunCompletes() {
		String healthy = this.inngest.send(Event.of("test/healthy", Map.of())).get(0);
		assertThat(this.probe.awaitEnded(healthy, "healthy").status()).isEqualTo(RunStatus.COMPLETED);
	}

	@Test
	void stepPastTheTimeOutIsInterruptedAndItsAttemptFailsAsTimedOut() {
		String eventId = send("test/slow-step", Map.of("fail", 2));
		aHealthyRunCompletes();
		RunRecord run = this.probe.awaitEnded(eventId, "slow-step");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).isEqualTo("Step 'slow' failed: StepTimeoutException: Step 'slow' did not "
				+ "return within the step time-out of 1s (inngest.local.step-timeout) and was interrupted");
		assertThat(this.probe.attempts(run.id())).filteredOn((attempt) -> "slow".equals(attempt.stepKey()))
			.extracting((attempt) -> attempt.error().name())
			.containsExactly("StepTimeoutException", "StepTimeoutException");
		assertThat(this.probe.attempts(run.id()).get(0).error().stack()).contains("InterruptedException");
	}

	@Test
	void stepThatTimedOutIsRetriedAndMaySucceed() {
		RunRecord run = this.probe.awaitEnded(send("test/slow-step", Map.of("fail", 1)), "slow-step");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"fast\"");
		assertThat(this.executions.count(this.key, "slow")).isEqualTo(2);
	}

	@Test
	void functionBodyPastTheTimeOutIsInterruptedAndItsAttemptFailsAsTimedOut() {
		String eventId = send("test/slow-body", Map.of());
		aHealthyRunCompletes();
		RunRecord run = this.probe.awaitEnded(eventId, "slow-body");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("StepTimeoutException");
		assertThat(run.error().message()).isEqualTo("Function 'slow-body' ran outside its steps for longer than the "
				+ "step time-out of 1s (inngest.local.step-timeout) and was interrupted");
		assertThat(this.executions.count(this.key, "body")).isEqualTo(2);
		assertThat(this.probe.attempts(run.id())).extracting(AttemptRecord::stepKey).containsExactly(null, null);
	}

	@Test
	void functionBodyThatSleepsThroughTheInterruptFailsAtItsNextStep() {
		RunRecord run = this.probe.awaitEnded(send("test/slow-between-steps", Map.of()), "slow-between-steps");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("StepTimeoutException");
		assertThat(this.executions.count(this.key, "before")).isEqualTo(1);
		assertThat(this.executions.count(this.key, "after")).isZero();
	}

	@Test
	void stepThatIgnoresTheInterruptKeepsItsWorkerAndItsResultWhenItReturns() {
		String runId = this.probe.awaitRunId(send("test/stubborn-step", Map.of()), "stubborn-step");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executions.count(this.key, "interrupted") == 1);
		aHealthyRunCompletes();
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.RUNNING);
		this.functions.release(this.key).countDown();
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"finished anyway\"");
		assertThat(this.executions.count(this.key, "stubborn")).isEqualTo(1);
	}

	@Test
	void stoppingTheEngineInterruptsAStepStillRunningAndDoesNotWaitForItIfItIgnoresTheInterrupt() {
		String runId = this.probe.awaitRunId(send("test/stubborn-step", Map.of()), "stubborn-step");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executions.count(this.key, "stubborn") == 1);
		try {
			long start = System.nanoTime();
			this.engine.stop();
			// The shutdown time-out of the tests is two seconds.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			// The step notes its interrupt in its own thread, which may be after stop()
			// returns; once
			// only, as the step time-out is not checked while the engine stops.
			await().atMost(Duration.ofSeconds(5)).until(() -> this.executions.count(this.key, "interrupted") == 1);
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(2))
				.until(() -> this.executions.count(this.key, "interrupted") == 1);
		}
		finally {
			this.functions.release(this.key).countDown();
			this.engine.start();
		}
		assertThat(this.probe.awaitEnded(runId, Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.COMPLETED);
	}

}
