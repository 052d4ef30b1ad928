package dev.durable.inngest.engine;

import dev.durable.inngest.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durable sleeps, waits for events, sent events and memoized results, on the real engine
 * and H2.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class StepsTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	Executions executions;

	@Autowired
	RunProbe probe;

	private final String key = UUID.randomUUID().toString();

	private String send(String name, Map<String, Object> data) {
		Map<String, Object> all = new HashMap<>(data);
		all.put("key", this.key);
		return this.inngest.send(Event.of(name, all)).get(0);
	}

	@Test
	void aCompletedStepReplayedAsAnotherKindOfStepFailsTheRun() {
		RunRecord run = this.probe.awaitEnded(send("test/changed-kind", Map.of()), "changed-kind");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("Step 'x'")
			.contains("was stored as a RUN step (COMPLETED)")
			.contains("same kind of step on every replay");
		assertThat(this.executions.count(this.key, "x")).isOne();
	}

	@Test
	void sleepingRunIsSuspendedAndResumesAfterTheDuration() {
		String runId = this.probe.awaitRunId(send("test/sleep", Map.of("millis", 1500)), "sleeper");
		RunRecord sleeping = this.probe.awaitStatus(runId, RunStatus.SLEEPING);
		assertThat(sleeping.dueAt()).isAfter(Instant.now());
		assertThat(this.executions.count(this.key, "after")).isZero();
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		List<Instant> before = this.executions.times(this.key, "before");
		List<Instant> after = this.executions.times(this.key, "after");
		assertThat(before).hasSize(1);
		assertThat(after).hasSize(1);
		assertThat(Duration.between(before.get(0), after.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
		StepRecord nap = this.probe.steps(runId)
			.stream()
			.filter((s) -> s.key().equals("nap"))
			.findFirst()
			.orElseThrow();
		assertThat(nap.kind()).isEqualTo(StepKind.SLEEP);
		assertThat(nap.status()).isEqualTo(StepStatus.COMPLETED);
	}

	@Test
	void aSleepMayLastTheLongestInngestAllows() {
		Instant sent = Instant.now();
		String runId = this.probe.awaitRunId(send("test/sleep", Map.of("millis", Duration.ofDays(366).toMillis())),
				"sleeper");
		RunRecord sleeping = this.probe.awaitStatus(runId, RunStatus.SLEEPING);
		assertThat(sleeping.dueAt()).isBetween(sent.plus(Duration.ofDays(366)),
				Instant.now().plus(Duration.ofDays(366)));
	}

	@Test
	void aSleepLongerThanInngestAllowsFailsTheRunAtOnce() {
		String eventId = send("test/sleep", Map.of("millis", Duration.ofDays(366).toMillis() + 1));
		RunRecord run = this.probe.awaitEnded(eventId, "sleeper");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message())
			.isEqualTo("Step 'nap': a sleep of PT8784H0.001S is longer than the longest allowed, 366 days");
		assertThat(this.probe.attempts(run.id())).hasSize(1);
		assertThat(this.executions.count(this.key, "before")).isOne();
	}

	@Test
	void sleepUntilAnInstantInThePastContinuesAtOnce() {
		RunRecord run = this.probe.awaitEnded(send("test/sleep-until-past", Map.of()), "sleep-until-past");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "after")).isEqualTo(1);
	}

	@Test
	void waitForEventResumesOnTheEventWhoseFieldMatches() {
		String runId = this.probe.awaitRunId(send("test/order.created", Map.of("orderId", "o-" + this.key)),
				"approval-by-match");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		send("test/order.approved", Map.of("orderId", "another-order", "by", "mallory"));
		send("test/order.approved", Map.of("orderId", "o-" + this.key, "by", "alice"));
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"approved by alice\"");
		assertThat(this.executions.count(this.key, "after")).isEqualTo(1);
	}

	@Test
	void waitForEventMatchesAValueLongerThanItsColumn() {
		String orderId = "long-" + this.key + "-" + "é".repeat(1500);
		String runId = this.probe.awaitRunId(send("test/order.created", Map.of("orderId", orderId)),
				"approval-by-match");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		send("test/order.approved", Map.of("orderId", orderId + "x", "by", "mallory"));
		send("test/order.approved", Map.of("orderId", orderId, "by", "alice"));
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.output()).isEqualTo("\"approved by alice\"");
	}

	@Test
	void eventSentBeforeTheWaitBeganDoesNotResumeIt() {
		send("test/order.approved", Map.of("orderId", "early-" + this.key, "by", "too-early"));
		String runId = this.probe.awaitRunId(send("test/order.created", Map.of("orderId", "early-" + this.key)),
				"approval-by-match");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		send("test/order.approved", Map.of("orderId", "early-" + this.key, "by", "bob"));
		assertThat(this.probe.awaitEnded(runId, Duration.ofSeconds(10)).output()).isEqualTo("\"approved by bob\"");
	}

	@Test
	void waitForEventResumesOnTheEventForWhichTheConditionHolds() {
		String runId = this.probe.awaitRunId(
				send("test/big-order.created", Map.of("orderId", "b-" + this.key, "amount", 500)),
				"approval-by-condition");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		send("test/big-order.approved", Map.of("orderId", "b-" + this.key, "limit", 100));
		send("test/big-order.approved", Map.of("orderId", "b-" + this.key, "limit", 1000));
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.output()).isEqualTo("\"approved with limit 1000\"");
	}

	@Test
	void waitForEventWithNeitherMatchNorConditionResumesOnTheFirstEventOfItsName() {
		String runId = this.probe.awaitRunId(send("test/any-signal.awaited", Map.of()), "any-signal");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		send("test/any-signal", Map.of("by", "carol"));
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"signalled by carol\"");
	}

	@Test
	void waitConditionThatCannotBeEvaluatedOnAnEventDoesNotMatchIt() {
		String runId = this.probe.awaitRunId(
				send("test/big-order.created", Map.of("orderId", "e-" + this.key, "amount", 500)),
				"approval-by-condition");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		// No limit to compare: the condition errors on this event, which does not match.
		send("test/big-order.approved", Map.of("orderId", "e-" + this.key));
		await().during(Duration.ofMillis(300)).until(() -> this.probe.run(runId).status() == RunStatus.WAITING);
		send("test/big-order.approved", Map.of("orderId", "e-" + this.key, "limit", 800));
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.output()).isEqualTo("\"approved with limit 800\"");
	}

	@Test
	void waitForEventReturnsEmptyWhenItTimesOut() {
		String runId = this.probe.awaitRunId(send("test/quick-order.created", Map.of("orderId", "q-" + this.key)),
				"approval-timeout");
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"timed out\"");
		assertThat(this.probe.count("inngest_wait WHERE run_id = '" + runId + "'")).isZero();
	}

	@Test
	void sentEventIsSentOnceAcrossReplays() {
		String eventId = send("test/send", Map.of());
		RunRecord run = this.probe.awaitEnded(eventId, "sender");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "flaky-after-send")).isEqualTo(2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executions.count(this.key, "notified") == 1);
		List<String> ids = this.probe.runIds(run.output().replaceAll("[\\[\\]\"]", ""), "notified");
		assertThat(ids).hasSize(1);
		await().during(Duration.ofMillis(300)).until(() -> this.executions.count(this.key, "notified") == 1);
	}

	@Test
	void genericStepResultIsReadBackAsItsType() {
		RunRecord run = this.probe.awaitEnded(send("test/generic", Map.of()), "generic-result");
		assertThat(run.output()).isEqualTo("12");
	}

	@Test
	void triggerConditionDecidesWhetherAnEventStartsARun() {
		String small = send("test/conditional", Map.of("amount", 50));
		String large = send("test/conditional", Map.of("amount", 150));
		this.probe.awaitEnded(large, "conditional");
		assertThat(this.probe.runIds(small, "conditional")).isEmpty();
		assertThat(this.executions.count(this.key, "conditional")).isEqualTo(1);
	}

	@Test
	void eventDataIsBoundToTheParameterType() {
		RunRecord run = this.probe.awaitEnded(send("test/bound-data", Map.of("amount", 21)), "bound-data");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("42");
	}

	@Test
	void eventDataThatCannotBeBoundFailsTheRunAtOnceWithAClearError() {
		RunRecord run = this.probe.awaitEnded(send("test/bound-data", Map.of("amount", "lots")), "bound-data");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("NonRetriableException");
		assertThat(run.error().message()).contains("The data of event 'test/bound-data' cannot be bound to parameter "
				+ "'Payment payment' of dev.durable.inngest.engine.StepFunctions.boundData");
		assertThat(this.probe.attempts(run.id())).hasSize(1);
	}

}
