package dev.durable.inngest.engine;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.RunRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs started by the instance whose events create them: created leased to it and started
 * by a worker without a claim, as many as its workers can be expected to start soon;
 * given back to every instance when no worker here takes them in time or the engine
 * stops; never started once cancelled; not held when the send rolls back; and claimed as
 * before for functions with timeouts. One worker, so that a blocked run keeps the others
 * waiting.
 */
@SpringBootTest(classes = { EngineTestApplication.class, EagerStartTests.Config.class }, properties = {
		"inngest.local.workers=1", "inngest.local.poll-interval=50ms", "inngest.local.eager-start.max-wait=1s" })
class EagerStartTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns inngestRuns;

	@Autowired
	RunScheduler engine;

	@Autowired
	LeasedRuns executing;

	@Autowired
	RunQueue queue;

	@Autowired
	RunProbe probe;

	@Autowired
	Executions executions;

	@Autowired
	ClaimRecorder claims;

	@Autowired
	EagerFunctions functions;

	@Autowired
	PlatformTransactionManager transactionManager;

	private final String key = UUID.randomUUID().toString();

	@BeforeEach
	void newBlocker() {
		this.functions.reset();
	}

	@AfterEach
	void releaseAndStart() {
		this.functions.release.countDown();
		this.engine.start();
	}

	@Test
	void aRunSentHereStartsWithoutAClaimAndSeesItsEventAsStored() {
		String eventId = this.inngest
			.send(Event.of("test/eager-quick", Map.of("key", this.key, "item", new Item("book", 2))))
			.get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "eager-quick");

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.claims.asked).doesNotContain(run.id());
		assertThat(run.startedAt()).isEqualTo(run.createdAt());
		assertThat(this.executions.count(this.key, "work")).isEqualTo(1);
		// As a retry, which reads the stored event, would see it: JSON, not the sender's
		// object.
		assertThat(this.executions.recorded(this.key, "item")).containsExactly(Map.of("name", "book", "count", 2));
	}

	@Test
	void aRunSentWhileEveryWorkerIsStuckIsQueuedForAnyInstance() throws InterruptedException {
		blockTheWorker();
		// Longer than the maximum wait: no run ended within it, so none is expected to
		// start soon.
		Thread.sleep(1500);
		String eventId = this.inngest.send(Event.of("test/eager-quick", Map.of("key", this.key))).get(0);
		String runId = this.probe.awaitRunId(eventId, "eager-quick");

		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.QUEUED);
		assertThat(this.executing.heldRuns()).extracting(RunRecord::id).doesNotContain(runId);
		this.functions.release.countDown();
		assertThat(this.probe.awaitEnded(runId, Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.claims.asked).contains(runId);
	}

	@Test
	void runsSentAfterAnIdleAreHeldAsFastAsTheWorkerEndedRunsBeforeIt() throws InterruptedException {
		// Four times the runs sent after the idle: ended evenly over as long as twice the
		// maximum
		// wait, the last half of the wait in which the worker worked still counts ten of
		// them.
		List<String> before = this.inngest.send(quickEvents("-before", 40));
		for (String eventId : before) {
			this.probe.awaitEnded(eventId, "eager-quick");
		}
		// Three times half the maximum wait: every run the worker ended is older than
		// that.
		Thread.sleep(1500);
		List<String> after = this.inngest.send(quickEvents("", 10));
		List<String> runIds = after.stream()
			.map((eventId) -> this.probe.awaitEnded(eventId, "eager-quick").id())
			.toList();

		assertThat(runIds).hasSize(10).noneMatch(this.claims.asked::contains);
		assertThat(this.executions.count(this.key, "work")).isEqualTo(10);
	}

	@Test
	void aRunOfAFunctionWithTimeoutsIsClaimed() {
		String eventId = this.inngest.send(Event.of("test/must-start-soon", Map.of("key", this.key))).get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "must-start-soon");

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.claims.asked).contains(run.id());
	}

	@Test
	void aHeldRunThatNoWorkerStartsInTimeIsGivenBackThenClaimed() throws InterruptedException {
		String runId = heldBehindABlockedWorker();

		RunRecord givenBack = this.probe.awaitStatus(runId, RunStatus.QUEUED);
		assertThat(givenBack.startedAt()).isNull();
		assertThat(this.executing.heldRuns()).extracting(RunRecord::id).doesNotContain(runId);

		this.functions.release.countDown();
		assertThat(this.probe.awaitEnded(runId, Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.claims.asked).contains(runId);
		assertThat(this.executions.count(this.key, "work")).isEqualTo(1);
	}

	@Test
	void stoppingTheEngineGivesBackTheRunsItHolds() throws Exception {
		String runId = heldBehindABlockedWorker();

		// Stopping waits for the blocked worker, after giving back the held run.
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(this.engine::stop);
		RunRecord givenBack = this.probe.awaitStatus(runId, RunStatus.QUEUED);
		assertThat(givenBack.startedAt()).isNull();
		this.functions.release.countDown();
		stopped.get(10, TimeUnit.SECONDS);
		assertThat(this.executions.count(this.key, "work")).isZero();

		this.engine.start();
		assertThat(this.probe.awaitEnded(runId, Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "work")).isEqualTo(1);
	}

	@Test
	void aHeldRunCancelledBeforeAWorkerTakesItNeverStarts() throws InterruptedException {
		String runId = heldBehindABlockedWorker();

		this.inngestRuns.cancel(runId);
		assertThat(this.executing.heldRuns()).extracting(RunRecord::id).doesNotContain(runId);
		this.functions.release.countDown();

		// Taken from the queue once the worker is free, no longer held: the claim finds
		// it ended.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.claims.asked.contains(runId));
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(this.executions.count(this.key, "work")).isZero();
	}

	@Test
	void aSendThatRollsBackHoldsNothing() {
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
		List<String> eventIds = transaction.execute((status) -> {
			List<String> ids = this.inngest.send(Event.of("test/eager-quick", Map.of("key", this.key)));
			status.setRollbackOnly();
			return ids;
		});

		// Other functions' runs may be held meanwhile, such as a cron function's.
		assertThat(this.executing.heldRuns()).extracting(RunRecord::functionId).doesNotContain("eager-quick");
		// The free worker counted for the run is counted again for the next.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queue.promised() == 0);
		assertThat(this.probe.runIds(eventIds.get(0), "eager-quick")).isEmpty();
		assertThat(this.executions.count(this.key, "work")).isZero();
	}

	/**
	 * Ends a run, then blocks the one worker, then sends an event whose run is held:
	 * created leased, not started, as the worker ended a run within the maximum wait.
	 */
	private String heldBehindABlockedWorker() throws InterruptedException {
		String warmUp = this.inngest.send(Event.of("test/eager-quick", Map.of("key", this.key + "-before"))).get(0);
		this.probe.awaitEnded(warmUp, "eager-quick");
		blockTheWorker();
		String eventId = this.inngest.send(Event.of("test/eager-quick", Map.of("key", this.key))).get(0);
		String runId = this.probe.awaitRunId(eventId, "eager-quick");
		RunRecord held = this.probe.run(runId);
		assertThat(held.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(held.startedAt()).isEqualTo(held.createdAt());
		return runId;
	}

	private List<Event> quickEvents(String keySuffix, int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> Event.of("test/eager-quick", Map.of("key", this.key + keySuffix, "n", i)))
			.toList();
	}

	private void blockTheWorker() throws InterruptedException {
		this.inngest.send(Event.of("test/eager-block", Map.of("key", this.key)));
		assertThat(this.functions.blocking.await(10, TimeUnit.SECONDS)).isTrue();
	}

	record Item(String name, int count) {
	}

	/**
	 * A function that blocks the worker until released, and a quick one.
	 */
	static class EagerFunctions {

		private final Executions executions;

		volatile CountDownLatch blocking;

		volatile CountDownLatch release;

		EagerFunctions(Executions executions) {
			this.executions = executions;
			reset();
		}

		void reset() {
			this.blocking = new CountDownLatch(1);
			this.release = new CountDownLatch(1);
		}

		@InngestFunction(id = "eager-blocker", event = "test/eager-block")
		String block(Event event, Step step) {
			return step.run("block", String.class, () -> {
				this.blocking.countDown();
				return this.release.await(20, TimeUnit.SECONDS) ? "released" : "timed out";
			});
		}

		@InngestFunction(id = "eager-quick", event = "test/eager-quick")
		String quick(Event event, Step step) {
			String key = RetryFunctions.key(event);
			if (event.data().containsKey("item")) {
				this.executions.record(key, "item", event.data().get("item"));
			}
			return step.run("work", String.class, () -> "done " + this.executions.hit(key, "work"));
		}

	}

	/**
	 * Records the ids of every run the engine asks the store to claim.
	 */
	static class ClaimRecorder {

		final Set<String> asked = ConcurrentHashMap.newKeySet();

		@SuppressWarnings("unchecked")
		Object intercept(Method called, Object[] args, InterceptedStores.Call call) throws Throwable {
			if (called.getName().equals("claim")) {
				this.asked.addAll((Collection<String>) args[0]);
			}
			return call.proceed();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Config {

		@Bean
		EagerFunctions eagerFunctions(Executions executions) {
			return new EagerFunctions(executions);
		}

		@Bean
		static ClaimRecorder claimRecorder() {
			return new ClaimRecorder();
		}

		@Bean
		static BeanPostProcessor recordClaims(ClaimRecorder recorder) {
			return InterceptedStores.inContext(recorder::intercept);
		}

	}

}
