package dev.durable.inngest.engine.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStats;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.store.CronStore.CronTick;
import dev.durable.inngest.engine.store.RetentionStore.Batch;
import dev.durable.inngest.engine.store.RetentionStore.EventPosition;
import dev.durable.inngest.engine.store.RunStore.Backlog;
import dev.durable.inngest.engine.store.RunStore.Completion;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every store of the engine must do, written from the storage SPI's documentation:
 * each transition of a run and each condition it is guarded by, the other stores'
 * operations, and what one store writes that another reads. A subclass gives the stores,
 * empty, for each test.
 */
public abstract class StoreContractTests {

	/** A time with no more than the microseconds a database column keeps. */
	protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00.123456Z");

	/** Past the deduplication window of an event received at {@link #T0}. */
	private static final Instant A_DAY_LATER = T0.plus(Duration.ofHours(25));

	private static final Duration LEASE = Duration.ofSeconds(30);

	private final Ids ids = new Ids(Clock.systemUTC());

	private Stores stores;

	private RunStore runs;

	private StepStore steps;

	private WaitStore waits;

	private EventStore events;

	/**
	 * The stores under test, sharing one state, and the transactions the engine runs its
	 * work in.
	 *
	 * @param runs the run store
	 * @param steps the step store
	 * @param waits the wait store
	 * @param events the event store
	 * @param cancellations the cancellation store
	 * @param crons the cron store
	 * @param retention the retention store
	 * @param transactions the transactions
	 * @param close releases what the stores hold once the test is done
	 * @param replays the store of reruns and bulk replays
	 * @param stats the counts of what runs did
	 */
	public record Stores(RunStore runs, StepStore steps, WaitStore waits, EventStore events,
			CancellationStore cancellations, CronStore crons, RetentionStore retention,
			TransactionOperations transactions, Runnable close, ReplayStore replays, RunStatsStore stats) {

	}

	/**
	 * New stores, empty.
	 * @return the stores
	 */
	protected abstract Stores createStores();

	@BeforeEach
	void createEmptyStores() {
		this.stores = createStores();
		this.runs = this.stores.runs();
		this.steps = this.stores.steps();
		this.waits = this.stores.waits();
		this.events = this.stores.events();
	}

	@AfterEach
	void closeStores() {
		this.stores.close().run();
	}

	// Runs: creation

	@Test
	void queuedRunIsCreatedDueAtOnceWithItsEvent() {
		Event event = event("order/created");
		String id = queued("fn", event, T0);
		RunRecord run = this.runs.find(id).orElseThrow();
		assertThat(run.id()).isEqualTo(id);
		assertThat(run.functionId()).isEqualTo("fn");
		assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(run.attempt()).isZero();
		assertThat(run.createdAt()).isEqualTo(T0);
		assertThat(run.startedAt()).isNull();
		assertThat(run.endedAt()).isNull();
		assertThat(run.dueAt()).isEqualTo(T0);
		assertThat(run.output()).isNull();
		assertThat(run.error()).isNull();
		assertThat(run.cancellation()).isNull();
		assertThat(run.event().id()).isEqualTo(event.id());
		assertThat(run.event().name()).isEqualTo("order/created");
		assertThat(run.event().data()).isEqualTo(event.data());
		assertThat(this.runs.findDue(T0, 10, List.of("fn"))).containsExactly(id);
	}

