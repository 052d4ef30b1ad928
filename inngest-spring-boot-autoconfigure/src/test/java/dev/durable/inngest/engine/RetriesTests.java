package dev.durable.inngest.engine;

import dev.durable.inngest.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Retries as Inngest documents them, on the real engine and H2.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class RetriesTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	Executions executions;

	@Autowired
	RunProbe probe;

	private final String key = UUID.randomUUID().toString();

	private RunRecord run(String event, String function, Map<String, Object> data) {
		Map<String, Object> all = new java.util.HashMap<>(data);
		all.put("key", this.key);
		String eventId = this.inngest.send(Event.of(event, all)).get(0);
		return this.probe.awaitEnded(eventId, function);
	}

	@Test
	void stepThatFailsTwiceRunsThreeTimesAndItsNeighboursOnce() {
		RunRecord run = run("test/flaky-step", "flaky-step", Map.of("fail", 2));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"done after 3\"");
		assertThat(this.executions.count(this.key, "flaky")).isEqualTo(3);
		assertThat(this.executions.count(this.key, "before")).isEqualTo(1);
		assertThat(this.executions.count(this.key, "after")).isEqualTo(1);
	}

	@Test
	void codeBeforeARetriedStepSeesThatStepsAttemptAndCanFallBackOnItsLast() {
		RunRecord run = run("test/last-try-fallback", "last-try-fallback", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"fallback rates\"");
		assertThat(this.executions.count(this.key, "fetch")).isEqualTo(3);
		assertThat(this.executions.recorded(this.key, "attempt")).containsExactly(0, 1, 2);
		assertThat(this.executions.recorded(this.key, "attempt-after")).containsExactly(0);
	}

	@Test
	void everyFailedAttemptIsStoredWithItsError() {
		RunRecord run = run("test/flaky-step", "flaky-step", Map.of("fail", 2));
		List<AttemptRecord> attempts = this.probe.attempts(run.id());
		assertThat(attempts).extracting(AttemptRecord::stepKey).containsExactly("flaky", "flaky");
		assertThat(attempts).extracting(AttemptRecord::attempt).containsExactly(0, 1);
		assertThat(attempts.get(0).error().name()).isEqualTo("IllegalStateException");
		assertThat(attempts.get(0).error().message()).isEqualTo("flaky failure 1");
		assertThat(attempts.get(0).error().stack()).contains("RetryFunctions");
		StepRecord flaky = this.probe.steps(run.id())
			.stream()
			.filter((s) -> s.key().equals("flaky"))
			.findFirst()
			.orElseThrow();
		assertThat(flaky.status()).isEqualTo(StepStatus.COMPLETED);
		assertThat(flaky.attempts()).isEqualTo(3);
	}

	@Test
	void stepThatAlwaysFailsRunsFiveTimesByDefault() {
		RunRecord run = run("test/always-fails", "always-fails", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.executions.count(this.key, "fails")).isEqualTo(5);
		assertThat(run.error().name()).isEqualTo("StepFailedException");
		assertThat(run.error().message()).contains("Step 'fails' failed: IllegalStateException: always");
	}

	@Test
	void stepWithZeroRetriesRunsOnce() {
		RunRecord run = run("test/always-fails-no-retries", "always-fails-no-retries", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.executions.count(this.key, "fails")).isEqualTo(1);
	}

	@Test
	void stepWithTwentyRetriesRunsTwentyOneTimes() {
		RunRecord run = run("test/always-fails-twenty-retries", "always-fails-twenty-retries", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.executions.count(this.key, "fails")).isEqualTo(21);
	}

	@Test
	void eachStepHasItsOwnRetryBudget() {
		RunRecord run = run("test/two-flaky-steps", "two-flaky-steps", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "first")).isEqualTo(3);
		assertThat(this.executions.count(this.key, "second")).isEqualTo(3);
	}

	@Test
	void bodyErrorRetriesTheBodyWithoutRerunningFinishedSteps() {
		RunRecord run = run("test/flaky-body", "flaky-body", Map.of("fail", 2));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "body")).isEqualTo(3);
		assertThat(this.executions.count(this.key, "once")).isEqualTo(1);
		assertThat(this.probe.attempts(run.id())).extracting(AttemptRecord::stepKey).containsExactly(null, null);
	}

	@Test
	void bodySeesItsAttemptNumberCountingFromZero() {
		run("test/flaky-body", "flaky-body", Map.of("fail", 2));
		assertThat(this.executions.recorded(this.key, "attempt")).containsExactly(0, 1, 2);
		assertThat(this.executions.recorded(this.key, "max-attempts")).containsOnly(5);
	}

	@Test
	void bodyRetriesAreCountedOverTheWholeRunNotAfterEachStep() {
		RunRecord run = run("test/body-fails-between-steps", "body-fails-between-steps", Map.of());
		// Once after the first step and twice after the second: three failures in all
		// use up two retries, although no step was followed by more than two.
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).isEqualTo("not yet after b");
		assertThat(this.executions.count(this.key, "after-b")).isEqualTo(2);
		assertThat(this.probe.attempts(run.id())).extracting(AttemptRecord::stepKey, AttemptRecord::attempt)
			.containsExactly(tuple(null, 0), tuple(null, 1), tuple(null, 2));
	}

	@Test
	void nonRetriableStepRunsOnceAndThrowsStepFailedIntoTheBody() {
		RunRecord run = run("test/non-retriable-step", "non-retriable-step", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"caught refuse: NonRetriableException: account closed\"");
		assertThat(this.executions.count(this.key, "refuse")).isEqualTo(1);
	}

	@Test
	void nonRetriableBodyFailsTheRunAfterOneAttempt() {
		RunRecord run = run("test/non-retriable-body", "non-retriable-body", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("NonRetriableException");
		assertThat(run.error().message()).isEqualTo("invalid order");
		assertThat(this.executions.count(this.key, "body")).isEqualTo(1);
		// Its failure handler runs once, and only once.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.executions.recorded(this.key, "failure-handled")).isNotEmpty());
		await().during(Duration.ofMillis(700))
			.atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertThat(this.executions.recorded(this.key, "failure-handled"))
				.containsExactly("NonRetriableException"));
	}

	@Test
	void retryAfterDelaysTheNextAttemptToTheGivenTime() {
		RunRecord run = run("test/retry-after", "retry-after", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		List<Instant> times = this.executions.times(this.key, "rate-limited");
		assertThat(times).hasSize(2);
		assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void retryAfterAnInstantDelaysTheNextAttemptAndUsesTheBudgetLikeAnyFailure() {
		RunRecord run = run("test/retry-after-instant", "retry-after-instant", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).contains("gave up").contains("429 Too Many Requests");
		List<Instant> times = this.executions.times(this.key, "rate-limited");
		assertThat(times).hasSize(2);
		assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
	}

	@Test
	void caughtStepFailureWithCompensationCompletesTheRun() {
		RunRecord run = run("test/saga", "saga", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		// The step's failure, caught, is no failure of the run.
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.probe.eventIds("inngest/function.failed", run.id())).isEmpty());
		assertThat(run.output()).contains("\"rolledBack\":true").contains("card declined");
		assertThat(this.executions.count(this.key, "reserve")).isEqualTo(1);
		assertThat(this.executions.count(this.key, "charge")).isEqualTo(1);
		assertThat(this.executions.count(this.key, "release")).isEqualTo(1);
	}

	@Test
	void uncaughtStepFailureFailsTheRunWithoutRetryingTheBody() {
		RunRecord run = run("test/saga", "saga", Map.of("rethrow", true));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("StepFailedException");
		assertThat(this.executions.count(this.key, "release")).isEqualTo(1);
		assertThat(this.probe.attempts(run.id()).stream().filter((a) -> a.stepKey() == null)).hasSize(1);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.probe.eventIds("inngest/function.failed", run.id())).hasSize(1));
	}

	@Test
	void retriesWaitLongerAfterEachFailure() {
		run("test/backoff-order", "backoff-order", Map.of());
		List<Instant> times = this.executions.times(this.key, "fails");
		assertThat(times).hasSize(4);
		// test back-off: 20ms, 40ms, 80ms (initial 20ms, multiplier 2, no jitter)
		assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(20));
		assertThat(Duration.between(times.get(1), times.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(40));
		assertThat(Duration.between(times.get(2), times.get(3))).isGreaterThanOrEqualTo(Duration.ofMillis(80));
	}

	@Test
	void stepWithFewerRetriesThanItsFunctionFailsForGoodAfterItsOwnLastAttempt() {
		RunRecord run = run("test/step-fewer-retries", "step-fewer-retries", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"caught charge: declined\"");
		assertThat(this.executions.count(this.key, "charge")).isEqualTo(2);
		assertThat(this.executions.recorded(this.key, "attempt")).containsExactly(0, 1);
		assertThat(this.executions.recorded(this.key, "max-attempts")).containsOnly(2);
		// Outside the step, the body still sees the function's own budget.
		assertThat(this.executions.recorded(this.key, "body-max-attempts")).containsOnly(5);
		assertThat(this.probe.attempts(run.id())).extracting(AttemptRecord::attempt).containsExactly(0, 1);
		StepRecord charge = this.probe.steps(run.id())
			.stream()
			.filter((s) -> s.key().equals("charge"))
			.findFirst()
			.orElseThrow();
		assertThat(charge.status()).isEqualTo(StepStatus.FAILED);
		assertThat(charge.attempts()).isEqualTo(2);
	}

	@Test
	void stepWithMoreRetriesThanItsFunctionGetsThemWhileTheOthersKeepTheFunctions() {
		RunRecord run = run("test/step-more-retries", "step-more-retries", Map.of("fail", 4));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.executions.count(this.key, "poll")).isEqualTo(5);
		assertThat(this.executions.recorded(this.key, "max-attempts")).containsOnly(6);
		assertThat(this.executions.count(this.key, "other")).isEqualTo(1);
		assertThat(run.error().message()).contains("Step 'other' failed");
	}

	@Test
	void stepWithMoreRetriesStillFailsForGoodAfterItsOwnLastAttempt() {
		RunRecord run = run("test/step-more-retries", "step-more-retries", Map.of("fail", 100));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.executions.count(this.key, "poll")).isEqualTo(6);
		assertThat(run.error().message()).contains("Step 'poll' failed: IllegalStateException: not ready 6");
		assertThat(this.executions.count(this.key, "other")).isZero();
	}

	@Test
	void stepWithItsOwnBackoffWaitsItsOwnDelays() {
		run("test/step-own-backoff", "step-own-backoff", Map.of());
		List<Instant> times = this.executions.times(this.key, "slow");
		assertThat(times).hasSize(3);
		// The engine's test back-off would wait 20ms then 40ms.
		assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		assertThat(Duration.between(times.get(1), times.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(250));
	}

	@Test
	void stepWithInvalidOptionsFailsTheRunWithAMessageNamingTheStep() {
		RunRecord run = run("test/step-invalid-options", "step-invalid-options", Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("InvalidStepException");
		assertThat(run.error().message())
			.isEqualTo("Step 'charge': invalid options: retries must be from 0 to 20, but was 21");
		// However many retries the function has left: no attempt could take the step.
		assertThat(this.probe.attempts(run.id())).hasSize(1);
		assertThat(this.executions.count(this.key, "charge")).isZero();
	}

}
