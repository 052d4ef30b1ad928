package dev.durable.inngest.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.actuate.RetentionMetrics;
import dev.durable.inngest.engine.store.DeletedRows;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.testsupport.DatedRows;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention, on H2 and on PostgreSQL, over rows dated as each test needs: what ended,
 * or was received, before the period and is no longer needed is deleted, with every row
 * of an ended run; what has not ended, what ended within the period and the events of the
 * runs kept stay.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class RetentionTests {

	private static final Duration PERIOD = Duration.ofDays(7);

	@Autowired
	RetentionStore store;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	Ids ids;

	@Autowired
	RunScheduler engine;

	@Autowired
	RetentionSweeper scheduledSweeper;

	@Autowired
	DataSource dataSource;

	@Autowired
	EventIngestor ingestor;

	@Autowired
	EventStore events;

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

	/** A day before the period. */
	private final Instant beforeThePeriod = this.now.minus(PERIOD).minus(Duration.ofDays(1));

	/** A day into the period. */
	private final Instant withinThePeriod = this.now.minus(Duration.ofDays(1));

	/** An hour ago: within the deduplication window of event ids. */
	private final Instant withinADay = this.now.minus(Duration.ofHours(1));

	private DatedRows rows;

	@BeforeEach
	void stopTheEngineAndItsSweeper() {
		// The runs below belong to no function, and only this test's sweeps delete them.
		this.engine.stop();
		this.scheduledSweeper.stop();
		this.rows = new DatedRows(JdbcClient.create(this.dataSource), this.ids);
		this.rows.deleteAll();
	}

	@AfterEach
	void startTheEngineAndItsSweeper() {
		this.rows.deleteAll();
		this.scheduledSweeper.start();
		this.engine.start();
	}

	@Test
	void runsThatEndedBeforeThePeriodAreDeletedWithTheirStepsAttemptsWaitsAndEvents() {
		List<String> ended = List.of(this.rows.run(this.beforeThePeriod, RunStatus.COMPLETED, this.beforeThePeriod),
				this.rows.run(this.beforeThePeriod, RunStatus.FAILED, this.beforeThePeriod),
				this.rows.run(this.beforeThePeriod, RunStatus.CANCELLED, this.beforeThePeriod));
		List<String> events = ended.stream().map(this.rows::eventOf).toList();
		for (String runId : ended) {
			this.rows.step(runId, "first", this.beforeThePeriod);
			this.rows.step(runId, "second", this.beforeThePeriod);
			this.rows.attempt(runId, "first", this.beforeThePeriod);
			this.rows.waitFor(runId, "awaited", this.beforeThePeriod);
		}

		DeletedRows deleted = sweeper(100).sweep();

		assertThat(deleted).isEqualTo(new DeletedRows(3, 6, 3, 3, 3, 0));
		for (String runId : ended) {
			assertThat(this.rows.runExists(runId)).isFalse();
			assertThat(this.rows.count("inngest_step", "run_id", runId)).isZero();
			assertThat(this.rows.count("inngest_attempt", "run_id", runId)).isZero();
			assertThat(this.rows.count("inngest_wait", "run_id", runId)).isZero();
		}
		assertThat(events).noneMatch(this.rows::eventExists);
	}

	@Test
	void runsThatHaveNotEndedAreKeptWithTheirStepsAndEventsHoweverOld() {
		Instant longAgo = this.now.minus(Duration.ofDays(365));
		List<String> unended = new ArrayList<>();
		for (RunStatus status : List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SLEEPING, RunStatus.WAITING)) {
			String runId = this.rows.run(longAgo, status);
			this.rows.step(runId, "first", longAgo);
			unended.add(runId);
		}

		DeletedRows deleted = sweeper(100).sweep();

		assertThat(deleted.runs()).isZero();
		for (String runId : unended) {
			assertThat(this.rows.runExists(runId)).isTrue();
			assertThat(this.rows.count("inngest_step", "run_id", runId)).isOne();
			assertThat(this.rows.eventExists(this.rows.eventOf(runId))).isTrue();
		}
	}

	@Test
	void runsThatEndedWithinThePeriodAreKeptWithTheirEventsHoweverLongAgoTheyStarted() {
		String runId = this.rows.run(this.beforeThePeriod, RunStatus.COMPLETED, this.withinThePeriod);
		this.rows.step(runId, "first", this.withinThePeriod);

		DeletedRows deleted = sweeper(100).sweep();

		assertThat(deleted.runs()).isZero();
		assertThat(this.rows.runExists(runId)).isTrue();
		assertThat(this.rows.count("inngest_step", "run_id", runId)).isOne();
		assertThat(this.rows.eventExists(this.rows.eventOf(runId))).isTrue();
	}

	@Test
	void anEventIsKeptWhileARunThatItTriggeredIsKept() {
		String event = this.rows.event(this.beforeThePeriod);
		String deletedRun = this.rows.run(event, this.beforeThePeriod, RunStatus.COMPLETED, this.beforeThePeriod);
		String keptRun = this.rows.run(event, this.beforeThePeriod, RunStatus.SLEEPING, null);

		sweeper(100).sweep();

		assertThat(this.rows.runExists(deletedRun)).isFalse();
		assertThat(this.rows.runExists(keptRun)).isTrue();
		assertThat(this.rows.eventExists(event)).isTrue();
	}

	@Test
	void eventsThatTriggeredNoRunAreDeletedOnlyOnceReceivedBeforeThePeriod() {
		String old = this.rows.event(this.beforeThePeriod);
		String recent = this.rows.event(this.withinThePeriod);

		DeletedRows deleted = sweeper(100).sweep();

		assertThat(deleted.events()).isOne();
		assertThat(this.rows.eventExists(old)).isFalse();
		assertThat(this.rows.eventExists(recent)).isTrue();
	}

	@Test
	void anEventIdSentAgainIsRecognisedWithinADayAndStoredAgainAfterItsEventIsDeleted() {
		String recent = this.rows.event(DatedRows.PREFIX + "recent-" + UUID.randomUUID(), this.withinADay);
		String kept = this.rows.event(DatedRows.PREFIX + "kept-" + UUID.randomUUID(), this.withinThePeriod);
		String deleted = this.rows.event(DatedRows.PREFIX + "deleted-" + UUID.randomUUID(), this.beforeThePeriod);

		sweeper(100).sweep();
		this.ingestor.send(List.of(new Event("test/retention.again", Map.of(), Map.of(), recent, 0, null),
				new Event("test/retention.again", Map.of(), Map.of(), kept, 0, null),
				new Event("test/retention.again", Map.of(), Map.of(), deleted, 0, null)));

		// The duplicate is not stored; the events received before the day are stored
		// again, the one whose first was deleted under its id, the other beside it.
		assertThat(this.events.receivedAt(recent)).contains(this.withinADay);
		assertThat(this.rows.receivedAt(kept)).isEqualTo(this.withinThePeriod);
		assertThat(this.events.receivedAt(kept)).hasValueSatisfying((at) -> assertThat(at).isAfter(this.withinADay));
		assertThat(this.rows.receivedAt(deleted)).isAfter(this.withinADay);
	}

	@Test
	void aSweepDoesNotWaitForRunsThatTheEngineHolds() throws Exception {
		String held = this.rows.run(this.beforeThePeriod, RunStatus.RUNNING);
		String ended = this.rows.run(this.beforeThePeriod, RunStatus.COMPLETED, this.beforeThePeriod);
		ExecutorService thread = Executors.newSingleThreadExecutor();
		try (Connection engine = this.dataSource.getConnection()) {
			// As a worker's update holds the row of its run until it commits.
			engine.setAutoCommit(false);
			try (PreparedStatement update = engine
				.prepareStatement("UPDATE inngest_run SET attempt = attempt + 1 WHERE id = ?")) {
				update.setString(1, held);
				assertThat(update.executeUpdate()).isOne();
			}

			DeletedRows deleted = thread.submit(() -> sweeper(100).sweep()).get(60, TimeUnit.SECONDS);

			assertThat(deleted.runs()).isOne();
			assertThat(this.rows.runExists(ended)).isFalse();
			engine.rollback();
		}
		finally {
			thread.shutdownNow();
		}
		assertThat(this.rows.runExists(held)).isTrue();
	}

	@Test
	void bulkReplaysThatEndedBeforeThePeriodAreDeletedAndTheOthersKept() {
		String completed = this.rows.replay(this.beforeThePeriod, "COMPLETED", this.beforeThePeriod);
		String stopped = this.rows.replay(this.beforeThePeriod, "STOPPED", this.beforeThePeriod);
		String endedWithinThePeriod = this.rows.replay(this.beforeThePeriod, "COMPLETED", this.withinThePeriod);
		String running = this.rows.replay(this.beforeThePeriod, "RUNNING", this.beforeThePeriod);

		DeletedRows deleted = sweeper(100).sweep();

		assertThat(deleted.replays()).isEqualTo(2);
		assertThat(this.rows.count("inngest_replay", "id", completed)).isZero();
		assertThat(this.rows.count("inngest_replay", "id", stopped)).isZero();
		assertThat(this.rows.count("inngest_replay", "id", endedWithinThePeriod)).isOne();
		assertThat(this.rows.count("inngest_replay", "id", running)).isOne();
	}

	@Test
	void bulkCancellationsThatEndedBeforeThePeriodAreDeletedAndTheOthersKept() {
		String completed = this.rows.cancellation(this.beforeThePeriod, "COMPLETED", this.beforeThePeriod);
		String stopped = this.rows.cancellation(this.beforeThePeriod, "STOPPED", this.beforeThePeriod);
		String endedWithinThePeriod = this.rows.cancellation(this.beforeThePeriod, "COMPLETED", this.withinThePeriod);
		String running = this.rows.cancellation(this.beforeThePeriod, "RUNNING", this.beforeThePeriod);

		DeletedRows deleted = sweeper(100).sweep();

		assertThat(deleted.cancellations()).isEqualTo(2);
		assertThat(this.rows.count("inngest_cancellation", "id", completed)).isZero();
		assertThat(this.rows.count("inngest_cancellation", "id", stopped)).isZero();
		assertThat(this.rows.count("inngest_cancellation", "id", endedWithinThePeriod)).isOne();
		assertThat(this.rows.count("inngest_cancellation", "id", running)).isOne();
	}

	@Test
	void moreRowsThanABatchAreDeletedInSeveralBatches() {
		List<String> runIds = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			runIds.add(this.rows.run(this.beforeThePeriod.plusMillis(i), RunStatus.COMPLETED, this.beforeThePeriod));
		}
		List<DeletedRows> batches = new CopyOnWriteArrayList<>();

		DeletedRows deleted = sweeper(3, batches::add).sweep();

		assertThat(deleted.runs()).isEqualTo(7);
		assertThat(deleted.events()).isEqualTo(7);
		assertThat(runIds).noneMatch(this.rows::runExists);
		// Three batches of at most three runs, then three of at most three events.
		assertThat(batches).hasSize(6).allSatisfy((batch) -> assertThat(batch.total()).isBetween(1L, 3L));
	}

	@Test
	void twoSweepersAtOnceDeleteEveryRowOnceWithoutFailing() throws Exception {
		int count = 200;
		for (int i = 0; i < count; i++) {
			String runId = this.rows.run(this.beforeThePeriod.plusMillis(i), RunStatus.COMPLETED, this.beforeThePeriod);
			this.rows.step(runId, "first", this.beforeThePeriod);
		}
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<Future<DeletedRows>> sweeps = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				RetentionSweeper sweeper = sweeper(10);
				sweeps.add(threads.submit(() -> {
					start.await();
					return sweeper.sweep();
				}));
			}
			start.countDown();

			DeletedRows total = sweeps.get(0).get(60, TimeUnit.SECONDS).plus(sweeps.get(1).get(60, TimeUnit.SECONDS));

			assertThat(total).isEqualTo(new DeletedRows(count, count, 0, 0, count, 0));
			assertThat(this.rows.count("inngest_run", "function_id", DatedRows.FUNCTION)).isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void theMetricCountsTheRowsDeletedByKind() {
		String runId = this.rows.run(this.beforeThePeriod, RunStatus.FAILED, this.beforeThePeriod);
		this.rows.step(runId, "first", this.beforeThePeriod);
		this.rows.step(runId, "second", this.beforeThePeriod);
		this.rows.attempt(runId, "first", this.beforeThePeriod);
		this.rows.waitFor(runId, "awaited", this.beforeThePeriod);
		this.rows.event(this.beforeThePeriod);
		this.rows.cancellation(this.beforeThePeriod, "COMPLETED", this.beforeThePeriod);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();

		sweeper(100, new RetentionMetrics(registry)).sweep();

		assertThat(deletedCount(registry, "runs")).isEqualTo(1);
		assertThat(deletedCount(registry, "steps")).isEqualTo(2);
		assertThat(deletedCount(registry, "attempts")).isEqualTo(1);
		assertThat(deletedCount(registry, "waits")).isEqualTo(1);
		assertThat(deletedCount(registry, "events")).isEqualTo(2);
		assertThat(deletedCount(registry, "cancellations")).isEqualTo(1);
	}

	private static double deletedCount(SimpleMeterRegistry registry, String kind) {
		return registry.get(RetentionMetrics.RETENTION_DELETED).tag("kind", kind).counter().count();
	}

	private RetentionSweeper sweeper(int batchSize, RetentionSweeper.Listener... listeners) {
		return new RetentionSweeper(this.store, new TransactionTemplate(this.transactionManager),
				Clock.fixed(this.now, ZoneOffset.UTC),
				new RetentionSweeper.Settings(PERIOD, Duration.ofHours(1), batchSize), List.of(listeners));
	}

}
