package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.CancelResult;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.NoMatchingRunsException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Every way to cancel a run, on the real engine and H2.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class CancellationTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	Executions executions;

	@Autowired
	RunProbe probe;

	@Autowired
	CancellationFunctions functions;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	MeterRegistry meters;

	private final String key = UUID.randomUUID().toString();

	private String send(String name, Map<String, Object> data) {
		Map<String, Object> all = new HashMap<>(data);
		all.put("key", this.key);
		return this.inngest.send(Event.of(name, all)).get(0);
	}

	private String sleepingRun(String event, String function, Map<String, Object> data) {
		String runId = this.probe.awaitRunId(send(event, data), function);
		this.probe.awaitStatus(runId, RunStatus.SLEEPING);
		return runId;
	}

	private void assertCancelledAtOnce(String runId, String by) {
		RunRecord run = this.probe.awaitStatus(runId, RunStatus.CANCELLED);
		assertThat(run.cancellation().by()).isEqualTo(by);
		assertThat(run.error().message()).isEqualTo("function cancelled");
		assertThat(this.probe.count("inngest_wait WHERE run_id = '" + runId + "'")).isZero();
	}

	@Test
	void cancelOnMatchCancelsOnlyTheRunWhoseFieldMatches() {
		String first = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "r1-" + this.key));
		String second = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "r2-" + this.key));
		send("test/reminder.deleted", Map.of("reminderId", "r1-" + this.key));
		assertCancelledAtOnce(first, "event");
		assertThat(this.probe.run(first).cancellation().reason()).contains("test/reminder.deleted");
		assertThat(this.probe.run(second).status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(this.executions.count(this.key, "after")).isZero();
	}

	@Test
	void cancelOnMatchComparesNumbersByValueAsCelDoes() {
		long id = System.nanoTime() % 1_000_000_000_000L;
		String first = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", id));
		String second = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", id + 1));
		send("test/reminder.deleted", Map.of("reminderId", (double) id));
		assertCancelledAtOnce(first, "event");
		assertThat(this.probe.run(second).status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void aRunCancelledInItsSleepNeverRunsTheStepAfterIt() {
		String cancelled = sleepingRun("test/short-reminder.created", "short-reminder", Map.of("reminderId", "gone"));
		String kept = sleepingRun("test/short-reminder.created", "short-reminder", Map.of("reminderId", "kept"));
		send("test/short-reminder.deleted", Map.of("reminderId", "gone"));
		assertCancelledAtOnce(cancelled, "event");
		// The run left alone wakes from the same sleep and runs its step.
		assertThat(this.probe.awaitEnded(kept, Duration.ofSeconds(15)).status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "after kept")).isEqualTo(1);
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertThat(this.executions.count(this.key, "after gone")).isZero());
		assertThat(this.probe.run(cancelled).status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void cancelOnMatchOnAValueLongerThanItsColumnCancelsOnlyTheRunWithThatValue() {
		String longId = "r-" + this.key + "-" + "x".repeat(2000);
		String first = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", longId));
		String second = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", longId + "y"));
		assertThat(this.probe.count("inngest_wait WHERE run_id = '" + first + "' AND match_value LIKE 'sha256:%'"))
			.isEqualTo(1);
		send("test/reminder.deleted", Map.of("reminderId", longId));
		assertCancelledAtOnce(first, "event");
		assertThat(this.probe.run(second).status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void cancelOnConditionCancelsWhenItHoldsOverTriggerAndCancellingEvent() {
		String runId = sleepingRun("test/job.started", "job", Map.of("jobId", "j-" + this.key));
		send("test/job.aborted", Map.of("jobId", "j-" + this.key, "force", false));
		send("test/job.aborted", Map.of("jobId", "other", "force", true));
		await().during(Duration.ofMillis(300)).until(() -> this.probe.run(runId).status() == RunStatus.SLEEPING);
		send("test/job.aborted", Map.of("jobId", "j-" + this.key, "force", true));
		assertCancelledAtOnce(runId, "event");
	}

	@Test
	void cancelOnWithNeitherMatchNorConditionCancelsEveryRunAndNotTheRunsStartedAfter() {
		String first = sleepingRun("test/maintenance.started", "maintenance", Map.of("host", "a"));
		String second = sleepingRun("test/maintenance.started", "maintenance", Map.of("host", "b"));
		send("test/maintenance.aborted", Map.of());
		assertCancelledAtOnce(first, "event");
		assertCancelledAtOnce(second, "event");
		String later = sleepingRun("test/maintenance.started", "maintenance", Map.of("host", "c"));
		await().during(Duration.ofMillis(500)).until(() -> this.probe.run(later).status() == RunStatus.SLEEPING);
	}

	@Test
	void cancelEventAfterTheTimeoutWindowDoesNotCancel() {
		String runId = sleepingRun("test/window.opened", "short-window", Map.of("id", "w-" + this.key));
		await().pollDelay(Duration.ofMillis(1200)).until(() -> true);
		send("test/window.closed", Map.of("id", "w-" + this.key));
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "after")).isEqualTo(1);
	}

	@Test
	void cancelEventWithinTheTimeoutWindowCancels() {
		String runId = sleepingRun("test/window.opened", "short-window", Map.of("id", "v-" + this.key));
		send("test/window.closed", Map.of("id", "v-" + this.key));
		assertCancelledAtOnce(runId, "event");
	}

	@Test
	void cancelEventSentBeforeTheRunWasCreatedDoesNotCancelIt() {
		send("test/reminder.deleted", Map.of("reminderId", "early-" + this.key));
		String runId = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "early-" + this.key));
		await().during(Duration.ofMillis(300)).until(() -> this.probe.run(runId).status() == RunStatus.SLEEPING);
	}

	private void assertPendingStepCancelled(String runId, String stepKey) {
		StepRecord step = this.probe.steps(runId)
			.stream()
			.filter((candidate) -> candidate.key().equals(stepKey))
			.findFirst()
			.orElseThrow();
		assertThat(step.status()).isEqualTo(StepStatus.CANCELLED);
		assertThat(step.endedAt()).isEqualTo(this.probe.run(runId).endedAt());
	}

	@Test
	void waitingRunIsCancelledAtOnce() {
		String runId = this.probe.awaitRunId(send("test/approval.requested", Map.of("id", "a-" + this.key)),
				"approval-wait");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		send("test/approval.withdrawn", Map.of("id", "a-" + this.key));
		assertCancelledAtOnce(runId, "event");
		assertPendingStepCancelled(runId, "approval");
		send("test/approval.given", Map.of("id", "a-" + this.key));
		await().during(Duration.ofMillis(300)).until(() -> this.probe.run(runId).status() == RunStatus.CANCELLED);
	}

	/**
	 * Starts a run of the function, cancels it by event while its step executes, then
	 * lets the step finish.
	 */
	private String cancelledInAStep(String function, CountDownLatch entered, CountDownLatch release)
			throws InterruptedException {
		String id = function + "-" + this.key;
		String runId = this.probe.awaitRunId(send("test/" + function + ".started", Map.of("id", id)), function);
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		send("test/" + function + ".cancel", Map.of("id", id));
		assertCancelledAtOnce(runId, "event");
		release.countDown();
		return runId;
	}

	@Test
	void stepExecutingWhenTheCancelArrivesCompletesAndNothingAfterItRuns() throws Exception {
		String runId = cancelledInAStep("in-flight", this.functions.inFlightEntered, this.functions.releaseInFlight);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.steps(runId)
				.stream()
				.anyMatch((step) -> step.key().equals("slow") && step.status() == StepStatus.COMPLETED));
		StepRecord slow = this.probe.steps(runId).get(0);
		assertThat(slow.output()).isEqualTo("\"slow result\"");
		await().during(Duration.ofMillis(500)).until(() -> this.executions.count(this.key, "next") == 0);
		assertThat(this.probe.steps(runId)).hasSize(1);
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void lastStepExecutingWhenTheCancelArrivesIsStoredAndTheRunStaysCancelled() throws Exception {
		String runId = cancelledInAStep("in-flight-last", this.functions.lastStepEntered,
				this.functions.releaseLastStep);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.probe.steps(runId).size() == 2);
		assertThat(this.probe.steps(runId)).extracting(StepRecord::key, StepRecord::status, StepRecord::output)
			.containsExactly(tuple("first", StepStatus.COMPLETED, "1"),
					tuple("last", StepStatus.COMPLETED, "\"last result\""));
		RunRecord run = this.probe.run(runId);
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(run.output()).isNull();
	}

	@Test
	void runThatCannotStartInTimeIsCancelledWithoutExecutingAnyStep() {
		String eventId = this.transactions.execute((status) -> {
			String id = send("test/must-start-soon", Map.of());
			// The run exists from here, but starts only once this transaction commits.
			await().pollDelay(Duration.ofMillis(800)).until(() -> true);
			return id;
		});
		RunRecord run = this.probe.awaitEnded(eventId, "must-start-soon");
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(run.cancellation().by()).isEqualTo("timeout");
		assertThat(run.cancellation().reason()).contains("@Timeouts start");
		assertThat(this.executions.count(this.key, "work")).isZero();
	}

	@Test
	void runSleepingPastItsFinishTimeoutIsCancelledAtTheDeadline() {
		String runId = sleepingRun("test/must-finish-soon", "must-finish-soon", Map.of());
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(5));
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(run.cancellation().reason()).contains("@Timeouts finish");
		assertThat(Duration.between(run.startedAt(), run.endedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
			.isLessThan(Duration.ofSeconds(5));
		assertThat(this.executions.count(this.key, "after")).isZero();
	}

	@Test
	void runWaitingForAnEventPastItsFinishTimeoutIsCancelledAtTheDeadlineWithItsWait() {
		String runId = this.probe.awaitRunId(send("test/must-finish-waiting", Map.of()), "must-finish-waiting");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(5));
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(run.cancellation().reason()).contains("@Timeouts finish");
		assertThat(Duration.between(run.startedAt(), run.endedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
			.isLessThan(Duration.ofSeconds(5));
		assertThat(this.probe.count("inngest_wait WHERE run_id = '" + runId + "'")).isZero();
		assertThat(this.probe.eventIds("inngest/function.cancelled", runId)).hasSize(1);
	}

	@Test
	void runWaitingForARetryPastItsFinishTimeoutIsCancelledAtTheDeadline() {
		String runId = this.probe.awaitRunId(send("test/retry-past-deadline", Map.of()), "retry-past-deadline");
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(8));
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(run.cancellation().reason()).contains("@Timeouts finish");
		// Its retry, asked for 10 s after the failure, would come after the deadline.
		assertThat(Duration.between(run.startedAt(), run.endedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
			.isLessThan(Duration.ofSeconds(5));
		assertThat(this.executions.count(this.key, "body")).isEqualTo(1);
	}

	@Test
	void runWhoseLastStepEndsPastItsFinishTimeoutIsCancelledWithTheStepStored() {
		RunRecord run = this.probe.awaitEnded(send("test/slow-last-step", Map.of()), "slow-last-step");
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(run.cancellation().reason()).contains("@Timeouts finish");
		assertThat(run.output()).isNull();
		// Cancelled at a poll past the deadline, or when the step ends: the step is
		// stored when it ends, either way.
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.probe.steps(run.id()).isEmpty());
		assertThat(this.probe.steps(run.id())).extracting(StepRecord::key, StepRecord::status, StepRecord::output)
			.containsExactly(tuple("slow", StepStatus.COMPLETED, "\"slow result\""));
		assertThat(this.probe.run(run.id()).status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void runStillInAStepPastItsFinishTimeoutIsCancelledThenAndNothingAfterTheStepRuns() throws Exception {
		String runId = this.probe.awaitRunId(send("test/stuck-past-deadline", Map.of()), "stuck-past-deadline");
		assertThat(this.functions.stuckEntered.await(10, TimeUnit.SECONDS)).isTrue();
		// Cancelled at a poll after the deadline, while the step still runs.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.probe.run(runId).status() == RunStatus.CANCELLED);
		assertThat(this.probe.run(runId).cancellation().reason()).contains("@Timeouts finish");
		assertThat(this.probe.eventIds(FunctionCancelledEvent.NAME, runId)).hasSize(1);
		this.functions.releaseStuck.countDown();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.steps(runId)
				.stream()
				.anyMatch((step) -> step.key().equals("stuck") && step.status() == StepStatus.COMPLETED));
		await().during(Duration.ofMillis(500)).until(() -> this.executions.count(this.key, "after") == 0);
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(this.probe.eventIds(FunctionCancelledEvent.NAME, runId)).hasSize(1);
	}

	@Test
	void sleepingRunIsCancelledAtOnceByTheApi() {
		String runId = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "api-" + this.key));
		CancelResult result = this.runs.cancel(runId);
		assertThat(result.cancelled()).isTrue();
		assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
		assertCancelledAtOnce(runId, "api");
		assertThat(this.runs.find(runId).orElseThrow().cancellation().by()).isEqualTo("api");
		assertPendingStepCancelled(runId, "nap");
	}

	@Test
	void aStepWaitingForItsNextAttemptIsCancelledWithItsRun() {
		String runId = this.probe.awaitRunId(send("test/retry-after", Map.of()), "retry-after");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.steps(runId)
				.stream()
				.anyMatch((step) -> step.key().equals("rate-limited") && step.status() == StepStatus.RETRYING));
		assertThat(this.runs.cancel(runId).cancelled()).isTrue();
		assertCancelledAtOnce(runId, "api");
		assertPendingStepCancelled(runId, "rate-limited");
		// Its next attempt, due 3 s after the first, never comes.
		await().during(Duration.ofSeconds(4))
			.atMost(Duration.ofSeconds(5))
			.until(() -> this.executions.count(this.key, "rate-limited") == 1);
	}

	@Test
	void cancellingAFinishedRunChangesNothingAndSaysSo() {
		RunRecord done = this.probe.awaitEnded(send("test/flaky-step", Map.of()), "flaky-step");
		CancelResult result = this.runs.cancel(done.id());
		assertThat(result.cancelled()).isFalse();
		assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.probe.run(done.id())).isEqualTo(done);
	}

	@Test
	void cancellingAnUnknownRunFails() {
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> this.runs.cancel("no-such-run"))
			.withMessage("No run no-such-run");
	}

	@Test
	void bulkCancellationCancelsExactlyTheRunsStartedInTheRangeThatMatch() {
		String before = sleepingRun("test/job.started", "job", Map.of("jobId", "b0-" + this.key, "tier", "gold"));
		Instant from = Instant.now();
		String gold = sleepingRun("test/job.started", "job", Map.of("jobId", "b1-" + this.key, "tier", "gold"));
		String free = sleepingRun("test/job.started", "job", Map.of("jobId", "b2-" + this.key, "tier", "free"));
		Instant to = Instant.now();
		String after = sleepingRun("test/job.started", "job", Map.of("jobId", "b3-" + this.key, "tier", "gold"));
		String condition = "event.data.tier == 'gold' && event.data.key == '" + this.key + "'";
		BulkCancelRequest request = new BulkCancelRequest("gold jobs", "job", from, to, condition);
		assertThat(this.runs.countMatching(request)).isEqualTo(1);
		BulkCancellation cancellation = this.runs.cancelAll(request);
		assertThat(cancellation.matched()).isEqualTo(1);
		assertCancelledAtOnce(gold, "bulk-cancellation");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.runs.findCancellation(cancellation.id())
				.orElseThrow()
				.state() == BulkCancellation.State.COMPLETED);
		assertThat(this.runs.findCancellation(cancellation.id()).orElseThrow().cancelled()).isEqualTo(1);
		assertThat(this.probe.run(free).status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(this.probe.run(before).status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(this.probe.run(after).status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(this.runs.cancellations(100, null)).extracting(BulkCancellation::id).contains(cancellation.id());
	}

	@Test
	void bulkCancellationsAreListedAtMostAHundredToAPage() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.runs.cancellations(0, null))
			.withMessage("limit must be between 1 and 100, but was 0");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.runs.cancellations(101, null))
			.withMessage("limit must be between 1 and 100, but was 101");
	}

	@Test
	void stoppedBulkCancellationLeavesItsCancelledRunsCancelled() {
		Instant from = Instant.now();
		String runId = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "s-" + this.key));
		BulkCancellation cancellation = this.runs
			.cancelAll(new BulkCancelRequest(null, "reminder", from, Instant.now(), null));
		assertCancelledAtOnce(runId, "bulk-cancellation");
		BulkCancellation stopped = this.runs.stopCancellation(cancellation.id());
		assertThat(stopped.state()).isIn(BulkCancellation.State.STOPPED, BulkCancellation.State.COMPLETED);
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.CANCELLED);
		String later = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "s2-" + this.key));
		assertThat(this.probe.run(later).status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void bulkCancellationThatMatchesNoRunIsRefusedAndNotRecorded() {
		int before = this.probe.count("inngest_cancellation");
		assertThatExceptionOfType(NoMatchingRunsException.class)
			.isThrownBy(() -> this.runs.cancelAll(new BulkCancelRequest("none", "reminder",
					Instant.parse("2001-01-01T00:00:00Z"), Instant.parse("2001-01-02T00:00:00Z"), null)))
			.withMessageContaining("No run of function 'reminder'");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void aBulkCancellationUpToAFutureTimeEndsWhenItStarts() {
		Instant from = Instant.now().minusSeconds(60);
		String runId = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "f-" + this.key));
		BulkCancellation cancellation = this.runs
			.cancelAll(new BulkCancelRequest(null, "reminder", from, Instant.now().plus(Duration.ofHours(1)), null));
		assertThat(cancellation.startedBefore()).isBeforeOrEqualTo(Instant.now());
		assertCancelledAtOnce(runId, "bulk-cancellation");
	}

	@Test
	void invalidBulkCancellationsAreRefusedAndNotRecorded() {
		int before = this.probe.count("inngest_cancellation");
		Instant now = Instant.now();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(
					() -> this.runs.cancelAll(new BulkCancelRequest(null, "reminder", now, now.minusSeconds(5), null)))
			.withMessageContaining("must be before startedBefore");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.runs
				.cancelAll(new BulkCancelRequest(null, "reminder", now.minusSeconds(60), now, "event.data.x ==")))
			.withMessageContaining("condition: Invalid CEL expression");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.runs.cancelAll(new BulkCancelRequest(null, "nope", now.minusSeconds(60), now, null)))
			.withMessageContaining("No function 'nope' is declared");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void bulkCancellationWithANameLongerThanItsColumnIsRefused() {
		int before = this.probe.count("inngest_cancellation");
		Instant now = Instant.now();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.runs
				.cancelAll(new BulkCancelRequest("n".repeat(256), "reminder", now.minusSeconds(60), now, null)))
			.withMessage("name has 256 characters; the longest allowed is 255");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void bulkCancellationWithATimeOutOfRangeIsRefused() {
		Instant now = Instant.now();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.runs.countMatching(
					new BulkCancelRequest(null, "reminder", Instant.parse("-999999999-01-01T00:00:00Z"), now, null)))
			.withMessageContaining("startedAfter (-999999999-01-01T00:00:00Z) is out of range; it must be between "
					+ "1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.runs.countMatching(
					new BulkCancelRequest(null, "reminder", now, Instant.parse("+1000000-01-01T00:00:00Z"), null)))
			.withMessageContaining("startedBefore (+1000000-01-01T00:00:00Z) is out of range");
	}

	@Test
	void bulkCancellationWithAConditionLongerThanTheLimitIsRefused() {
		Instant now = Instant.now();
		String condition = "event.data.x == '" + "x".repeat(4096) + "'";
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.runs
				.countMatching(new BulkCancelRequest(null, "reminder", now.minusSeconds(60), now, condition)))
			.withMessage("condition: the condition has " + condition.length()
					+ " characters; the longest allowed is 4096 " + "(inngest.limits.expression-length)");
	}

	@Test
	void bulkCancellationWhoseConditionCostsTooMuchOnARunIsStoppedAndRefused() {
		Instant from = Instant.now();
		List<Integer> items = IntStream.range(0, 1000).boxed().toList();
		String runId = sleepingRun("test/reminder.created", "reminder",
				Map.of("reminderId", "cost-" + this.key, "items", items));
		int before = this.probe.count("inngest_cancellation");
		String costly = "event.data.key == '" + this.key
				+ "' && event.data.items.all(i, event.data.items.all(j, i >= 0))";
		BulkCancelRequest request = new BulkCancelRequest(null, "reminder", from, Instant.now(), costly);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.runs.cancelAll(request))
			.withMessageContaining("took more than 10000 evaluation steps and was stopped on run " + runId)
			.withMessageContaining("(inngest.limits.expression-cost)");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void cancelledRunEmitsTheSystemAndSpringEventsOnceAndItsCleanupRunsOnce() {
		double cancelledBefore = cancelledCount("reminder");
		String runId = sleepingRun("test/reminder.created", "reminder", Map.of("reminderId", "c-" + this.key));
		this.runs.cancel(runId);
		send("test/reminder.deleted", Map.of("reminderId", "c-" + this.key));
		await().atMost(Duration.ofSeconds(10)).until(() -> cleanupsOf(runId) == 1);
		Event cleanup = this.functions.cleanups.stream()
			.filter((e) -> runId.equals(e.data().get("run_id")))
			.findFirst()
			.orElseThrow();
		assertThat(cleanup.name()).isEqualTo("inngest/function.cancelled");
		assertThat(cleanup.data()).containsEntry("function_id", "engine-tests-reminder")
			.containsEntry("error", Map.of("name", "Error", "message", "function cancelled"));
		assertThat(((Map<?, ?>) cleanup.data().get("event")).get("name")).isEqualTo("test/reminder.created");
		await().during(Duration.ofMillis(500)).until(() -> cleanupsOf(runId) == 1);
		assertThat(this.functions.springEvents).filteredOn((e) -> e.runId().equals(runId)).hasSize(1);
		assertThat(this.probe.eventIds("inngest/function.cancelled", runId)).hasSize(1);
		assertThat(cancelledCount("reminder")).isEqualTo(cancelledBefore + 1);
	}

	@Test
	void cleanupThatIsCancelledInTurnDoesNotStartItselfAgain() {
		String runId = sleepingRun("test/endless-sleep", "endless-sleep", Map.of());
		this.runs.cancel(runId);
		String cleanupId = this.probe.awaitRunId(this.probe.eventIds(FunctionCancelledEvent.NAME, runId).get(0),
				"slow-cleanup");
		RunRecord cleanup = this.probe.awaitEnded(cleanupId, Duration.ofSeconds(10));
		assertThat(cleanup.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(cleanup.cancellation().by()).isEqualTo("timeout");
		// Its own cancelled event is emitted, but starts no run of it: else each would
		// time out and start the next, without end.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.functions.springEvents.stream().anyMatch((e) -> e.runId().equals(cleanupId)));
		List<String> ownEvents = this.probe.eventIds(FunctionCancelledEvent.NAME, cleanupId);
		assertThat(ownEvents).hasSize(1);
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(3))
			.until(() -> this.probe.runIds(ownEvents.get(0), "slow-cleanup").isEmpty());
	}

	private long cleanupsOf(String runId) {
		return this.functions.cleanups.stream().filter((e) -> runId.equals(e.data().get("run_id"))).count();
	}

	private double cancelledCount(String function) {
		var counter = this.meters.find("inngest.runs.cancelled").tag("function", function).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
