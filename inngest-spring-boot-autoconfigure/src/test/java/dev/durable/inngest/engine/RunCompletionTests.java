package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.RunStore.Completion;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.local.DatabasePlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Runs' completions, stored together when workers complete runs at the same time, on H2
 * and on PostgreSQL: each worker gets its own run's result, the last step is kept in the
 * run's row, a lost lease stores nothing of its run but its step, in a row of its own,
 * and a group that fails is stored again one completion at a time.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class RunCompletionTests {

	@Autowired
	EventStore events;

	@Autowired
	RunStore runs;

	@Autowired
	StepStore steps;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	RunScheduler engine;

	@Autowired
	RunExecutor executor;

	@Autowired
	EventIngestor ingestor;

	@Autowired
	DatabasePlatform platform;

	@Autowired
	DataSource dataSource;

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

	private final ExecutorService workers = Executors.newCachedThreadPool();

	@BeforeEach
	void stopEngine() {
		// The runs below belong to no function: the test completes them, not the engine.
		this.engine.stop();
	}

	@AfterEach
	void startEngine() {
		this.workers.shutdownNow();
		this.engine.start();
	}

	@Test
	void theEngineCommitsCompletionsAndSendsTogetherByDefaultOnlyWhereEveryCommitWaitsForTheDisk() {
		// The tests' H2 is in memory, with no write delay; their PostgreSQL has
		// synchronous_commit off (SynchronousCommitDefaultsTests has it on).
		assertThat(this.executor.commitsTogether()).isEqualTo(this.platform == DatabasePlatform.H2);
		assertThat(this.ingestor.sendsTogether()).isEqualTo(this.platform == DatabasePlatform.H2);
	}

	@Test
	void completesSeveralRunsTogetherEachWithItsStepAndTellsWhichLeaseWasLost() {
		List<String> ids = claimed(3, "lease-1");
		List<Completion> completions = List.of(completion(ids.get(0), "lease-1", true),
				completion(ids.get(1), "someone-else", true), completion(ids.get(2), "lease-1", false));

		boolean[] held = new TransactionTemplate(this.transactionManager)
			.execute((status) -> this.runs.completeAll(completions));

		assertThat(held).containsExactly(true, false, true);
		assertThat(status(ids.get(0))).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.runs.find(ids.get(0)).orElseThrow().output()).isEqualTo("\"out-" + ids.get(0) + "\"");
		assertThat(status(ids.get(1))).isEqualTo(RunStatus.RUNNING);
		assertThat(status(ids.get(2))).isEqualTo(RunStatus.COMPLETED);
		// A step that completed is kept, even when its run's lease was lost.
		assertThat(this.steps.findByRun(ids.get(0))).singleElement()
			.satisfies((step) -> assertThat(step.output()).isEqualTo("1"));
		assertThat(this.steps.findByRun(ids.get(1))).hasSize(1);
		assertThat(this.steps.findByRun(ids.get(2))).isEmpty();
	}

	@Test
	void aRunsLastStepIsKeptInTheRunsRowAndReadAfterTheStepsStoredBefore() {
		String id = claimed(1, "lease-1").get(0);
		StepRecord first = new StepRecord(id, "first", "first", StepKind.RUN, StepStatus.COMPLETED, 1, "0", null, null,
				this.now.minusMillis(2), this.now.minusMillis(1));
		this.steps.insert(first);

		assertThat(this.runs.complete(completion(id, "lease-1", true))).isTrue();

		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		assertThat(jdbc.sql("SELECT step_key FROM inngest_step WHERE run_id = ?").param(id).query(String.class).list())
			.containsExactly("first");
		assertThat(
				jdbc.sql("SELECT last_step_key FROM inngest_run WHERE id = ?").param(id).query(String.class).single())
			.isEqualTo("only");
		assertThat(this.steps.findByRun(id)).containsExactly(first, step(id));
		// A row of its own for that step could only come later, from an instance that had
		// lost the
		// run: the step the run ended with is the one read.
		this.steps.insert(new StepRecord(id, "only", "only", StepKind.RUN, StepStatus.COMPLETED, 1, "2", null, null,
				this.now, this.now));
		assertThat(this.steps.findByRun(id)).containsExactly(first, step(id));
	}

	@Test
	void aStepStoredAlreadyFailsTheWholeGroupAndChangesNothing() {
		List<String> ids = claimed(2, "lease-1");
		this.steps.insert(step(ids.get(1)));
		List<Completion> completions = List.of(completion(ids.get(0), "lease-1", true),
				completion(ids.get(1), "lease-1", true));

		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> new TransactionTemplate(this.transactionManager)
				.execute((status) -> this.runs.completeAll(completions)));

		assertThat(status(ids.get(0))).isEqualTo(RunStatus.RUNNING);
		assertThat(status(ids.get(1))).isEqualTo(RunStatus.RUNNING);
		assertThat(this.steps.findByRun(ids.get(0))).isEmpty();
	}

	@Test
	void completionsMadeWhileOneIsStoredAreStoredTogetherInOneGroup() throws Exception {
		List<String> ids = claimed(6, "lease-1");
		Recording store = new Recording(this.runs);
		RunCompletions completions = new RunCompletions(store.proxy(), new TransactionTemplate(this.transactionManager),
				true);

		List<Future<Boolean>> results = new ArrayList<>();
		results.add(this.workers.submit(() -> completions.complete(completion(ids.get(0), "lease-1", true))));
		store.firstStarted.await(10, TimeUnit.SECONDS);
		for (int i = 1; i < ids.size(); i++) {
			String lease = (i == 3) ? "someone-else" : "lease-1";
			String id = ids.get(i);
			results.add(this.workers.submit(() -> completions.complete(completion(id, lease, true))));
		}
		// The five wait for the first completion, stored alone, to be committed.
		await().atMost(Duration.ofSeconds(10)).until(() -> completions.waiting() == 5);
		store.releaseFirst.countDown();

		List<Boolean> held = new ArrayList<>();
		for (Future<Boolean> result : results) {
			held.add(result.get(10, TimeUnit.SECONDS));
		}
		assertThat(held).containsExactly(true, true, true, false, true, true);
		assertThat(store.groups).containsExactly(5);
		for (int i = 0; i < ids.size(); i++) {
			assertThat(status(ids.get(i))).isEqualTo((i == 3) ? RunStatus.RUNNING : RunStatus.COMPLETED);
			assertThat(this.steps.findByRun(ids.get(i))).hasSize(1);
		}
	}

	@Test
	void aGroupThatFailsIsStoredAgainOneCompletionAtATimeEachWithItsOwnResult() throws Exception {
		List<String> ids = claimed(4, "lease-1");
		// Another instance took run 2 over and stored its step first.
		this.steps.insert(step(ids.get(2)));
		Recording store = new Recording(this.runs);
		RunCompletions completions = new RunCompletions(store.proxy(), new TransactionTemplate(this.transactionManager),
				true);

		Future<Boolean> first = this.workers
			.submit(() -> completions.complete(completion(ids.get(0), "lease-1", true)));
		store.firstStarted.await(10, TimeUnit.SECONDS);
		List<Future<Boolean>> others = new ArrayList<>();
		for (int i = 1; i < ids.size(); i++) {
			String id = ids.get(i);
			others.add(this.workers.submit(() -> completions.complete(completion(id, "lease-1", true))));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> completions.waiting() == 3);
		store.releaseFirst.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(others.get(0).get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(others.get(1)).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(DuplicateKeyException.class);
		assertThat(others.get(2).get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(store.groups).containsExactly(3);
		assertThat(status(ids.get(1))).isEqualTo(RunStatus.COMPLETED);
		assertThat(status(ids.get(2))).isEqualTo(RunStatus.RUNNING);
		assertThat(status(ids.get(3))).isEqualTo(RunStatus.COMPLETED);
	}

	@Test
	void whenNotTogetherEachCompletionIsCommittedAloneWithoutWaitingForAnother() throws Exception {
		List<String> ids = claimed(2, "lease-1");
		Recording store = new Recording(this.runs);
		RunCompletions completions = new RunCompletions(store.proxy(), new TransactionTemplate(this.transactionManager),
				false);

		Future<Boolean> first = this.workers
			.submit(() -> completions.complete(completion(ids.get(0), "lease-1", true)));
		store.firstStarted.await(10, TimeUnit.SECONDS);
		// Committed while the first is still being stored.
		assertThat(completions.complete(completion(ids.get(1), "lease-1", true))).isTrue();
		assertThat(status(ids.get(1))).isEqualTo(RunStatus.COMPLETED);
		assertThat(first).isNotDone();
		store.releaseFirst.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(status(ids.get(0))).isEqualTo(RunStatus.COMPLETED);
		assertThat(store.groups).isEmpty();
	}

	private List<String> claimed(int count, String lease) {
		Event event = Event.of("test/completed", Map.of())
			.withId(UUID.randomUUID().toString())
			.withTs(this.now.toEpochMilli());
		List<String> ids = QueuedRuns.queue(this.events, this.runs, event, "completion-test", count, this.now);
		assertThat(this.runs.claim(ids, lease, this.now, this.now.plus(Duration.ofMinutes(1)))).hasSize(count);
		return ids;
	}

	private Completion completion(String runId, String lease, boolean withStep) {
		return new Completion(runId, lease, "\"out-" + runId + "\"", this.now, withStep ? step(runId) : null);
	}

	private StepRecord step(String runId) {
		return new StepRecord(runId, "only", "only", StepKind.RUN, StepStatus.COMPLETED, 1, "1", null, null, this.now,
				this.now);
	}

	private RunStatus status(String runId) {
		return this.runs.find(runId).map(RunRecord::status).orElseThrow();
	}

	/**
	 * The real store, whose first single completion waits until it is let go, and which
	 * records the size of every group it stores.
	 */
	private static final class Recording {

		private final RunStore store;

		final CountDownLatch firstStarted = new CountDownLatch(1);

		final CountDownLatch releaseFirst = new CountDownLatch(1);

		final List<Integer> groups = new CopyOnWriteArrayList<>();

		Recording(RunStore store) {
			this.store = store;
		}

		RunStore proxy() {
			return InterceptedStores.of(this.store, (method, args, call) -> {
				if (method.getName().equals("complete") && this.firstStarted.getCount() > 0) {
					this.firstStarted.countDown();
					this.releaseFirst.await(10, TimeUnit.SECONDS);
				}
				if (method.getName().equals("completeAll")) {
					this.groups.add(((List<?>) args[0]).size());
				}
				return call.proceed();
			});
		}

	}

}