	@Test
	void leasedRunIsCreatedRunningUnderItsLeaseAndStarted() {
		String id = leased("fn", storedEvent(), T0, "lease-1");
		RunRecord run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.startedAt()).isEqualTo(T0);
		assertThat(run.dueAt()).isEqualTo(T0.plus(LEASE));
		assertThat(this.runs.leaseExpiry(id, "lease-1")).contains(T0.plus(LEASE));
		assertThat(this.runs.leaseExpiry(id, "lease-2")).isEmpty();
		// Held: not due until its lease expires, and then due for another instance.
		assertThat(this.runs.findDue(T0.plusSeconds(1), 10, List.of("fn"))).isEmpty();
		assertThat(this.runs.claim(List.of(id), "lease-2", T0.plusSeconds(1), T0.plusSeconds(31))).isEmpty();
		assertThat(this.runs.findDue(T0.plus(LEASE), 10, List.of("fn"))).containsExactly(id);
	}

	@Test
	void runIdIsAKey() {
		Event event = storedEvent();
		String id = queued("fn", event, T0);
		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.runs.create(List.of(new NewRun(id, "other", event.id(), T0.plusSeconds(1)))));
		assertThat(this.runs.find(id).orElseThrow().functionId()).isEqualTo("fn");
	}

	@Test
	void findOfAnUnknownRunIsEmpty() {
		assertThat(this.runs.find(this.ids.next(T0))).isEmpty();
	}

	// Runs: claims and due runs

	@Test
	void claimTakesOnlyDueRunsThatNoWorkerHolds() {
		Event event = storedEvent();
		String id = queued("fn", event, T0);
		assertThat(this.runs.claim(List.of(id), "lease-1", T0.minusSeconds(1), T0.plusSeconds(29))).isEmpty();

		Instant now = T0.plusSeconds(2);
		List<RunRecord> claimed = this.runs.claim(List.of(id), "lease-1", now, now.plus(LEASE));
		assertThat(claimed).singleElement().satisfies((run) -> {
			assertThat(run.id()).isEqualTo(id);
			assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
			assertThat(run.startedAt()).isEqualTo(now);
			assertThat(run.dueAt()).isEqualTo(now.plus(LEASE));
			assertThat(run.event().id()).isEqualTo(event.id());
		});
		assertThat(this.runs.leaseExpiry(id, "lease-1")).contains(now.plus(LEASE));

		// Held and not expired: no one else takes it.
		assertThat(this.runs.claim(List.of(id), "lease-2", now.plusSeconds(1), now.plusSeconds(31))).isEmpty();
		assertThat(this.runs.findDue(now.plusSeconds(1), 10, List.of("fn"))).isEmpty();
	}

	@Test
	void claimTakesOverARunWhoseLeaseExpiredKeepingWhenItStarted() {
		String id = queued("fn", storedEvent(), T0);
		this.runs.claim(List.of(id), "lease-1", T0, T0.plus(LEASE));
		Instant later = T0.plus(LEASE);
		assertThat(this.runs.claim(List.of(id), "lease-2", later, later.plus(LEASE))).singleElement()
			.satisfies((run) -> assertThat(run.startedAt()).isEqualTo(T0));
		assertThat(this.runs.leaseExpiry(id, "lease-1")).isEmpty();
		assertThat(this.runs.leaseExpiry(id, "lease-2")).contains(later.plus(LEASE));
	}

	@Test
	void claimPassesUnknownRepeatedAndEndedRuns() {
		Event event = storedEvent();
		String first = queued("fn", event, T0);
		String second = queued("fn", event, T0);
		String ended = queued("fn", event, T0);
		this.runs.cancel(ended, new RunView.Cancellation("api", null), T0);
		assertThat(this.runs.claim(List.of(), "lease", T0, T0.plus(LEASE))).isEmpty();
		List<RunRecord> claimed = this.runs.claim(List.of(first, second, first, ended, this.ids.next(T0)), "lease",
				T0.plusSeconds(1), T0.plus(LEASE));
		assertThat(claimed).extracting(RunRecord::id).containsExactlyInAnyOrder(first, second);
	}

	@Test
	void findDueGivesTheLongestDueFirstOfTheGivenFunctionsOnly() {
		Event event = storedEvent();
		String third = queued("a", event, T0.plusSeconds(3));
		String first = queued("a", event, T0.plusSeconds(1));
		String other = queued("b", event, T0);
		String second = queued("a", event, T0.plusSeconds(2));
		String later = queued("a", event, T0.plusSeconds(60));
		Instant now = T0.plusSeconds(10);
		assertThat(this.runs.findDue(now, 10, List.of("a"))).containsExactly(first, second, third);
		assertThat(this.runs.findDue(now, 2, List.of("a"))).containsExactly(first, second);
		assertThat(this.runs.findDue(now, 10, List.of("a", "b"))).containsExactly(other, first, second, third);
		assertThat(this.runs.findDue(now, 10, List.of())).isEmpty();
		assertThat(this.runs.findDue(now, 10, List.of("c"))).isEmpty();
		assertThat(this.runs.findDue(T0.plusSeconds(60), 10, List.of("a"))).contains(later);
	}

	@Test
	void findDueGivesSuspendedRunsWhenTheirTimeComesAndNeverEndedOnes() {
		Event event = storedEvent();
		String sleeping = claimed("fn", event, T0, "lease");
		this.runs.suspend(sleeping, "lease", RunStatus.SLEEPING, T0.plusSeconds(100), 0);
		String failed = claimed("fn", event, T0, "lease");
		this.runs.fail(failed, "lease", new ErrorInfo("Error", "boom", null), T0);
		assertThat(this.runs.findDue(T0.plusSeconds(99), 10, List.of("fn"))).isEmpty();
		assertThat(this.runs.findDue(T0.plusSeconds(100), 10, List.of("fn"))).containsExactly(sleeping);
		assertThat(this.runs.findDue(T0.plusSeconds(1000), 10, List.of("fn"))).containsExactly(sleeping);
	}

	// Runs: steps and completions under the lease

	@Test
	void storeStepStoresTheStepAndReadsTheLeaseWithoutRenewingIt() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		StepRecord step = completedStep(id, "charge", T0.plusSeconds(1));
		assertThat(this.runs.storeStep(step, "lease")).contains(T0.plus(LEASE));
		assertThat(this.steps.findByRun(id)).containsExactly(step);
		assertThat(this.runs.leaseExpiry(id, "lease")).contains(T0.plus(LEASE));
	}

	@Test
	void storeStepKeepsTheStepWhenTheLeaseWasLost() {
		String id = claimed("fn", storedEvent(), T0, "lease-1");
		takenOver(id, "lease-2");
		StepRecord step = completedStep(id, "charge", T0.plus(LEASE));
		assertThat(this.runs.storeStep(step, "lease-1")).isEmpty();
		assertThat(this.steps.findByRun(id)).containsExactly(step);
		String cancelled = claimed("fn", storedEvent(), T0, "lease");
		this.runs.cancel(cancelled, new RunView.Cancellation("api", "no"), T0.plusSeconds(1));
		assertThat(this.runs.storeStep(completedStep(cancelled, "charge", T0.plusSeconds(2)), "lease")).isEmpty();
		assertThat(this.steps.findByRun(cancelled)).hasSize(1);
	}

	@Test
	void storeStepOfAStepStoredAlreadyThrowsDuplicateKey() {
		String id = claimed("fn", storedEvent(), T0, "lease-1");
		takenOver(id, "lease-2");
		StepRecord taken = completedStep(id, "charge", T0.plus(LEASE));
		this.runs.storeStep(taken, "lease-2");
		StepRecord late = completedStep(id, "charge", T0.plusSeconds(1));
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> this.runs.storeStep(late, "lease-1"));
		assertThat(this.steps.findByRun(id)).containsExactly(taken);
	}

	@Test
	void completeEndsTheRunWithItsOutputAndKeepsItsLastStepReadableAsAStep() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		StepRecord first = completedStep(id, "first", T0.plusSeconds(1));
		this.runs.storeStep(first, "lease");
		StepRecord last = completedStep(id, "last", T0.plusSeconds(2));
		Instant end = T0.plusSeconds(3);
		assertThat(this.runs.complete(new Completion(id, "lease", "{\"ok\":true}", end, last))).isTrue();
		RunRecord run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("{\"ok\":true}");
		assertThat(run.endedAt()).isEqualTo(end);
		assertThat(run.dueAt()).isNull();
		assertThat(run.startedAt()).isEqualTo(T0);
		assertThat(this.runs.leaseExpiry(id, "lease")).isEmpty();
		assertThat(this.steps.findByRun(id)).containsExactly(first, last);
		// Ended: the lease is gone.
		assertThat(this.runs.complete(new Completion(id, "lease", "null", end, null))).isFalse();
		assertThat(this.runs.fail(id, "lease", new ErrorInfo("Error", "late", null), end)).isFalse();
	}

	@Test
	void completeWithoutALastStepEndsTheRun() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		assertThat(this.runs.complete(new Completion(id, "lease", null, T0.plusSeconds(1), null))).isTrue();
		RunRecord run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isNull();
		assertThat(this.steps.findByRun(id)).isEmpty();
	}

	@Test
	void completeUnderALostLeaseEndsNothingButKeepsTheLastStep() {
		String id = claimed("fn", storedEvent(), T0, "lease-1");
		takenOver(id, "lease-2");
		StepRecord last = completedStep(id, "last", T0.plusSeconds(2));
		assertThat(this.runs.complete(new Completion(id, "lease-1", "1", T0.plusSeconds(3), last))).isFalse();
		RunRecord run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.output()).isNull();
		assertThat(this.runs.leaseExpiry(id, "lease-2")).isPresent();
		assertThat(this.steps.findByRun(id)).containsExactly(last);
	}

	@Test
	void completeWithALastStepAnotherInstanceStoredThrowsDuplicateKeyAndEndsNothing() {
		String id = claimed("fn", storedEvent(), T0, "lease-1");
		takenOver(id, "lease-2");
		StepRecord theirs = completedStep(id, "last", T0.plus(LEASE));
		this.runs.storeStep(theirs, "lease-2");
		StepRecord ours = completedStep(id, "last", T0.plusSeconds(2));
		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.runs.complete(new Completion(id, "lease-1", "1", T0.plusSeconds(3), ours)));
		assertThat(this.runs.find(id).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		assertThat(this.steps.findByRun(id)).containsExactly(theirs);
	}

	@Test
	void completeUnderTheLeaseOfALastStepStoredAlreadyEndsNothing() {
		// Held under its lease, but the step is in a row of its own: the completion does
		// not end the run.
		String id = claimed("fn", storedEvent(), T0, "lease");
		StepRecord stored = completedStep(id, "last", T0.plusSeconds(1));
		this.steps.insert(stored);
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> this.runs
			.complete(new Completion(id, "lease", "1", T0.plusSeconds(3), completedStep(id, "last", T0))));
		assertThat(this.runs.find(id).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
	}

	@Test
	void completeAllSaysForEachCompletionInOrderWhetherItsLeaseWasHeld() {
		Event event = storedEvent();
		String first = claimed("fn", event, T0, "lease");
		String lost = claimed("fn", event, T0, "lease");
		takenOver(lost, "other");
		String third = claimed("fn", event, T0, "lease");
		StepRecord lostStep = completedStep(lost, "s", T0.plusSeconds(1));
		StepRecord thirdStep = completedStep(third, "s", T0.plusSeconds(1));
		List<Completion> completions = List.of(new Completion(first, "lease", "1", T0.plusSeconds(2), null),
				new Completion(lost, "lease", "2", T0.plusSeconds(2), lostStep),
				new Completion(third, "lease", "3", T0.plusSeconds(2), thirdStep));
		boolean[] held = this.stores.transactions().execute((status) -> this.runs.completeAll(completions));
		assertThat(held).containsExactly(true, false, true);
		assertThat(this.runs.find(first).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.runs.find(lost).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		assertThat(this.runs.find(third).orElseThrow().output()).isEqualTo("3");
		assertThat(this.steps.findByRun(lost)).containsExactly(lostStep);
		assertThat(this.steps.findByRun(third)).containsExactly(thirdStep);
	}

	@Test
	void completeAllInATransactionThatThrowsDuplicateKeyCommitsNone() {
		Event event = storedEvent();
		String first = claimed("fn", event, T0, "lease");
		String taken = claimed("fn", event, T0, "lease");
		takenOver(taken, "other");
		StepRecord theirs = completedStep(taken, "s", T0.plus(LEASE));
		this.runs.storeStep(theirs, "other");
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> this.stores.transactions()
			.execute((status) -> this.runs.completeAll(List.of(
					new Completion(first, "lease", "1", T0.plusSeconds(2),
							completedStep(first, "s", T0.plusSeconds(1))),
					new Completion(taken, "lease", "2", T0.plusSeconds(2), completedStep(taken, "s", T0))))));
		assertThat(this.runs.find(first).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		assertThat(this.runs.leaseExpiry(first, "lease")).isPresent();
		assertThat(this.steps.findByRun(first)).isEmpty();
		assertThat(this.steps.findByRun(taken)).containsExactly(theirs);
	}

	// Runs: other transitions

	@Test
	void failEndsARunHeldUnderTheLease() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		ErrorInfo error = new ErrorInfo("IllegalStateException", "boom", "at here");
		assertThat(this.runs.fail(id, "other", error, T0.plusSeconds(1))).isFalse();
		assertThat(this.runs.find(id).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		assertThat(this.runs.fail(id, "lease", error, T0.plusSeconds(1))).isTrue();
		RunRecord run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error()).isEqualTo(error);
		assertThat(run.endedAt()).isEqualTo(T0.plusSeconds(1));
		assertThat(run.dueAt()).isNull();
		assertThat(this.runs.leaseExpiry(id, "lease")).isEmpty();
		assertThat(this.runs.fail(id, "lease", error, T0.plusSeconds(2))).isFalse();
	}

	@Test
	void suspendReleasesTheLeaseUntilTheRunIsDueAgain() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		Instant wake = T0.plusSeconds(60);
		assertThat(this.runs.suspend(id, "other", RunStatus.SLEEPING, wake, 1)).isFalse();
		assertThat(this.runs.suspend(id, "lease", RunStatus.SLEEPING, wake, 2)).isTrue();
		RunRecord run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(run.dueAt()).isEqualTo(wake);
		assertThat(run.attempt()).isEqualTo(2);
		assertThat(run.startedAt()).isEqualTo(T0);
		assertThat(this.runs.leaseExpiry(id, "lease")).isEmpty();
		assertThat(this.runs.suspend(id, "lease", RunStatus.QUEUED, T0, 3)).isFalse();
		assertThat(this.runs.claim(List.of(id), "lease-2", wake.minusSeconds(1), wake.plus(LEASE))).isEmpty();
		assertThat(this.runs.claim(List.of(id), "lease-2", wake, wake.plus(LEASE))).singleElement()
			.satisfies((claimed) -> {
				assertThat(claimed.attempt()).isEqualTo(2);
				assertThat(claimed.startedAt()).isEqualTo(T0);
			});
	}

	@Test
	void wakeMakesOnlyAWaitingRunDueAtOnce() {
		Event event = storedEvent();
		String waiting = claimed("fn", event, T0, "lease");
		this.runs.suspend(waiting, "lease", RunStatus.WAITING, T0.plusSeconds(3600), 0);
		String sleeping = claimed("fn", event, T0, "lease");
		this.runs.suspend(sleeping, "lease", RunStatus.SLEEPING, T0.plusSeconds(3600), 0);
		String queued = queued("fn", event, T0.plusSeconds(5));
		String running = claimed("fn", event, T0, "lease");
		Instant now = T0.plusSeconds(10);
		assertThat(this.runs.wake(waiting, now)).isTrue();
		RunRecord woken = this.runs.find(waiting).orElseThrow();
		assertThat(woken.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(woken.dueAt()).isEqualTo(now);
		assertThat(this.runs.wake(waiting, now)).isFalse();
		assertThat(this.runs.wake(sleeping, now)).isFalse();
		assertThat(this.runs.wake(queued, now)).isFalse();
		assertThat(this.runs.wake(running, now)).isFalse();
		assertThat(this.runs.wake(this.ids.next(T0), now)).isFalse();
		assertThat(this.runs.find(queued).orElseThrow().dueAt()).isEqualTo(T0.plusSeconds(5));
		assertThat(this.runs.findDue(now, 10, List.of("fn"))).containsExactly(queued, waiting);
	}

	@Test
	void renewExtendsLeasesStillHeldAndNamesTheLostOnes() {
		Event event = storedEvent();
		String held = claimed("fn", event, T0, "a");
		String taken = claimed("fn", event, T0, "b");
		takenOver(taken, "b2");
		String cancelled = claimed("fn", event, T0, "c");
		this.runs.cancel(cancelled, new RunView.Cancellation("api", null), T0.plusSeconds(1));
		String suspended = claimed("fn", event, T0, "d");
		this.runs.suspend(suspended, "d", RunStatus.QUEUED, T0, 1);
		String unknown = this.ids.next(T0);
		Instant until = T0.plusSeconds(90);
		Map<String, String> leases = Map.of(held, "a", taken, "b", cancelled, "c", suspended, "d", unknown, "e");
		assertThat(this.runs.renew(leases, until)).containsExactlyInAnyOrder(taken, cancelled, suspended, unknown);
		assertThat(this.runs.leaseExpiry(held, "a")).contains(until);
		assertThat(this.runs.find(held).orElseThrow().dueAt()).isEqualTo(until);
		assertThat(this.runs.renew(Map.of(), until)).isEmpty();
	}

	@Test
	void giveBackQueuesRunsStillHeldAsNeverStartedDueSinceTheirCreation() {
		Event event = storedEvent();
		String held = leased("fn", event, T0, "a");
		String taken = leased("fn", event, T0, "b");
		takenOver(taken, "b2");
		String queuedMeanwhile = queued("fn", event, T0.plusMillis(500));
		Instant now = T0.plusSeconds(1);
		assertThat(this.runs.giveBack(Map.of(held, "a", taken, "b"), now)).containsExactly(held);
		RunRecord run = this.runs.find(held).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(run.dueAt()).isEqualTo(T0);
		assertThat(run.startedAt()).isNull();
		assertThat(this.runs.leaseExpiry(held, "a")).isEmpty();
		// Back in its place, before the run queued after it was created.
		assertThat(this.runs.findDue(now, 10, List.of("fn"))).containsExactly(held, queuedMeanwhile);
		assertThat(this.runs.find(taken).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		assertThat(this.runs.giveBack(Map.of(), now)).isEmpty();
	}

	@Test
	void cancelEndsAnyRunThatHasNotEndedWhetherOrNotAWorkerHoldsIt() {
		Event event = storedEvent();
		String queued = queued("fn", event, T0);
		String running = claimed("fn", event, T0, "lease");
		String sleeping = claimed("fn", event, T0, "lease");
		this.runs.suspend(sleeping, "lease", RunStatus.SLEEPING, T0.plusSeconds(60), 0);
		String waiting = claimed("fn", event, T0, "lease");
		this.runs.suspend(waiting, "lease", RunStatus.WAITING, T0.plusSeconds(60), 0);
		RunView.Cancellation cancellation = new RunView.Cancellation("api", "not needed");
		Instant now = T0.plusSeconds(5);
		for (String id : List.of(queued, running, sleeping, waiting)) {
			assertThat(this.runs.cancel(id, cancellation, now)).as(id).isTrue();
			RunRecord run = this.runs.find(id).orElseThrow();
			assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
			assertThat(run.cancellation()).isEqualTo(cancellation);
			assertThat(run.endedAt()).isEqualTo(now);
			assertThat(run.dueAt()).isNull();
			assertThat(run.error().name()).isEqualTo(FunctionCancelledEvent.ERROR.name());
			assertThat(run.error().message()).isEqualTo(FunctionCancelledEvent.ERROR.message());
			assertThat(this.runs.cancel(id, cancellation, now)).isFalse();
		}
		// The worker that held the run changes nothing any more.
		assertThat(this.runs.leaseExpiry(running, "lease")).isEmpty();
		assertThat(this.runs.complete(new Completion(running, "lease", "1", now, null))).isFalse();
		assertThat(this.runs.fail(running, "lease", new ErrorInfo("E", "m", null), now)).isFalse();
		assertThat(this.runs.suspend(running, "lease", RunStatus.QUEUED, now, 1)).isFalse();
		assertThat(this.runs.find(running).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(this.runs.findDue(T0.plusSeconds(3600), 10, List.of("fn"))).isEmpty();

		String completed = claimed("fn", event, T0, "lease");
		this.runs.complete(new Completion(completed, "lease", "1", now, null));
		assertThat(this.runs.cancel(completed, cancellation, now)).isFalse();
		assertThat(this.runs.find(completed).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.runs.cancel(this.ids.next(T0), cancellation, now)).isFalse();
	}

	private static final List<String> DECLARED = List.of("fn", "other");

	@Test
	void findRunningStartedBeforeFindsTheRunsExecutingSinceBeforeATimeEarliestFirst() {
		Event event = storedEvent();
		String running = claimed("fn", event, T0, "lease");
		String otherFunction = claimed("other", event, T0.plusMillis(1), "lease");
		// Held for a worker, started when it was created.
		String held = leased("fn", event, T0.plusMillis(2), "held");
		String startedLater = claimed("fn", event, T0.plusSeconds(10), "lease");
		String sleeping = claimed("fn", event, T0, "lease");
		this.runs.suspend(sleeping, "lease", RunStatus.SLEEPING, T0.plusSeconds(60), 0);
		String cancelled = claimed("fn", event, T0, "lease");
		this.runs.cancel(cancelled, new RunView.Cancellation("api", "not needed"), T0);
		String queued = queued("fn", event, T0);
		Instant startedBefore = T0.plusSeconds(5);

		assertThat(this.runs.findRunningStartedBefore(startedBefore, List.of("fn"), 10)).containsExactly(running, held);
		assertThat(this.runs.findRunningStartedBefore(startedBefore, List.of("fn", "other"), 10))
			.containsExactly(running, otherFunction, held);
		assertThat(this.runs.findRunningStartedBefore(startedBefore, List.of("fn", "other"), 1))
			.containsExactly(running);
		assertThat(this.runs.findRunningStartedBefore(T0.plusSeconds(11), List.of("fn"), 10))
			.containsExactly(running, held, startedLater)
			.doesNotContain(sleeping, cancelled, queued);
		assertThat(this.runs.findRunningStartedBefore(startedBefore, List.of(), 10)).isEmpty();
	}

	@Test
	void findUnstartedFindsTheQueuedRunsNeverStartedCreatedBeforeATimeLongestDueFirst() {
		Event event = storedEvent();
		String older = queued("fn", event, T0);
		String old = queued("fn", event, T0.plusSeconds(1));
		String otherFunction = queued("other", event, T0.plusMillis(500));
		String started = claimed("fn", event, T0, "lease");
		String retried = claimed("fn", event, T0, "lease");
		this.runs.suspend(retried, "lease", RunStatus.QUEUED, T0.plusSeconds(2), 1);
		String givenBack = leased("fn", event, T0.plusMillis(200), "held");
		this.runs.giveBack(Map.of(givenBack, "held"), T0.plusSeconds(3));
		String cancelled = queued("fn", event, T0);
		this.runs.cancel(cancelled, new RunView.Cancellation("api", "not needed"), T0);
		String recent = queued("fn", event, T0.plusSeconds(10));
		Instant createdBefore = T0.plusSeconds(5);

		assertThat(this.runs.findUnstarted(createdBefore, DECLARED, 1000, List.of("fn"), 10)).containsExactly(older,
				givenBack, old);
		assertThat(this.runs.findUnstarted(createdBefore, DECLARED, 1000, List.of("fn"), 1)).containsExactly(older);
		assertThat(this.runs.findUnstarted(createdBefore, DECLARED, 1000, List.of("fn", "other"), 10))
			.containsExactly(older, givenBack, otherFunction, old);
		// A run given back counts from its creation, not from the give-back.
		assertThat(this.runs.findUnstarted(T0.plusSeconds(1), DECLARED, 1000, List.of("fn"), 10)).containsExactly(older,
				givenBack);
		assertThat(this.runs.findUnstarted(createdBefore, DECLARED, 1000, List.of(), 10)).isEmpty();
		// Runs of a function no instance declares do not count, however long due.
		queued("gone", event, T0.minusSeconds(60));
		assertThat(this.runs.findUnstarted(createdBefore, DECLARED, 1, List.of("fn"), 10)).containsExactly(older);
		assertThat(this.runs.findUnstarted(createdBefore, List.of("fn", "other", "gone"), 1, List.of("fn"), 10))
			.isEmpty();
		// Among the three runs due the longest only: older, givenBack, otherFunction.
		assertThat(this.runs.findUnstarted(createdBefore, DECLARED, 3, List.of("fn"), 10)).containsExactly(older,
				givenBack);
		assertThat(this.runs.findUnstarted(createdBefore, DECLARED, 4, List.of("fn"), 10)).containsExactly(older,
				givenBack, old);
		assertThat(this.runs.findUnstarted(T0.plusSeconds(60), DECLARED, 1000, List.of("fn"), 10)).contains(recent)
			.doesNotContain(started, retried, cancelled);
	}

	@Test
	void cancelUnstartedEndsOnlyAQueuedRunThatNeverStarted() {
		Event event = storedEvent();
		String queued = queued("fn", event, T0);
		String running = claimed("fn", event, T0, "lease");
		String retried = claimed("fn", event, T0, "lease");
		this.runs.suspend(retried, "lease", RunStatus.QUEUED, T0.plusSeconds(1), 1);
		String sleeping = claimed("fn", event, T0, "lease");
		this.runs.suspend(sleeping, "lease", RunStatus.SLEEPING, T0.plusSeconds(60), 0);
		RunView.Cancellation cancellation = new RunView.Cancellation("timeout", "not started in time");
		Instant now = T0.plusSeconds(5);

		assertThat(this.runs.cancelUnstarted(queued, cancellation, now)).isTrue();
		RunRecord run = this.runs.find(queued).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(run.cancellation()).isEqualTo(cancellation);
		assertThat(run.endedAt()).isEqualTo(now);
		assertThat(run.dueAt()).isNull();
		assertThat(run.error().message()).isEqualTo(FunctionCancelledEvent.ERROR.message());
		// Once only, as another instance's cancellation of the same run finds it ended.
		assertThat(this.runs.cancelUnstarted(queued, cancellation, now)).isFalse();
		for (String started : List.of(running, retried, sleeping)) {
			RunStatus before = this.runs.find(started).orElseThrow().status();
			assertThat(this.runs.cancelUnstarted(started, cancellation, now)).as(started).isFalse();
			assertThat(this.runs.find(started).orElseThrow().status()).isEqualTo(before);
		}
		assertThat(this.runs.leaseExpiry(running, "lease")).isPresent();
		assertThat(this.runs.cancelUnstarted(this.ids.next(T0), cancellation, now)).isFalse();
	}

	// Runs: lists and counts

	@Test
	void listPagesRunsNewestFirstWithOneMoreThanTheLimitWhenThereIsANextPage() {
		Event event = storedEvent();
		List<String> created = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			created.add(queued("fn", event, T0.plusSeconds(i)));
		}
		List<String> newestFirst = new ArrayList<>(created);
		Collections.reverse(newestFirst);
		List<RunRecord> first = this.runs.list(new RunQuery(null, null, null, null, 2, null));
		assertThat(first).extracting(RunRecord::id).containsExactlyElementsOf(newestFirst.subList(0, 3));
		List<RunRecord> second = this.runs.list(new RunQuery(null, null, null, null, 2, first.get(1).id()));
		assertThat(second).extracting(RunRecord::id).containsExactlyElementsOf(newestFirst.subList(2, 5));
		List<RunRecord> last = this.runs.list(new RunQuery(null, null, null, null, 2, second.get(1).id()));
		assertThat(last).extracting(RunRecord::id).containsExactly(newestFirst.get(4));
		assertThat(last.get(0).event().id()).isEqualTo(event.id());
	}

	@Test
	void listFiltersByFunctionStateAndCreationTime() {
		Event event = storedEvent();
		String a0 = queued("a", event, T0);
		String b1 = queued("b", event, T0.plusSeconds(1));
		String a2 = claimed("a", event, T0.plusSeconds(2), "lease");
		String a3 = queued("a", event, T0.plusSeconds(3));
		assertThat(ids(new RunQuery("a", null, null, null, 10, null))).containsExactly(a3, a2, a0);
		assertThat(ids(new RunQuery(null, RunStatus.QUEUED, null, null, 10, null))).containsExactly(a3, b1, a0);
		assertThat(ids(new RunQuery("a", RunStatus.RUNNING, null, null, 10, null))).containsExactly(a2);
		// At or after the start, before the end.
		assertThat(ids(new RunQuery(null, null, T0.plusSeconds(1), T0.plusSeconds(3), 10, null))).containsExactly(a2,
				b1);
		assertThat(ids(new RunQuery("a", null, T0.plusSeconds(1), null, 10, a3))).containsExactly(a2);
		assertThat(ids(new RunQuery("c", null, null, null, 10, null))).isEmpty();
	}

	@Test
	void findUnendedGivesAFunctionsRunsCreatedInARangeByIdAfterAGivenOne() {
		Event event = storedEvent();
		String before = queued("fn", event, T0.minusSeconds(1));
		String r0 = queued("fn", event, T0);
		String ended = claimed("fn", event, T0.plusSeconds(1), "lease");
		this.runs.fail(ended, "lease", new ErrorInfo("E", "m", null), T0.plusSeconds(1));
		String r2 = claimed("fn", event, T0.plusSeconds(2), "lease");
		String other = queued("other", event, T0.plusSeconds(2));
		String r3 = claimed("fn", event, T0.plusSeconds(3), "lease");
		this.runs.suspend(r3, "lease", RunStatus.WAITING, T0.plusSeconds(100), 0);
		String atEnd = queued("fn", event, T0.plusSeconds(4));
		Instant end = T0.plusSeconds(4);
		assertThat(unended("fn", T0, end, null, 10)).containsExactly(r0, r2, r3);
		assertThat(unended("fn", T0, end, null, 2)).containsExactly(r0, r2);
		assertThat(unended("fn", T0, end, r2, 10)).containsExactly(r3);
		assertThat(unended("fn", T0, end, r3, 10)).isEmpty();
		assertThat(unended("other", T0, end, null, 10)).containsExactly(other);
		assertThat(unended("fn", T0.minusSeconds(1), end.plusSeconds(1), null, 10)).containsExactly(before, r0, r2, r3,
				atEnd);
	}

	@Test
	void countsRunsByFunctionAndState() {
		Event event = storedEvent();
		queued("a", event, T0);
		queued("a", event, T0);
		claimed("a", event, T0, "lease");
		String failed = claimed("b", event, T0, "lease");
		this.runs.fail(failed, "lease", new ErrorInfo("E", "m", null), T0);
		String sleeping = claimed("b", event, T0, "lease");
		this.runs.suspend(sleeping, "lease", RunStatus.SLEEPING, T0.plusSeconds(10), 0);
		Map<RunStatus, Long> a = new EnumMap<>(RunStatus.class);
		a.put(RunStatus.QUEUED, 2L);
		a.put(RunStatus.RUNNING, 1L);
		Map<RunStatus, Long> b = new EnumMap<>(RunStatus.class);
		b.put(RunStatus.FAILED, 1L);
		b.put(RunStatus.SLEEPING, 1L);
		assertThat(this.runs.countByFunction()).isEqualTo(Map.of("a", a, "b", b));
		assertThat(this.runs.countUnendedByFunction()).isEqualTo(Map.of("a", 3L, "b", 1L));
	}

	@Test
	void countsOfAnEmptyStoreAreEmpty() {
		assertThat(this.runs.countByFunction()).isEmpty();
		assertThat(this.runs.countUnendedByFunction()).isEmpty();
		assertThat(this.runs.backlog(T0)).isEqualTo(new Backlog(0, null, 0));
	}

	@Test
	void backlogCountsDueRunsNoWorkerHoldsAndExpiredLeases() {
		Event event = storedEvent();
		queued("fn", event, T0.plusSeconds(2));
		queued("other", event, T0.plusSeconds(1));
		queued("fn", event, T0.plusSeconds(100));
		String waiting = claimed("fn", event, T0, "lease");
		this.runs.suspend(waiting, "lease", RunStatus.WAITING, T0.plusSeconds(3600), 0);
		this.runs.wake(waiting, T0.plusSeconds(3));
		claimed("fn", event, T0, "held");
		claimed("fn", event, T0.minus(LEASE), "expired");
		String ended = claimed("fn", event, T0, "lease");
		this.runs.complete(new Completion(ended, "lease", null, T0, null));
		assertThat(this.runs.backlog(T0.plusSeconds(10))).isEqualTo(new Backlog(3, T0.plusSeconds(1), 1));
	}

	// Steps and attempts

	@Test
	void stepsAreReadInTheOrderTheyStartedAndKeyedByRunAndKey() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		StepRecord second = new StepRecord(id, "wait", "wait", StepKind.WAIT, StepStatus.WAITING, 0, null, null,
				T0.plusSeconds(60), T0.plusSeconds(2), null);
		StepRecord first = completedStep(id, "one", T0.plusSeconds(1));
		this.steps.insert(second);
		this.steps.insert(first);
		assertThat(this.steps.findByRun(id)).containsExactly(first, second);
		assertThat(this.steps.findByRun(this.ids.next(T0))).isEmpty();
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> this.steps.insert(first));
		// The same key in another run is another step.
		String other = claimed("fn", storedEvent(), T0, "lease");
		this.steps.insert(completedStep(other, "one", T0.plusSeconds(1)));
		assertThat(this.steps.findByRun(other)).hasSize(1);
	}

	@Test
	void updateChangesOnlyAStepThatHasNotCompleted() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		ErrorInfo error = new ErrorInfo("E", "m", "s");
		StepRecord retrying = new StepRecord(id, "charge", "charge", StepKind.RUN, StepStatus.RETRYING, 1, null, error,
				T0.plusSeconds(10), T0, null);
		this.steps.insert(retrying);
		// No wake time given: the stored one is kept.
		StepRecord completed = new StepRecord(id, "charge", "charge", StepKind.RUN, StepStatus.COMPLETED, 2, "42", null,
				null, T0, T0.plusSeconds(11));
		assertThat(this.steps.update(completed.resolution())).isTrue();
		assertThat(this.steps.findByRun(id)).singleElement().satisfies((step) -> {
			assertThat(step.status()).isEqualTo(StepStatus.COMPLETED);
			assertThat(step.attempts()).isEqualTo(2);
			assertThat(step.output()).isEqualTo("42");
			assertThat(step.error()).isNull();
			assertThat(step.wakeAt()).isEqualTo(T0.plusSeconds(10));
			assertThat(step.endedAt()).isEqualTo(T0.plusSeconds(11));
		});
		assertThat(this.steps.update(new StepRecord(id, "charge", "charge", StepKind.RUN, StepStatus.FAILED, 3, null,
				error, null, T0, T0.plusSeconds(12))
			.resolution())).isFalse();
		assertThat(this.steps.findByRun(id).get(0).status()).isEqualTo(StepStatus.COMPLETED);
		assertThat(this.steps.update(completedStep(id, "unknown", T0).resolution())).isFalse();
	}

	@Test
	void aWaitResumedByItsEventKeepsItsIdKindStartAndTimeOut() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		this.steps.insert(new StepRecord(id, "approval:1", "approval", StepKind.WAIT, StepStatus.WAITING, 0, null, null,
				T0.plusSeconds(60), T0.plusSeconds(1), null));
		String event = "{\"name\":\"test/approved\"}";
		assertThat(this.steps.update(StepResolution.eventReceived(id, "approval:1", event, T0.plusSeconds(5))))
			.isTrue();
		assertThat(this.steps.findByRun(id)).singleElement()
			.isEqualTo(new StepRecord(id, "approval:1", "approval", StepKind.WAIT, StepStatus.COMPLETED, 1, event, null,
					T0.plusSeconds(60), T0.plusSeconds(1), T0.plusSeconds(5)));
	}

	@Test
	void anInvokeStepKeepsItsKindAndEndsWithTheInvokedRunsOutputOrError() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		StepRecord completing = new StepRecord(id, "a1b2", "charge", StepKind.INVOKE, StepStatus.WAITING, 1, null, null,
				T0.plusSeconds(60), T0.plusSeconds(1), null);
		StepRecord failing = new StepRecord(id, "c3d4", "refund", StepKind.INVOKE, StepStatus.WAITING, 1, null, null,
				T0.plusSeconds(60), T0.plusSeconds(2), null);
		this.steps.insert(completing);
		this.steps.insert(failing);
		assertThat(this.steps.findByRun(id)).containsExactly(completing, failing);
		assertThat(this.steps.update(new StepResolution(id, "a1b2", StepStatus.COMPLETED, 1, "{\"paid\":true}", null,
				null, T0.plusSeconds(5))))
			.isTrue();
		ErrorInfo error = new ErrorInfo("InngestInvokeTimeoutError",
				"Timed out waiting for invoked function to complete", null);
		assertThat(this.steps
			.update(new StepResolution(id, "c3d4", StepStatus.FAILED, 1, null, error, null, T0.plusSeconds(60))))
			.isTrue();
		assertThat(this.steps.findByRun(id)).containsExactly(
				new StepRecord(id, "a1b2", "charge", StepKind.INVOKE, StepStatus.COMPLETED, 1, "{\"paid\":true}", null,
						T0.plusSeconds(60), T0.plusSeconds(1), T0.plusSeconds(5)),
				new StepRecord(id, "c3d4", "refund", StepKind.INVOKE, StepStatus.FAILED, 1, null, error,
						T0.plusSeconds(60), T0.plusSeconds(2), T0.plusSeconds(60)));
	}

	@Test
	void cancelPendingEndsTheStepsWaitingToResumeOnly() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		this.steps.insert(completedStep(id, "done", T0));
		this.steps.insert(new StepRecord(id, "nap", "nap", StepKind.SLEEP, StepStatus.SLEEPING, 0, null, null,
				T0.plusSeconds(60), T0.plusSeconds(1), null));
		this.steps.insert(new StepRecord(id, "wait", "wait", StepKind.WAIT, StepStatus.WAITING, 0, null, null,
				T0.plusSeconds(60), T0.plusSeconds(2), null));
		this.steps.insert(new StepRecord(id, "retry", "retry", StepKind.RUN, StepStatus.RETRYING, 1, null,
				new ErrorInfo("E", "m", null), T0.plusSeconds(60), T0.plusSeconds(3), null));
		this.steps.insert(new StepRecord(id, "failed", "failed", StepKind.RUN, StepStatus.FAILED, 3, null,
				new ErrorInfo("E", "m", null), null, T0.plusSeconds(4), T0.plusSeconds(4)));
		String other = claimed("fn", storedEvent(), T0, "lease");
		this.steps.insert(new StepRecord(other, "nap", "nap", StepKind.SLEEP, StepStatus.SLEEPING, 0, null, null,
				T0.plusSeconds(60), T0.plusSeconds(1), null));
		Instant now = T0.plusSeconds(5);
		assertThat(this.steps.cancelPending(id, now)).isEqualTo(3);
		Map<String, StepStatus> statuses = new LinkedHashMap<>();
		this.steps.findByRun(id).forEach((step) -> statuses.put(step.key(), step.status()));
		assertThat(statuses).containsExactly(Map.entry("done", StepStatus.COMPLETED),
				Map.entry("nap", StepStatus.CANCELLED), Map.entry("wait", StepStatus.CANCELLED),
				Map.entry("retry", StepStatus.CANCELLED), Map.entry("failed", StepStatus.FAILED));
		assertThat(this.steps.findByRun(id)).filteredOn((step) -> step.status() == StepStatus.CANCELLED)
			.allSatisfy((step) -> assertThat(step.endedAt()).isEqualTo(now));
		assertThat(this.steps.findByRun(other).get(0).status()).isEqualTo(StepStatus.SLEEPING);
		assertThat(this.steps.cancelPending(id, now)).isZero();
	}

	@Test
	void failedAttemptsAreReadOldestFirstWithTheBodysWithoutAStepKey() {
		String id = claimed("fn", storedEvent(), T0, "lease");
		ErrorInfo error = new ErrorInfo("E", "m", "stack");
		AttemptRecord body = new AttemptRecord(id, null, 0, error, T0.plusSeconds(2));
		AttemptRecord step0 = new AttemptRecord(id, "charge", 0, error, T0.plusSeconds(1));
		AttemptRecord step1 = new AttemptRecord(id, "charge", 1, new ErrorInfo("F", "n", null), T0.plusSeconds(3));
		this.steps.recordAttempt(body);
		this.steps.recordAttempt(step1);
		this.steps.recordAttempt(step0);
		assertThat(this.steps.attempts(id)).containsExactly(step0, body, step1);
		assertThat(this.steps.attempts(this.ids.next(T0))).isEmpty();
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> this.steps.recordAttempt(step0));
	}

	// Waits

	@Test
	void waitsAreFoundByEventNameAndMatchedValueUntilTheyExpire() {
		String run = claimed("fn", storedEvent(), T0, "lease");
		String other = claimed("fn", storedEvent(), T0, "lease");
		WaitRecord byOrder = new WaitRecord(run, "paid", WaitRecord.Kind.WAIT, "order/paid", "data.order", "42", null,
				T0.plusSeconds(60));
		WaitRecord byCondition = new WaitRecord(run, "cancel", WaitRecord.Kind.CANCEL, "order/paid", null, null,
				"event.data.amount > 10", T0.plusSeconds(60));
		WaitRecord otherOrder = new WaitRecord(other, "paid", WaitRecord.Kind.WAIT, "order/paid", "data.order", "43",
				null, T0.plusSeconds(10));
		WaitRecord byUser = new WaitRecord(other, "login", WaitRecord.Kind.WAIT, "user/login", "user.id", "\"u\"", null,
				T0.plusSeconds(60));
		this.waits.insert(List.of(byOrder, byCondition, otherOrder, byUser));

		assertThat(this.waits.waitedFor(List.of("order/paid", "user/login", "nobody/waits"))).isEqualTo(
				Map.of("order/paid", Set.of("data.order", WaitStore.UNMATCHED), "user/login", Set.of("user.id")));
		assertThat(this.waits.waitedFor(List.of())).isEmpty();
		assertThat(this.waits.findByMatch("order/paid", "data.order", "42", T0)).containsExactly(byOrder);
		assertThat(this.waits.findByMatch("order/paid", "data.order", "44", T0)).isEmpty();
		assertThat(this.waits.findByMatch("user/login", "data.order", "42", T0)).isEmpty();
		assertThat(this.waits.findUnmatched("order/paid", T0)).containsExactly(byCondition);
		assertThat(this.waits.findUnmatched("user/login", T0)).isEmpty();
		// Expired at its time: not found, though still stored until removed.
		assertThat(this.waits.findByMatch("order/paid", "data.order", "43", T0.plusSeconds(9)))
			.containsExactly(otherOrder);
		assertThat(this.waits.findByMatch("order/paid", "data.order", "43", T0.plusSeconds(10))).isEmpty();
		assertThat(this.waits.waitedFor(List.of("order/paid")).get("order/paid")).contains("data.order");
	}

	@Test
	void anInvokeWaitIsFoundByTheCorrelationOfTheFinishedEventAndKeepsItsKind() {
		String run = claimed("fn", storedEvent(), T0, "lease");
		WaitRecord invoke = new WaitRecord(run, "a1b2", WaitRecord.Kind.INVOKE, "inngest/function.finished",
				"data.correlation_id", "\"" + run + ".a1b2\"", null, T0.plusSeconds(60));
		WaitRecord plain = new WaitRecord(run, "done", WaitRecord.Kind.WAIT, "inngest/function.finished", null, null,
				null, T0.plusSeconds(60));
		this.waits.insert(List.of(invoke, plain));
		assertThat(this.waits.waitedFor(List.of("inngest/function.finished")))
			.isEqualTo(Map.of("inngest/function.finished", Set.of("data.correlation_id", WaitStore.UNMATCHED)));
		assertThat(
				this.waits.findByMatch("inngest/function.finished", "data.correlation_id", "\"" + run + ".a1b2\"", T0))
			.containsExactly(invoke);
		assertThat(
				this.waits.findByMatch("inngest/function.finished", "data.correlation_id", "\"" + run + ".e5f6\"", T0))
			.isEmpty();
		assertThat(this.waits.delete(run, "a1b2")).isTrue();
		assertThat(
				this.waits.findByMatch("inngest/function.finished", "data.correlation_id", "\"" + run + ".a1b2\"", T0))
			.isEmpty();
	}

	@Test
	void aWaitIsRemovedOnceAndARunsWaitsWithIt() {
		String run = claimed("fn", storedEvent(), T0, "lease");
		String other = claimed("fn", storedEvent(), T0, "lease");
		WaitRecord first = new WaitRecord(run, "a", WaitRecord.Kind.WAIT, "e", null, null, null, T0.plusSeconds(60));
		WaitRecord second = new WaitRecord(run, "b", WaitRecord.Kind.CANCEL, "e", null, null, null, T0.plusSeconds(60));
		WaitRecord others = new WaitRecord(other, "a", WaitRecord.Kind.WAIT, "e", null, null, null, T0.plusSeconds(60));
		this.waits.insert(List.of(first, second, others));
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> this.waits.insert(List.of(first)));
		assertThat(this.waits.delete(run, "a")).isTrue();
		assertThat(this.waits.delete(run, "a")).isFalse();
		assertThat(this.waits.findUnmatched("e", T0)).containsExactlyInAnyOrder(second, others);
		this.waits.deleteByRun(run);
		assertThat(this.waits.findUnmatched("e", T0)).containsExactly(others);
		assertThat(this.waits.delete(run, "b")).isFalse();
		this.waits.insert(List.of());
	}

	@Test
	void aRunsWaitingStepsAreItsUnresolvedWaitsAndInvokesNotItsCancelRules() {
		String run = claimed("fn", storedEvent(), T0, "lease");
		String other = claimed("fn", storedEvent(), T0, "lease");
		this.waits
			.insert(List.of(new WaitRecord(run, "wa", WaitRecord.Kind.WAIT, "e", null, null, null, T0.plusSeconds(60)),
					new WaitRecord(run, "wb", WaitRecord.Kind.WAIT, "e", "data.k", "1", null, T0.plusSeconds(1)),
					new WaitRecord(run, "call", WaitRecord.Kind.INVOKE, "inngest/function.finished", null, null, null,
							T0.plusSeconds(60)),
					new WaitRecord(run, "cancel-0", WaitRecord.Kind.CANCEL, "e", null, null, null, T0.plusSeconds(60)),
					new WaitRecord(other, "wc", WaitRecord.Kind.WAIT, "e", null, null, null, T0.plusSeconds(60))));
		// Expired ones too: a wait times out only once its run's execution removes it.
		assertThat(this.waits.waitingSteps(run)).containsExactlyInAnyOrder("wa", "wb", "call");
		assertThat(this.waits.delete(run, "wa")).isTrue();
		assertThat(this.waits.waitingSteps(run)).containsExactlyInAnyOrder("wb", "call");
		assertThat(this.waits.waitingSteps(other)).containsExactly("wc");
		this.waits.deleteByRun(run);
		assertThat(this.waits.waitingSteps(run)).isEmpty();
		assertThat(this.waits.waitingSteps("no-such-run")).isEmpty();
	}

	// Events

	@Test
	void eventsAreStoredOnceAndReadBackAsWritten() {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("order", 42);
		data.put("items", List.of(Map.of("sku", "a", "qty", 2)));
		Event event = new Event("order/created", data, Map.of("id", "u-1"), this.ids.next(T0), T0.toEpochMilli(),
				"2026-01");
		Event bare = new Event("ping", null, null, this.ids.next(T0), T0.toEpochMilli(), null);
		this.events.insert(List.of(event, bare), T0);
		assertThat(this.events.find(event.id())).contains(event);
		assertThat(this.events.find(bare.id())).hasValueSatisfying((read) -> {
			assertThat(read.data()).isEmpty();
			assertThat(read.user()).isEmpty();
			assertThat(read.v()).isNull();
		});
		assertThat(this.events.find("no-such-event")).isEmpty();
		assertThat(this.events.receivedAt(event.id())).contains(T0);
		assertThat(this.events.receivedAt("no-such-event")).isEmpty();
		assertThat(this.events.lastReceived(List.of(event.id(), "no-such-event", bare.id())))
			.isEqualTo(Map.of(event.id(), T0, bare.id(), T0));
		assertThat(this.events.lastReceived(List.of())).isEmpty();
		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.events.insert(List.of(event), T0.plusSeconds(1)));
		this.events.insert(List.of(), T0);
	}

	@Test
	void eventsOfANameAreReadInTheOrderReceivedWithTheIdsTheyWereSentWith() {
		Event later = new Event("order/created", Map.of("n", 2), null, "a-later", T0.toEpochMilli(), null);
		Event first = new Event("order/created", Map.of("n", 1), null, "z-first", T0.toEpochMilli(), null);
		Event other = new Event("order/paid", Map.of("n", 3), null, this.ids.next(T0), T0.toEpochMilli(), null);
		Event sameInstant = new Event("order/created", Map.of("n", 4), null, "b-same", T0.toEpochMilli(), null);
		this.events.insert(List.of(first), T0);
		this.events.insert(List.of(later, other, sameInstant), T0.plusSeconds(1));
		Event again = new Event("order/created", Map.of("n", 5), null, first.id(), A_DAY_LATER.toEpochMilli(), null);
		this.events.insertAgain(again, this.ids.next(A_DAY_LATER), A_DAY_LATER,
				A_DAY_LATER.minus(Duration.ofHours(24)));

		assertThat(this.events.findByName("order/created", 10)).containsExactly(first, later, sameInstant, again);
		assertThat(this.events.findByName("order/created", 2)).containsExactly(first, later);
		assertThat(this.events.findByName("order/paid", 10)).containsExactly(other);
		assertThat(this.events.findByName("order/shipped", 10)).isEmpty();
	}

	// Events stored with their runs at once, by the stores that can

	@Test
	void eventsAreStoredAtOnceWithTheirRunsAndTheRunsCancelRules() {
		assumeTrue(this.events.insertsAtOnce(), "this store stores events in transactions only");
		Event event = new Event("order/created", Map.of("order", 42), Map.of("id", "u-1"), this.ids.next(T0),
				T0.toEpochMilli(), "2026-01");
		Event bare = new Event("ping", null, null, "chosen-by-sender", T0.toEpochMilli(), null);
		NewRun queued = new NewRun(this.ids.next(T0), "fn", event.id(), T0);
		NewRun leased = new NewRun(this.ids.next(T0), "other", bare.id(), T0, "lease-1", T0.plus(LEASE));
		WaitRecord rule = new WaitRecord(queued.id(), "cancel-on:0", WaitRecord.Kind.CANCEL, "order/cancelled",
				"data.order", "42", "event.data.reason != 'test'", T0.plusSeconds(600));

		assertThat(this.events.insertUnlessAwaited(
				new NewEvents(List.of(event, bare), List.of(bare.id()), List.of(queued, leased), List.of(rule), T0)))
			.isTrue();

		assertStoredAtOnce(event, queued, bare, leased);
		assertThat(this.waits.findByMatch("order/cancelled", "data.order", "42", T0)).containsExactly(rule);
	}

	@Test
	void oneEventIsStoredAtOnceWithTheOneRunItStarts() {
		assumeTrue(this.events.insertsAtOnce(), "this store stores events in transactions only");
		Event event = new Event("order/created", Map.of("order", 42), Map.of("id", "u-1"), this.ids.next(T0),
				T0.toEpochMilli(), "2026-01");
		NewRun queued = new NewRun(this.ids.next(T0), "fn", event.id(), T0);
		Event bare = new Event("ping", null, null, this.ids.next(T0), T0.toEpochMilli(), null);
		NewRun leased = new NewRun(this.ids.next(T0), "other", bare.id(), T0, "lease-1", T0.plus(LEASE));

		assertThat(this.events
			.insertUnlessAwaited(new NewEvents(List.of(event), List.of(), List.of(queued), List.of(), T0))).isTrue();
		assertThat(this.events
			.insertUnlessAwaited(new NewEvents(List.of(bare), List.of(), List.of(leased), List.of(), T0))).isTrue();

		assertStoredAtOnce(event, queued, bare, leased);
	}

	/**
	 * The events stored at once, {@code bare} with nothing but its name, with their runs:
	 * {@code queued} of function {@code fn}, {@code leased} of function {@code other}.
	 */
	private void assertStoredAtOnce(Event event, NewRun queued, Event bare, NewRun leased) {
		assertThat(this.events.find(event.id())).contains(event);
		assertThat(this.events.find(bare.id())).hasValueSatisfying((read) -> {
			assertThat(read.data()).isEmpty();
			assertThat(read.user()).isEmpty();
			assertThat(read.v()).isNull();
		});
		RunRecord queuedRun = this.runs.find(queued.id()).orElseThrow();
		assertThat(queuedRun.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(queuedRun.functionId()).isEqualTo("fn");
		assertThat(queuedRun.attempt()).isZero();
		assertThat(queuedRun.createdAt()).isEqualTo(T0);
		assertThat(queuedRun.dueAt()).isEqualTo(T0);
		assertThat(queuedRun.startedAt()).isNull();
		assertThat(queuedRun.event()).isEqualTo(event);
		assertThat(this.runs.findDue(T0, 10, List.of("fn", "other"))).containsExactly(queued.id());
		RunRecord leasedRun = this.runs.find(leased.id()).orElseThrow();
		assertThat(leasedRun.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(leasedRun.functionId()).isEqualTo("other");
		assertThat(leasedRun.startedAt()).isEqualTo(T0);
		assertThat(leasedRun.dueAt()).isEqualTo(T0.plus(LEASE));
		assertThat(leasedRun.event().id()).isEqualTo(bare.id());
	}

	@Test
	void oneEventIsNotStoredAtOnceWhenARunWaitsForItsName() {
		assumeTrue(this.events.insertsAtOnce(), "this store stores events in transactions only");
		String waiting = claimed("fn", storedEvent(), T0, "lease");
		this.waits.insert(List.of(new WaitRecord(waiting, "paid", WaitRecord.Kind.WAIT, "order/paid", "data.order", "7",
				null, T0.plusSeconds(60))));
		Event paid = event("order/paid");
		NewRun run = new NewRun(this.ids.next(T0), "fn", paid.id(), T0);

		assertThat(
				this.events.insertUnlessAwaited(new NewEvents(List.of(paid), List.of(), List.of(run), List.of(), T0)))
			.isFalse();

		assertThat(this.events.find(paid.id())).isEmpty();
		assertThat(this.runs.find(run.id())).isEmpty();
	}

	@Test
	void eventsAreNotStoredAtOnceWhenARunWaitsForOneOfTheirNames() {
		assumeTrue(this.events.insertsAtOnce(), "this store stores events in transactions only");
		String waiting = claimed("fn", storedEvent(), T0, "lease");
		this.waits.insert(List.of(new WaitRecord(waiting, "paid", WaitRecord.Kind.WAIT, "order/paid", "data.order", "7",
				null, T0.plusSeconds(60))));
		Event other = event("order/created");
		Event paid = event("order/paid");
		NewRun run = new NewRun(this.ids.next(T0), "fn", paid.id(), T0);
		WaitRecord rule = new WaitRecord(run.id(), "cancel-on:0", WaitRecord.Kind.CANCEL, "order/cancelled", null, null,
				null, T0.plusSeconds(60));

		assertThat(this.events
			.insertUnlessAwaited(new NewEvents(List.of(other, paid), List.of(), List.of(run), List.of(rule), T0)))
			.isFalse();

		assertThat(this.events.find(other.id())).isEmpty();
		assertThat(this.events.find(paid.id())).isEmpty();
		assertThat(this.runs.find(run.id())).isEmpty();
		assertThat(this.waits.waitedFor(List.of("order/cancelled"))).isEmpty();
	}

	@Test
	void eventsAreNotStoredAtOnceWhenOneOfTheIdsTheirSenderChoseIsStoredAlready() {
		assumeTrue(this.events.insertsAtOnce(), "this store stores events in transactions only");
		Event sentBefore = storedEvent();
		Event fresh = event("order/created");
		NewRun run = new NewRun(this.ids.next(T0), "fn", fresh.id(), T0);

		assertThat(this.events.insertUnlessAwaited(
				new NewEvents(List.of(fresh, sentBefore), List.of(sentBefore.id()), List.of(run), List.of(), T0)))
			.isFalse();

		assertThat(this.events.find(fresh.id())).isEmpty();
		assertThat(this.runs.find(run.id())).isEmpty();
	}

	@Test
	void anEventStoredAgainIsTheLatestOfItsIdAndItsRunsReadItWithItsId() {
		Event first = storedEvent();
		Event again = new Event(first.name(), Map.of("key", "again"), null, first.id(), T0.toEpochMilli(), null);
		String key = this.ids.next(A_DAY_LATER);
		this.events.insertAgain(again, key, A_DAY_LATER, A_DAY_LATER.minus(Duration.ofHours(24)));
		String run = this.ids.next(A_DAY_LATER);
		this.runs.create(List.of(new NewRun(run, "fn", key, A_DAY_LATER)));

		assertThat(this.events.find(first.id())).contains(again);
		assertThat(this.events.receivedAt(first.id())).contains(A_DAY_LATER);
		assertThat(this.events.lastReceived(List.of(first.id()))).isEqualTo(Map.of(first.id(), A_DAY_LATER));
		assertThat(this.runs.find(run).orElseThrow().event()).isEqualTo(again);
		assertThat(this.runs.eventKey(run)).contains(key);
		assertThat(this.runs.eventKey("no-such-run")).isEmpty();
	}

	@Test
	void anEventStoredAgainWithinTheWindowOfTheLastIsRefusedAndChangesNothing() {
		Event first = storedEvent();
		this.events.insertAgain(first, this.ids.next(A_DAY_LATER), A_DAY_LATER,
				A_DAY_LATER.minus(Duration.ofHours(24)));
		Instant soonAfter = A_DAY_LATER.plusSeconds(60);
		String key = this.ids.next(soonAfter);

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.events.insertAgain(first, key, soonAfter, soonAfter.minus(Duration.ofHours(24))));

		assertThat(this.events.lastReceived(List.of(first.id(), key))).isEqualTo(Map.of(first.id(), A_DAY_LATER));
	}

	@Test
	void retentionDeletesTheLatestEventOfAnIdSentAgainWithWhatPointsAtIt() {
		Event first = storedEvent();
		this.events.insertAgain(first, this.ids.next(A_DAY_LATER), A_DAY_LATER,
				A_DAY_LATER.minus(Duration.ofHours(24)));
		RetentionStore retention = this.stores.retention();

		retention.deleteUnneededEvents(T0.plusSeconds(1), null, 10);
		assertThat(this.events.receivedAt(first.id())).contains(A_DAY_LATER);

		retention.deleteUnneededEvents(A_DAY_LATER.plusSeconds(1), null, 10);
		assertThat(this.events.lastReceived(List.of(first.id()))).isEmpty();
		assertThat(this.events.find(first.id())).isEmpty();
		// The id is stored as new again, under itself.
		this.events.insert(List.of(first), A_DAY_LATER.plusSeconds(2));
		assertThat(this.events.receivedAt(first.id())).contains(A_DAY_LATER.plusSeconds(2));
	}

	@Test
	void eventsAreNotStoredAtOnceWhenAnIdTheirSenderChoseWasSentAgainAndItsFirstIsDeleted() {
		assumeTrue(this.events.insertsAtOnce(), "this store stores events in transactions only");
		Event first = storedEvent();
		this.events.insertAgain(first, this.ids.next(A_DAY_LATER), A_DAY_LATER,
				A_DAY_LATER.minus(Duration.ofHours(24)));
		this.stores.retention().deleteUnneededEvents(T0.plusSeconds(1), null, 10);
		Event sentAgain = new Event(first.name(), Map.of(), null, first.id(), T0.toEpochMilli(), null);
		Instant later = A_DAY_LATER.plusSeconds(60);
		NewRun run = new NewRun(this.ids.next(later), "fn", sentAgain.id(), later);

		assertThat(this.events.insertUnlessAwaited(
				new NewEvents(List.of(sentAgain), List.of(sentAgain.id()), List.of(run), List.of(), later)))
			.isFalse();

		assertThat(this.runs.find(run.id())).isEmpty();
		assertThat(this.events.receivedAt(first.id())).contains(A_DAY_LATER);
	}

	@Test
	void eventsStoredAtOnceAreAllOrNone() {
		assumeTrue(this.events.insertsAtOnce(), "this store stores events in transactions only");
		String existing = queued("fn", storedEvent(), T0);
		Event event = event("order/created");
		NewRun taken = new NewRun(existing, "fn", event.id(), T0);

		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> this.events
			.insertUnlessAwaited(new NewEvents(List.of(event), List.of(), List.of(taken), List.of(), T0)));

		assertThat(this.events.find(event.id())).isEmpty();
		assertThat(this.runs.find(existing).orElseThrow().event().id()).isNotEqualTo(event.id());
	}

	@Test
	void aStoreThatStoresEventsInTransactionsOnlyRefusesToStoreThemAtOnce() {
		assumeFalse(this.events.insertsAtOnce(), "this store stores events at once");
		Event event = event("order/created");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> this.events
			.insertUnlessAwaited(new NewEvents(List.of(event), List.of(), List.of(), List.of(), T0)));
		assertThat(this.events.find(event.id())).isEmpty();
	}

	// Bulk cancellations

	@Test
	void bulkCancellationsAreListedNewestFirstAndFoundRunning() {
		BulkCancellation first = cancellation(T0);
		BulkCancellation second = cancellation(T0.plusSeconds(1));
		BulkCancellation third = cancellation(T0.plusSeconds(2));
		CancellationStore store = this.stores.cancellations();
		store.insert(second);
		store.insert(first);
		store.insert(third);
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> store.insert(first));
		assertThat(store.find(second.id())).contains(second);
		assertThat(store.find("no-such-id")).isEmpty();
		assertThat(store.list(2, null)).containsExactly(third, second);
		assertThat(store.list(2, second.id())).containsExactly(first);
		assertThat(store.findRunning()).containsExactly(first, second, third);
		assertThat(store.stop(second.id(), T0.plusSeconds(5))).isTrue();
		assertThat(store.stop(second.id(), T0.plusSeconds(6))).isFalse();
		assertThat(store.find(second.id()).orElseThrow().state()).isEqualTo(BulkCancellation.State.STOPPED);
		assertThat(store.find(second.id()).orElseThrow().updatedAt()).isEqualTo(T0.plusSeconds(5));
		assertThat(store.findRunning()).containsExactly(first, third);
		assertThat(store.stop("no-such-id", T0)).isFalse();
	}

	@Test
	void bulkCancellationProgressAddsUpWhileItRuns() {
		CancellationStore store = this.stores.cancellations();
		BulkCancellation cancellation = cancellation(T0);
		store.insert(cancellation);
		assertThat(store.lastRunId(cancellation.id())).isNull();
		assertThat(store.progress(cancellation.id(), 3, "run-3", false, T0.plusSeconds(1))).isTrue();
		assertThat(store.progress(cancellation.id(), 0, null, false, T0.plusSeconds(2))).isTrue();
		assertThat(store.lastRunId(cancellation.id())).isEqualTo("run-3");
		assertThat(store.progress(cancellation.id(), 2, "run-5", true, T0.plusSeconds(3))).isTrue();
		BulkCancellation done = store.find(cancellation.id()).orElseThrow();
		assertThat(done.state()).isEqualTo(BulkCancellation.State.COMPLETED);
		assertThat(done.cancelled()).isEqualTo(5);
		assertThat(done.matched()).isEqualTo(cancellation.matched());
		assertThat(done.updatedAt()).isEqualTo(T0.plusSeconds(3));
		assertThat(store.lastRunId(cancellation.id())).isEqualTo("run-5");
		assertThat(store.progress(cancellation.id(), 1, "run-6", false, T0.plusSeconds(4))).isFalse();
		assertThat(store.stop(cancellation.id(), T0.plusSeconds(4))).isFalse();
		BulkCancellation after = store.find(cancellation.id()).orElseThrow();
		assertThat(after.state()).isEqualTo(BulkCancellation.State.COMPLETED);
		assertThat(after.cancelled()).isEqualTo(6);
		assertThat(store.lastRunId(cancellation.id())).isEqualTo("run-5");
		assertThat(store.lastRunId("no-such-id")).isNull();
	}

	@Test
	void bulkCancellationStoppedMidBatchStillCountsTheRunsItCancelled() {
		CancellationStore store = this.stores.cancellations();
		BulkCancellation cancellation = cancellation(T0);
		store.insert(cancellation);
		assertThat(store.progress(cancellation.id(), 100, "run-100", false, T0.plusSeconds(1))).isTrue();
		assertThat(store.stop(cancellation.id(), T0.plusSeconds(2))).isTrue();
		// The batch that was under way when it stopped.
		assertThat(store.progress(cancellation.id(), 40, "run-140", false, T0.plusSeconds(3))).isFalse();
		BulkCancellation stopped = store.find(cancellation.id()).orElseThrow();
		assertThat(stopped.state()).isEqualTo(BulkCancellation.State.STOPPED);
		assertThat(stopped.cancelled()).isEqualTo(140);
		assertThat(stopped.matched()).isEqualTo(140);
		assertThat(stopped.updatedAt()).isEqualTo(T0.plusSeconds(2));
		assertThat(store.lastRunId(cancellation.id())).isEqualTo("run-100");
		assertThat(store.progress(cancellation.id(), 0, "run-150", true, T0.plusSeconds(4))).isFalse();
		assertThat(store.find(cancellation.id()).orElseThrow().state()).isEqualTo(BulkCancellation.State.STOPPED);
		assertThat(store.progress("no-such-id", 3, "run-3", false, T0.plusSeconds(5))).isFalse();
	}

	@Test
	void bulkCancellationProgressRaisesWhatItMatchedToWhatItCancelled() {
		CancellationStore store = this.stores.cancellations();
		BulkCancellation cancellation = cancellation(T0);
		store.insert(cancellation);
		store.progress(cancellation.id(), 5, "run-5", false, T0.plusSeconds(1));
		assertThat(store.find(cancellation.id()).orElseThrow().matched()).isEqualTo(cancellation.matched());
		store.progress(cancellation.id(), 4, "run-9", false, T0.plusSeconds(2));
		BulkCancellation raised = store.find(cancellation.id()).orElseThrow();
		assertThat(raised.cancelled()).isEqualTo(9);
		assertThat(raised.matched()).isEqualTo(9);
	}

	// Reruns and bulk replays

	@Test
	void rerunLinksAreReadBothWays() {
		Event event = storedEvent();
		String original = claimed("fn", event, T0, "lease");
		this.runs.fail(original, "lease", new ErrorInfo("Error", "boom", null), T0.plusSeconds(1));
		String first = queued("fn", event, T0.plusSeconds(2));
		String second = queued("fn", event, T0.plusSeconds(3));
		String other = queued("fn", event, T0.plusSeconds(4));
		ReplayStore store = this.stores.replays();
		store.link(second, original, "replay-1", T0.plusSeconds(3));
		store.link(first, original, null, T0.plusSeconds(2));
		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> store.link(first, original, null, T0.plusSeconds(2)));
		Map<String, ReplayStore.Links> links = store.links(List.of(original, first, other));
		assertThat(links).containsOnlyKeys(original, first);
		assertThat(links.get(original)).isEqualTo(new ReplayStore.Links(null, List.of(first, second)));
		assertThat(links.get(first)).isEqualTo(new ReplayStore.Links(original, List.of()));
		assertThat(store.links(List.of())).isEmpty();
	}

	@Test
	void endedRunsAreFoundByFunctionTimeRangeAndStateInIdOrder() {
		Event event = storedEvent();
		String failed = claimed("fn", event, T0, "lease");
		this.runs.fail(failed, "lease", new ErrorInfo("Error", "boom", null), T0.plusSeconds(1));
		String cancelled = queued("fn", event, T0.plusSeconds(1));
		this.runs.cancel(cancelled, new RunView.Cancellation("api", null), T0.plusSeconds(2));
		String completed = claimed("fn", event, T0.plusSeconds(2), "lease");
		this.runs.complete(new Completion(completed, "lease", "1", T0.plusSeconds(3), null));
		String unended = queued("fn", event, T0.plusSeconds(3));
		String otherFunction = claimed("other", event, T0.plusSeconds(3), "lease");
		this.runs.fail(otherFunction, "lease", new ErrorInfo("Error", "boom", null), T0.plusSeconds(4));
		String late = claimed("fn", event, T0.plusSeconds(10), "lease");
		this.runs.fail(late, "lease", new ErrorInfo("Error", "boom", null), T0.plusSeconds(11));
		ReplayStore store = this.stores.replays();
		Instant after = T0.minusSeconds(1);
		Instant before = T0.plusSeconds(10);
		assertThat(store.findEnded("fn", after, before, Set.of(RunStatus.FAILED), null, 10)).containsExactly(failed);
		assertThat(store.findEnded("fn", after, before, Set.of(RunStatus.FAILED, RunStatus.CANCELLED), null, 10))
			.containsExactly(failed, cancelled);
		assertThat(store.findEnded("fn", after, before, Set.of(RunStatus.FAILED, RunStatus.CANCELLED), null, 1))
			.containsExactly(failed);
		assertThat(store.findEnded("fn", after, before, Set.of(RunStatus.FAILED, RunStatus.CANCELLED), failed, 10))
			.containsExactly(cancelled);
		assertThat(store.findEnded("fn", after, T0.plusSeconds(11), Set.of(RunStatus.FAILED), null, 10))
			.containsExactly(failed, late);
		assertThat(store.findEnded("fn", T0.plusMillis(1), before, Set.of(RunStatus.FAILED), null, 10)).isEmpty();
		assertThat(store.findEnded("fn", after, before,
				Set.of(RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.COMPLETED), null, 10))
			.containsExactly(failed, cancelled, completed)
			.doesNotContain(unended);
	}

	@Test
	void bulkReplaysAreStoredListedAndStopped() {
		BulkReplay first = replay(T0);
		BulkReplay second = replay(T0.plusSeconds(1));
		BulkReplay third = replay(T0.plusSeconds(2));
		ReplayStore store = this.stores.replays();
		store.insert(second);
		store.insert(first);
		store.insert(third);
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(() -> store.insert(first));
		assertThat(store.find(second.id())).contains(second);
		assertThat(store.find("no-such-id")).isEmpty();
		assertThat(store.list(2, null)).containsExactly(third, second);
		assertThat(store.list(2, second.id())).containsExactly(first);
		assertThat(store.findRunning()).containsExactly(first, second, third);
		assertThat(store.stop(second.id(), T0.plusSeconds(5))).isTrue();
		assertThat(store.stop(second.id(), T0.plusSeconds(6))).isFalse();
		BulkReplay stopped = store.find(second.id()).orElseThrow();
		assertThat(stopped.state()).isEqualTo(BulkReplay.State.STOPPED);
		assertThat(stopped.updatedAt()).isEqualTo(T0.plusSeconds(5));
		assertThat(store.findRunning()).containsExactly(first, third);
	}

	@Test
	void bulkReplayProgressIsRecordedOnceForEachBatch() {
		ReplayStore store = this.stores.replays();
		BulkReplay replay = replay(T0);
		store.insert(replay);
		assertThat(store.lastRunId(replay.id())).isNull();
		assertThat(store.progress(replay.id(), null, 3, "run-3", false, T0.plusSeconds(1))).isTrue();
		// A second instance that read the same last run before the first recorded its
		// batch records nothing.
		assertThat(store.progress(replay.id(), null, 3, "run-3", false, T0.plusSeconds(1))).isFalse();
		assertThat(store.lastRunId(replay.id())).isEqualTo("run-3");
		assertThat(store.progress(replay.id(), "run-3", 6, "run-9", true, T0.plusSeconds(2))).isTrue();
		BulkReplay done = store.find(replay.id()).orElseThrow();
		assertThat(done.state()).isEqualTo(BulkReplay.State.COMPLETED);
		assertThat(done.replayed()).isEqualTo(9);
		assertThat(done.matched()).isEqualTo(9);
		assertThat(done.updatedAt()).isEqualTo(T0.plusSeconds(2));
		assertThat(store.progress(replay.id(), "run-9", 1, "run-10", false, T0.plusSeconds(3))).isFalse();
		assertThat(store.stop(replay.id(), T0.plusSeconds(3))).isFalse();
	}

	@Test
	void retentionDeletesTheLinkOfARerunWithIt() {
		Event event = storedEvent();
		String original = claimed("fn", event, T0, "lease");
		this.runs.fail(original, "lease", new ErrorInfo("Error", "boom", null), T0.plusSeconds(1));
		String rerun = claimed("fn", event, T0.plusSeconds(1), "lease");
		this.stores.replays().link(rerun, original, null, T0.plusSeconds(1));
		this.runs.complete(new Completion(rerun, "lease", "1", T0.plusSeconds(2), null));
		this.stores.retention().deleteEndedRuns(T0.plusSeconds(10), null, 10);
		assertThat(this.stores.replays().links(List.of(original, rerun))).isEmpty();
	}

	// Stats

	@Test
	void statsCountRunsByTheBucketTheyStartedAndEndedInWithLatencyPercentiles() {
		Instant from = storeRunsForStats();

		RunStats stats = this.stores.stats().stats("fn", from, from.plusSeconds(300), Duration.ofMinutes(1));
		assertThat(stats.buckets()).extracting(BUCKET_COUNTS)
			.containsExactly(tuple(from, 3L, 1L, 0L, 0L, 0L), tuple(from.plusSeconds(60), 0L, 1L, 0L, 0L, 1L),
					tuple(from.plusSeconds(120), 0L, 0L, 1L, 0L, 0L), tuple(from.plusSeconds(180), 0L, 0L, 0L, 1L, 0L),
					tuple(from.plusSeconds(240), 0L, 0L, 0L, 0L, 0L));
		// Each bucket has the latencies of the runs that ended in it.
		assertThat(stats.buckets().get(0).endToEnd().count()).isOne();
		assertThat(stats.buckets().get(0).endToEnd().p50()).isCloseTo(150_000.0, withinPercentage(3));
		assertThat(stats.buckets().get(1).endToEnd().p50()).isCloseTo(70_000.0, withinPercentage(3));
		assertThat(stats.buckets().get(2).queue().p50()).isCloseTo(5_000.0, withinPercentage(3));
		assertThat(stats.buckets().get(3).queue()).isEqualTo(RunStats.Latency.NONE);
		assertThat(stats.buckets().get(4).endToEnd()).isEqualTo(RunStats.Latency.NONE);
		// Of the runs that ended in the window: from their creation to their end, and to
		// their first attempt (the cancelled run had none). Stores that keep histograms
		// give percentiles within a few percent.
		assertThat(stats.endToEnd().count()).isEqualTo(4);
		assertThat(stats.endToEnd().p50()).isCloseTo(135_000.0, withinPercentage(3));
		assertThat(stats.endToEnd().p90()).isCloseTo(171_000.0, withinPercentage(3));
		assertThat(stats.queue().count()).isEqualTo(3);
		assertThat(stats.queue().p50()).isCloseTo(0.0, within(0.01));
		assertThat(stats.queue().p90()).isCloseTo(4_000.0, withinPercentage(3));

		RunStats all = this.stores.stats().stats(null, from, from.plusSeconds(120), Duration.ofMinutes(1));
		assertThat(all.buckets()).extracting(BUCKET_COUNTS)
			.containsExactly(tuple(from, 4L, 2L, 0L, 0L, 0L), tuple(from.plusSeconds(60), 0L, 1L, 0L, 0L, 1L));
		RunStats none = this.stores.stats()
			.stats("fn", from.plusSeconds(3600), from.plusSeconds(3660), Duration.ofMinutes(1));
		assertThat(none.buckets()).extracting(BUCKET_COUNTS)
			.containsExactly(tuple(from.plusSeconds(3600), 0L, 0L, 0L, 0L, 0L));
		assertThat(none.endToEnd()).isEqualTo(RunStats.Latency.NONE);
	}

	@Test
	void statsAreTheSameOnceTheMinutesAreRolledUp() {
		Instant from = storeRunsForStats();
		List<RunStats> before = statsForRollUp(from);

		// Rolled up one minute at a time up to the middle of the runs, then the rest.
		Instant middle = from.plusSeconds(180);
		Instant rolled;
		do {
			rolled = rollUp(middle, 1);
		}
		while (rolled.isBefore(middle));
		assertThat(rolled).isEqualTo(middle);
		assertSameStats(statsForRollUp(from), before);
		Instant end = from.plusSeconds(3600);
		assertThat(rollUp(end, 60)).isEqualTo(end);
		assertSameStats(statsForRollUp(from), before);
		// Nothing is left to roll up, and nothing is counted twice.
		assertThat(rollUp(end, 60)).isEqualTo(end);
		assertSameStats(statsForRollUp(from), before);
	}

	private Instant rollUp(Instant until, int minutes) {
		Instant rolled = this.stores.transactions().execute((status) -> this.stores.stats().rollUp(until, minutes));
		assertThat(rolled).isNotNull();
		return rolled;
	}

	/**
	 * Windows over the runs of {@link #storeRunsForStats}: whole minutes, a window that
	 * ends in the middle of a minute, buckets of a quarter of an hour, and all functions.
	 */
	private List<RunStats> statsForRollUp(Instant from) {
		RunStatsStore stats = this.stores.stats();
		return List.of(stats.stats("fn", from, from.plusSeconds(300), Duration.ofMinutes(1)),
				stats.stats("fn", from, from.plusSeconds(90), Duration.ofMinutes(1)),
				stats.stats("fn", from, from.plusSeconds(1800), Duration.ofMinutes(15)),
				stats.stats(null, from.minusSeconds(300), from.plusSeconds(300), Duration.ofMinutes(1)),
				stats.stats("other", from, from.plusSeconds(120), Duration.ofMinutes(1)));
	}

	private static final Function<RunStats.Bucket, Tuple> BUCKET_COUNTS = (bucket) -> tuple(bucket.start(),
			bucket.started(), bucket.completed(), bucket.failed(), bucket.cancelled(), bucket.failedAttempts());

	private static void assertSameStats(List<RunStats> actual, List<RunStats> expected) {
		assertThat(actual).hasSameSizeAs(expected);
		for (int i = 0; i < expected.size(); i++) {
			RunStats a = actual.get(i);
			RunStats e = expected.get(i);
			assertThat(a.buckets()).as("buckets of window %d", i).isEqualTo(e.buckets());
			assertSameLatency(a.endToEnd(), e.endToEnd());
			assertSameLatency(a.queue(), e.queue());
		}
	}

	private static void assertSameLatency(RunStats.Latency actual, RunStats.Latency expected) {
		assertThat(actual.count()).isEqualTo(expected.count());
		if (expected.count() > 0) {
			assertThat(actual.p50()).isCloseTo(expected.p50(), within(expected.p50() * 0.05 + 0.01));
			assertThat(actual.p99()).isCloseTo(expected.p99(), within(expected.p99() * 0.05 + 0.01));
		}
	}

	/**
	 * Runs of a function {@code fn} that complete, fail (after a failed attempt) and are
	 * cancelled in the minutes after {@code T0}, one created two minutes before it, one
	 * that has not ended, and a run of another function.
	 * @return the minute of {@code T0}
	 */
	private Instant storeRunsForStats() {
		Event event = storedEvent();
		String completed = claimed("fn", event, T0, "lease");
		this.runs.complete(new Completion(completed, "lease", "1", T0.plusSeconds(70), null));
		String failed = queued("fn", event, T0.plusSeconds(10));
		assertThat(this.runs.claim(List.of(failed), "lease", T0.plusSeconds(15), T0.plusSeconds(45))).hasSize(1);
		this.steps
			.recordAttempt(new AttemptRecord(failed, "charge", 0, new ErrorInfo("E", "m", null), T0.plusSeconds(100)));
		this.runs.fail(failed, "lease", new ErrorInfo("Error", "boom", null), T0.plusSeconds(130));
		String cancelled = queued("fn", event, T0.plusSeconds(20));
		this.runs.cancel(cancelled, new RunView.Cancellation("api", null), T0.plusSeconds(200));
		String other = claimed("other", event, T0.plusSeconds(30), "lease");
		this.runs.complete(new Completion(other, "lease", "1", T0.plusSeconds(40), null));
		String earlier = claimed("fn", event, T0.minusSeconds(120), "lease");
		this.runs.complete(new Completion(earlier, "lease", "1", T0.plusSeconds(30), null));
		queued("fn", event, T0.plusSeconds(400));
		return Instant.parse("2026-03-02T10:00:00Z");
	}

	// Cron triggers

	@Test
	void cronTicksAreStoredOnceAndAdvancedByOneCallerOnly() {
		CronStore crons = this.stores.crons();
		CronTick tick = new CronTick("fn", "* * * * *", T0);
		crons.insertIfAbsent(tick);
		crons.insertIfAbsent(new CronTick("fn", "* * * * *", T0.plusSeconds(60)));
		crons.insertIfAbsent(new CronTick("fn", "0 * * * *", T0.plusSeconds(3600)));
		assertThat(crons.findDue(T0.minusSeconds(1))).isEmpty();
		assertThat(crons.findDue(T0)).containsExactly(tick);
		assertThat(crons.advance(tick, T0.plusSeconds(60))).isTrue();
		assertThat(crons.advance(tick, T0.plusSeconds(60))).isFalse();
		assertThat(crons.findDue(T0.plusSeconds(59))).isEmpty();
		assertThat(crons.findDue(T0.plusSeconds(3600))).containsExactlyInAnyOrder(
				new CronTick("fn", "* * * * *", T0.plusSeconds(60)),
				new CronTick("fn", "0 * * * *", T0.plusSeconds(3600)));
	}

	// Retention

	@Test
	void retentionDeletesRunsThatEndedBeforeTheTimeWithEverythingOfTheirs() {
		Event event = storedEvent();
		String old = claimed("fn", event, T0, "lease");
		this.runs.storeStep(completedStep(old, "one", T0), "lease");
		this.steps.recordAttempt(new AttemptRecord(old, "one", 0, new ErrorInfo("E", "m", null), T0));
		this.waits.insert(List
			.of(new WaitRecord(old, "cancel", WaitRecord.Kind.CANCEL, "e", null, null, null, T0.plusSeconds(3600))));
		this.runs.complete(new Completion(old, "lease", "1", T0.plusSeconds(1), completedStep(old, "two", T0)));
		String recent = claimed("fn", event, T0, "lease");
		this.runs.complete(new Completion(recent, "lease", "1", T0.plusSeconds(20), null));
		String unended = queued("fn", event, T0);
		Instant before = T0.plusSeconds(10);
		Batch<String> batch = this.stores.retention().deleteEndedRuns(before, null, 10);
		assertThat(batch.deleted()).isEqualTo(new DeletedRows(1, 1, 1, 1, 0, 0));
		assertThat(batch.next()).isNull();
		assertThat(this.runs.find(old)).isEmpty();
		assertThat(this.steps.findByRun(old)).isEmpty();
		assertThat(this.steps.attempts(old)).isEmpty();
		assertThat(this.waits.findUnmatched("e", T0)).isEmpty();
		assertThat(this.runs.find(recent)).isPresent();
		assertThat(this.runs.find(unended)).isPresent();
		assertThat(this.stores.retention().deleteEndedRuns(before, null, 10).deleted()).isEqualTo(DeletedRows.NONE);
	}

	@Test
	void retentionReadsRunsABatchAtATimeByIdEachDeletedOnce() {
		Event event = storedEvent();
		List<String> ended = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String id = claimed("fn", event, T0.plusMillis(i), "lease");
			this.runs.fail(id, "lease", new ErrorInfo("E", "m", null), T0.plusSeconds(1));
			ended.add(id);
		}
		String kept = queued("fn", event, T0.plusMillis(2));
		List<String> sorted = new ArrayList<>(ended);
		sorted.add(kept);
		sorted.sort(null);
		Instant before = T0.plusSeconds(10);
		RetentionStore retention = this.stores.retention();
		Batch<String> first = retention.deleteEndedRuns(before, null, 4);
		assertThat(first.next()).isEqualTo(sorted.get(3));
		Batch<String> second = retention.deleteEndedRuns(before, first.next(), 4);
		assertThat(second.next()).isNull();
		assertThat(first.deleted().runs() + second.deleted().runs()).isEqualTo(5);
		assertThat(this.runs.countByFunction()).isEqualTo(Map.of("fn", Map.of(RunStatus.QUEUED, 1L)));
	}

	@Test
	void retentionDeletesEventsReceivedBeforeTheTimeThatNoStoredRunNeeds() {
		Event unneeded = event("a");
		Event trigger = event("b");
		Event recent = event("c");
		this.events.insert(List.of(unneeded), T0);
		this.events.insert(List.of(trigger), T0.plusSeconds(1));
		this.runs.create(List.of(new NewRun(this.ids.next(T0.plusSeconds(1)), "fn", trigger.id(), T0.plusSeconds(1))));
		this.events.insert(List.of(recent), T0.plusSeconds(20));
		Batch<EventPosition> batch = this.stores.retention().deleteUnneededEvents(T0.plusSeconds(10), null, 10);
		assertThat(batch.deleted()).isEqualTo(new DeletedRows(0, 0, 0, 0, 1, 0));
		assertThat(batch.next()).isNull();
		assertThat(this.events.lastReceived(List.of(unneeded.id(), trigger.id(), recent.id())).keySet())
			.containsExactlyInAnyOrder(trigger.id(), recent.id());
	}

	@Test
	void retentionKeepsTheEventOfAStoredRerunCreatedLongAfterIt() {
		Event trigger = event("b");
		this.events.insert(List.of(trigger), T0);
		// The run the event started is gone; a rerun of it, days later, reads the event.
		String rerun = this.ids.next(T0.plus(Duration.ofDays(5)));
		this.runs.create(List.of(new NewRun(rerun, "fn", trigger.id(), T0.plus(Duration.ofDays(5)))));
		this.stores.replays().link(rerun, this.ids.next(T0), null, T0.plus(Duration.ofDays(5)));
		Batch<EventPosition> batch = this.stores.retention()
			.deleteUnneededEvents(T0.plus(Duration.ofDays(7)), null, 10);
		assertThat(batch.deleted().total()).isZero();
		assertThat(this.events.find(trigger.id())).contains(trigger);
		assertThat(this.runs.find(rerun).orElseThrow().event()).isEqualTo(trigger);
	}

	@Test
	void retentionReadsEventsABatchAtATimeByTheTimeTheyWereReceived() {
		List<Event> received = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Event event = event("e");
			this.events.insert(List.of(event), T0.plusSeconds(i));
			received.add(event);
		}
		RetentionStore retention = this.stores.retention();
		Batch<EventPosition> first = retention.deleteUnneededEvents(T0.plusSeconds(10), null, 2);
		assertThat(first.next()).isEqualTo(new EventPosition(T0.plusSeconds(1), received.get(1).id()));
		assertThat(first.deleted().events()).isEqualTo(2);
		Batch<EventPosition> second = retention.deleteUnneededEvents(T0.plusSeconds(10), first.next(), 2);
		assertThat(second.next()).isNull();
		assertThat(second.deleted().events()).isEqualTo(1);
		assertThat(this.events.lastReceived(received.stream().map(Event::id).toList())).isEmpty();
	}

	@Test
	void retentionDeletesBulkCancellationsThatEndedBeforeTheTime() {
		CancellationStore store = this.stores.cancellations();
		BulkCancellation completed = cancellation(T0);
		BulkCancellation stopped = cancellation(T0.plusMillis(1));
		BulkCancellation running = cancellation(T0.plusMillis(2));
		BulkCancellation recent = cancellation(T0.plusMillis(3));
		List.of(completed, stopped, running, recent).forEach(store::insert);
		store.progress(completed.id(), 1, "r", true, T0.plusSeconds(1));
		store.stop(stopped.id(), T0.plusSeconds(1));
		store.stop(recent.id(), T0.plusSeconds(20));
		RetentionStore retention = this.stores.retention();
		Batch<String> first = retention.deleteEndedCancellations(T0.plusSeconds(10), null, 2);
		assertThat(first.next()).isEqualTo(stopped.id());
		Batch<String> second = retention.deleteEndedCancellations(T0.plusSeconds(10), first.next(), 2);
		assertThat(second.next()).isEqualTo(recent.id());
		assertThat(retention.deleteEndedCancellations(T0.plusSeconds(10), second.next(), 2).next()).isNull();
		assertThat(first.deleted().cancellations() + second.deleted().cancellations()).isEqualTo(2);
		assertThat(store.list(10, null)).extracting(BulkCancellation::id).containsExactly(recent.id(), running.id());
	}

	@Test
	void retentionDeletesBulkReplaysThatEndedBeforeTheTime() {
		ReplayStore store = this.stores.replays();
		BulkReplay completed = replay(T0);
		BulkReplay stopped = replay(T0.plusMillis(1));
		BulkReplay running = replay(T0.plusMillis(2));
		BulkReplay recent = replay(T0.plusMillis(3));
		List.of(completed, stopped, running, recent).forEach(store::insert);
		store.progress(completed.id(), null, 1, "r", true, T0.plusSeconds(1));
		store.stop(stopped.id(), T0.plusSeconds(1));
		store.stop(recent.id(), T0.plusSeconds(20));
		RetentionStore retention = this.stores.retention();
		Batch<String> first = retention.deleteEndedReplays(T0.plusSeconds(10), null, 2);
		assertThat(first.next()).isEqualTo(stopped.id());
		Batch<String> second = retention.deleteEndedReplays(T0.plusSeconds(10), first.next(), 2);
		assertThat(second.next()).isEqualTo(recent.id());
		assertThat(retention.deleteEndedReplays(T0.plusSeconds(10), second.next(), 2).next()).isNull();
		assertThat(first.deleted()).isEqualTo(new DeletedRows(0, 0, 0, 0, 0, 0, 2));
		assertThat(second.deleted()).isEqualTo(DeletedRows.NONE);
		assertThat(store.list(10, null)).extracting(BulkReplay::id).containsExactly(recent.id(), running.id());
	}

	// Transactions

	@Test
	void aTransactionThatRollsBackLeavesNoChangeInAnyStore() {
		Event event = storedEvent();
		String run = claimed("fn", event, T0, "lease");
		StepRecord sleep = new StepRecord(run, "nap", "nap", StepKind.SLEEP, StepStatus.SLEEPING, 0, null, null,
				T0.plusSeconds(60), T0, null);
		Event next = event("next");
		assertThatIllegalStateException().isThrownBy(() -> this.stores.transactions().executeWithoutResult((status) -> {
			this.steps.insert(sleep);
			this.runs.suspend(run, "lease", RunStatus.SLEEPING, T0.plusSeconds(60), 1);
			this.events.insert(List.of(next), T0);
			this.runs.create(List.of(new NewRun(this.ids.next(T0), "fn", next.id(), T0)));
			this.waits.insert(
					List.of(new WaitRecord(run, "w", WaitRecord.Kind.WAIT, "e", null, null, null, T0.plusSeconds(60))));
			this.stores.cancellations().insert(cancellation(T0));
			this.stores.crons().insertIfAbsent(new CronTick("fn", "* * * * *", T0));
			throw new IllegalStateException("rolled back");
		}));
		RunRecord unchanged = this.runs.find(run).orElseThrow();
		assertThat(unchanged.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(unchanged.attempt()).isZero();
		assertThat(this.runs.leaseExpiry(run, "lease")).isPresent();
		assertThat(this.steps.findByRun(run)).isEmpty();
		assertThat(this.events.lastReceived(List.of(next.id()))).isEmpty();
		assertThat(this.runs.countByFunction()).isEqualTo(Map.of("fn", Map.of(RunStatus.RUNNING, 1L)));
		assertThat(this.waits.findUnmatched("e", T0)).isEmpty();
		assertThat(this.stores.cancellations().list(10, null)).isEmpty();
		assertThat(this.stores.crons().findDue(T0)).isEmpty();
		assertThat(this.runs.findDue(T0.plusSeconds(3600), 10, List.of("fn"))).containsExactly(run);
	}

	@Test
	void aTransactionMarkedRollbackOnlyLeavesNoChange() {
		String run = claimed("fn", storedEvent(), T0, "lease");
		Boolean failed = this.stores.transactions().execute((status) -> {
			boolean held = this.runs.fail(run, "lease", new ErrorInfo("E", "m", null), T0);
			this.steps.recordAttempt(new AttemptRecord(run, null, 0, new ErrorInfo("E", "m", null), T0));
			status.setRollbackOnly();
			return held;
		});
		assertThat(failed).isTrue();
		assertThat(this.runs.find(run).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
		assertThat(this.steps.attempts(run)).isEmpty();
	}

	@Test
	void aTransactionThatCommitsKeepsEveryChange() {
		String run = claimed("fn", storedEvent(), T0, "lease");
		this.stores.transactions().executeWithoutResult((status) -> {
			this.steps.recordAttempt(new AttemptRecord(run, null, 0, new ErrorInfo("E", "m", null), T0));
			this.runs.suspend(run, "lease", RunStatus.QUEUED, T0.plusSeconds(1), 1);
		});
		assertThat(this.runs.find(run).orElseThrow().attempt()).isEqualTo(1);
		assertThat(this.steps.attempts(run)).hasSize(1);
	}

	// Helpers

	private List<String> ids(RunQuery query) {
		return this.runs.list(query).stream().map(RunRecord::id).toList();
	}

	private List<String> unended(String functionId, Instant after, Instant before, String afterId, int limit) {
		return this.runs.findUnended(functionId, after, before, afterId, limit).stream().map(RunRecord::id).toList();
	}

	private Event event(String name) {
		return new Event(name, Map.of("key", name), null, this.ids.next(T0), T0.toEpochMilli(), null);
	}

	private Event storedEvent() {
		Event event = event("test/event");
		this.events.insert(List.of(event), T0);
		return event;
	}

	private String queued(String functionId, Event event, Instant createdAt) {
		if (this.events.lastReceived(List.of(event.id())).isEmpty()) {
			this.events.insert(List.of(event), createdAt);
		}
		String id = this.ids.next(createdAt);
		this.runs.create(List.of(new NewRun(id, functionId, event.id(), createdAt)));
		return id;
	}

	private String leased(String functionId, Event event, Instant createdAt, String lease) {
		String id = this.ids.next(createdAt);
		this.runs.create(List.of(new NewRun(id, functionId, event.id(), createdAt, lease, createdAt.plus(LEASE))));
		return id;
	}

	/** A run created at a time and claimed then. */
	private String claimed(String functionId, Event event, Instant createdAt, String lease) {
		String id = queued(functionId, event, createdAt);
		assertThat(this.runs.claim(List.of(id), lease, createdAt, createdAt.plus(LEASE))).hasSize(1);
		return id;
	}

	/**
	 * Another instance claims the run once the lease taken at {@code T0} has expired.
	 */
	private void takenOver(String runId, String lease) {
		this.runs.claim(List.of(runId), lease, T0.plus(LEASE), T0.plus(LEASE).plus(LEASE));
	}

	private static StepRecord completedStep(String runId, String key, Instant at) {
		return new StepRecord(runId, key, key, StepKind.RUN, StepStatus.COMPLETED, 1, "\"" + key + "\"", null, null, at,
				at);
	}

	private BulkReplay replay(Instant createdAt) {
		return new BulkReplay(this.ids.next(createdAt), "again", "fn", T0.minusSeconds(3600), T0, "event.data.x == 1",
				Set.of(RunStatus.FAILED, RunStatus.CANCELLED), BulkReplay.State.RUNNING, 7, 0, createdAt, createdAt);
	}

	private BulkCancellation cancellation(Instant createdAt) {
		return new BulkCancellation(this.ids.next(createdAt), "cleanup", "fn", T0.minusSeconds(3600), T0, null,
				BulkCancellation.State.RUNNING, 7, 0, createdAt, createdAt);
	}

}
