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
import dev.durable.inngest.engine.store.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a function's code may do that the engine cannot store or did not expect: return a
 * value too large or impossible to write as JSON, or throw an {@link Error}. Each fails
 * its own run with an error that names the problem, while a healthy run sent beside it
 * completes. The application, with its step time-out of one second, is the one of
 * {@link StepTimeoutTests}.
 */
@SpringBootTest(classes = { EngineTestApplication.class, PoisonFunctions.class },
		properties = { "inngest.local.max-output-size=1KB", "inngest.local.step-timeout=1s" })
class PoisonTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	Executions executions;

	@Autowired
	PoisonFunctions functions;

	@Autowired
	RunProbe probe;

	private final String key = UUID.randomUUID().toString();

	/** Sends a poisoned event and a healthy one; the healthy run completes. */
	private RunRecord runBesideAHealthyOne(String event, String function, Map<String, Object> data) {
		Map<String, Object> all = new HashMap<>(data);
		all.put("key", this.key);
		String poisoned = this.inngest.send(Event.of(event, all)).get(0);
		String healthy = this.inngest.send(Event.of("test/healthy", Map.of())).get(0);
		RunRecord run = this.probe.awaitEnded(poisoned, function);
		assertThat(this.probe.awaitEnded(healthy, "healthy").status()).isEqualTo(RunStatus.COMPLETED);
		return run;
	}

	@Test
	void stepOutputLargerThanTheLimitFailsTheStepAtOnceNamingItsSizeAndTheLimit() {
		RunRecord run = runBesideAHealthyOne("test/large-step-output", "large-step-output", Map.of("size", 600));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("StepFailedException");
		assertThat(run.error().message()).contains("Step 'load' returned 1202 bytes of JSON (a java.lang.String), "
				+ "more than the limit of 1024 bytes (inngest.local.max-output-size)");
		assertThat(this.executions.count(this.key, "load")).isEqualTo(1);
		assertThat(this.probe.steps(run.id())).singleElement()
			.satisfies((step) -> assertThat(step.status()).isEqualTo(StepStatus.FAILED));
	}

	@Test
	void stepOutputWithinTheLimitIsStored() {
		RunRecord run = runBesideAHealthyOne("test/large-step-output", "large-step-output", Map.of("size", 511));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("511");
	}

	@Test
	void runOutputLargerThanTheLimitFailsTheRunAtOnce() {
		RunRecord run = runBesideAHealthyOne("test/large-run-output", "large-run-output", Map.of("size", 2000));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("NonRetriableException");
		assertThat(run.error().message()).startsWith("Function 'large-run-output' returned 2002 bytes of JSON")
			.contains("more than the limit of 1024 bytes (inngest.local.max-output-size)");
		assertThat(run.output()).isNull();
		assertThat(this.executions.count(this.key, "body")).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "cycle", "throwing-getter" })
	void stepOutputThatJacksonCannotWriteFailsTheStepNamingItAndTheType(String kind) {
		RunRecord run = runBesideAHealthyOne("test/unwritable-step-output", "unwritable-step-output",
				Map.of("kind", kind));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("StepFailedException");
		assertThat(run.error().message())
			.contains("Step 'load' returned a value of type " + "dev.durable.inngest.engine.PoisonFunctions$")
			.contains("that cannot be written as JSON");
		assertThat(this.executions.count(this.key, "load")).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "cycle", "throwing-getter" })
	void runOutputThatJacksonCannotWriteFailsTheRunNamingTheFunctionAndTheType(String kind) {
		RunRecord run = runBesideAHealthyOne("test/unwritable-run-output", "unwritable-run-output",
				Map.of("kind", kind));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).startsWith("Function 'unwritable-run-output' returned a value of type "
				+ "dev.durable.inngest.engine.PoisonFunctions$");
		assertThat(this.executions.count(this.key, "body")).isEqualTo(1);
	}

	@ParameterizedTest
	@CsvSource({ "stack-overflow, StackOverflowError", "assertion, AssertionError",
			"no-class-def, NoClassDefFoundError", "out-of-memory, OutOfMemoryError" })
	void errorThrownInAStepFailsTheAttemptAndIsRetriedLikeAnException(String kind, String name) {
		RunRecord run = runBesideAHealthyOne("test/error-in-step", "error-in-step", Map.of("kind", kind));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).startsWith("Step 'throws' failed: " + name);
		assertThat(this.executions.count(this.key, "throws")).isEqualTo(2);
		assertThat(this.probe.attempts(run.id())).filteredOn((attempt) -> "throws".equals(attempt.stepKey()))
			.extracting((attempt) -> attempt.error().name())
			.containsExactly(name, name);
	}

	@Test
	void errorThrownInAStepRunsTheFailureHandlerAfterTheLastAttempt() {
		RunRecord run = runBesideAHealthyOne("test/error-in-step", "error-in-step", Map.of("kind", "assertion"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.functions.handled.stream().anyMatch((failure) -> failure.runId().equals(run.id())));
		assertThat(this.functions.handled).filteredOn((failure) -> failure.runId().equals(run.id()))
			.singleElement()
			.satisfies((failure) -> assertThat(failure.error().message())
				.isEqualTo("Step 'throws' failed: AssertionError: invariant broken"));
	}

	@ParameterizedTest
	@CsvSource({ "stack-overflow, StackOverflowError", "assertion, AssertionError",
			"no-class-def, NoClassDefFoundError", "out-of-memory, OutOfMemoryError" })
	void errorThrownInTheBodyFailsTheAttemptAndIsRetriedLikeAnException(String kind, String name) {
		RunRecord run = runBesideAHealthyOne("test/error-in-body", "error-in-body", Map.of("kind", kind));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo(name);
		assertThat(this.executions.count(this.key, "body")).isEqualTo(2);
		assertThat(this.probe.attempts(run.id())).extracting(AttemptRecord::stepKey).containsExactly(null, null);
	}

}
