package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the engine logs of runs, under the one category {@code RunExecutor}: a step's
 * retries at debug level, a run's failure at warning level, and an operator's
 * cancellation at info level.
 */
@SpringBootTest(classes = EngineTestApplication.class,
		properties = "logging.level.dev.durable.inngest.engine.RunExecutor=DEBUG")
@ExtendWith(OutputCaptureExtension.class)
class RunLogTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	private final String key = UUID.randomUUID().toString();

	@Test
	void aStepsRetriesAreLoggedAtDebugLevel(CapturedOutput output) {
		String eventId = this.inngest.send(Event.of("test/flaky-step", Map.of("key", this.key, "fail", 2))).get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "flaky-step");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(output)
			.containsPattern("DEBUG .*Run " + run.id()
					+ " of function 'flaky-step': step 'flaky' attempt 1 failed, retrying at \\S+: "
					+ "IllegalStateException: flaky failure 1")
			.contains("step 'flaky' attempt 2 failed");
	}

	@Test
	void aFailedRunIsLoggedOnceAtWarningLevel(CapturedOutput output) {
		String eventId = this.inngest.send(Event.of("test/always-fails-no-retries", Map.of("key", this.key))).get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "always-fails-no-retries");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output)
				.containsPattern("WARN .*Run " + run.id()
						+ " of function 'always-fails-no-retries' failed: StepFailedException: ")
				.containsOnlyOnce("Run " + run.id() + " of function 'always-fails-no-retries' failed"));
	}

	@Test
	void anOperatorsCancellationIsLoggedAtInfoLevel(CapturedOutput output) {
		String runId = this.probe.startSleepingReminder(this.inngest, this.key);
		this.runs.cancel(runId);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output)
				.containsPattern("INFO .*Run " + runId + " of function 'reminder' was cancelled by api: "));
	}

}
