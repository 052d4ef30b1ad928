package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.StepStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a step checks of its run's lease before it begins, on H2 and on PostgreSQL: it
 * reads the lease as the step before is stored and renews it only when the engine's
 * renewal is late, and a run cancelled or taken over by another instance (changed in the
 * database alone, as another instance changes it) stops before its next step. The lease
 * is three minutes, so that the engine's own renewal, every minute, does not happen
 * during a test.
 */
@SpringBootTest(classes = { EngineTestApplication.class, StepLeaseTests.GatedSteps.class },
		properties = "inngest.local.lease.duration=3m")
class StepLeaseTests {

	private static final Duration LEASE = Duration.ofMinutes(3);

	@Autowired
	InngestClient inngest;

	@Autowired
	GatedSteps functions;

	@Autowired
	RunProbe probe;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EventStore events;

	@Autowired
	RunStore runs;

	@Autowired
	StepStore steps;

	private final String key = UUID.randomUUID().toString();

	@Test
	void aStepBeginsWithoutRenewingALeaseThatIsNotDueForRenewal() throws Exception {
		Gates gates = this.functions.gates(this.key);
		String runId = start();
		Instant claimed = leaseExpiry(runId);

		gates.releaseFirst.countDown();
		assertThat(gates.secondEntered.await(10, TimeUnit.SECONDS)).isTrue();

		assertThat(leaseExpiry(runId)).isEqualTo(claimed);
		gates.releaseSecond.countDown();
		assertThat(this.probe.awaitStatus(runId, RunStatus.COMPLETED).output()).isEqualTo("\"second\"");
	}

	@Test
	void aStepRenewsTheLeaseItselfWhenTheEnginesRenewalIsLate() throws Exception {
		Gates gates = this.functions.gates(this.key);
		String runId = start();
		// As if the engine had not renewed it for a while: less than a third of the lease
		// is left.
		Instant released = Instant.now();
		setLeaseExpiry(runId, released.plusSeconds(5));

		gates.releaseFirst.countDown();
		assertThat(gates.secondEntered.await(10, TimeUnit.SECONDS)).isTrue();

		assertThat(leaseExpiry(runId)).isAfterOrEqualTo(released.plus(LEASE).truncatedTo(ChronoUnit.MILLIS));
		gates.releaseSecond.countDown();
		this.probe.awaitStatus(runId, RunStatus.COMPLETED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "UPDATE inngest_run SET status = 'CANCELLED', due_at = NULL, ended_at = CURRENT_TIMESTAMP "
			+ "WHERE id = ?", "UPDATE inngest_run SET lease = 'another-instance' WHERE id = ?" })
	void aRunCancelledOrTakenOverElsewhereStopsBeforeItsNextStepAndKeepsTheStepThatCompleted(String change)
			throws Exception {
		Gates gates = this.functions.gates(this.key);
		String runId = start();
		this.jdbc.sql(change).param(runId).update();

		gates.releaseFirst.countDown();

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.steps(runId)
				.stream()
				.anyMatch((step) -> step.key().equals("first") && step.status() == StepStatus.COMPLETED));
		assertThat(gates.secondEntered.await(1, TimeUnit.SECONDS)).isFalse();
		assertThat(this.probe.steps(runId)).hasSize(1);
	}

	@Test
	void aRunWhoseStepAnotherExecutionStoredFirstIsQueuedAgainAtOnce() throws Exception {
		Gates gates = this.functions.gates(this.key);
		String runId = start();
		// As the instance that held the run before this one took it over stores the step
		// it was executing too, and first.
		Instant now = Instant.now();
		this.jdbc
			.sql("INSERT INTO inngest_step (run_id, step_key, step_id, kind, status, attempts, started_at, ended_at) "
					+ "VALUES (?, 'first', 'first', 'RUN', 'COMPLETED', 1, ?, ?)")
			.params(runId, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
			.update();

		gates.releaseFirst.countDown();
		gates.releaseSecond.countDown();

		// Replayed with the step stored first, well before this execution's lease
		// expires.
		RunRecord run = this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.probe.steps(runId)).extracting(StepRecord::key).containsExactly("first", "second");
		assertThat(gates.firstExecutions).hasValue(1);
	}

	@Test
	void storingAStepReadsTheLeaseAndKeepsTheStepWhenTheLeaseIsLost() {
		// Due in an hour, so that the engine leaves them alone.
		Instant later = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS);
		Event event = Event.of("test/lease", Map.of())
			.withId(UUID.randomUUID().toString())
			.withTs(later.toEpochMilli());
		List<String> ids = QueuedRuns.queue(this.events, this.runs, event, "lease-test", 3, later);
		Instant until = later.plus(LEASE);
		assertThat(this.runs.claim(ids, "lease-1", later, until)).hasSize(3);
		this.jdbc.sql("UPDATE inngest_run SET status = 'CANCELLED', due_at = NULL WHERE id = ?")
			.param(ids.get(2))
			.update();

		assertThat(this.runs.storeStep(step(ids.get(0)), "lease-1")).contains(until);
		assertThat(this.runs.storeStep(step(ids.get(1)), "someone-else")).isEmpty();
		assertThat(this.runs.storeStep(step(ids.get(2)), "lease-1")).isEmpty();

		for (String id : ids) {
			assertThat(this.steps.findByRun(id)).singleElement()
				.satisfies((stored) -> assertThat(stored.output()).isEqualTo("1"));
		}
		assertThat(this.runs.leaseExpiry(ids.get(0), "lease-1")).contains(until);
		assertThat(this.runs.leaseExpiry(ids.get(1), "someone-else")).isEmpty();
		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> this.runs.storeStep(step(ids.get(0)), "lease-1"));
		assertThat(this.runs.leaseExpiry(ids.get(0), "lease-1")).contains(until);
	}

	private static StepRecord step(String runId) {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		return new StepRecord(runId, "one", "one", StepKind.RUN, StepStatus.COMPLETED, 1, "1", null, null, now, now);
	}

	/** Starts a run and waits until its first step is at its gate. */
	private String start() throws InterruptedException {
		String eventId = this.inngest.send(Event.of("test/gated-steps", Map.of("key", this.key))).get(0);
		String runId = this.probe.awaitRunId(eventId, "gated-steps");
		assertThat(this.functions.gates(this.key).firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
		return runId;
	}

	private Instant leaseExpiry(String runId) {
		return Optional.ofNullable(this.probe.run(runId).dueAt()).orElseThrow();
	}

	private void setLeaseExpiry(String runId, Instant expiry) {
		this.jdbc.sql("UPDATE inngest_run SET due_at = ? WHERE id = ?")
			.params(OffsetDateTime.ofInstant(expiry, ZoneOffset.UTC), runId)
			.update();
	}

	/** A function of two steps, each waiting at a gate of the run's key. */
	static class GatedSteps {

		private final Map<String, Gates> gates = new ConcurrentHashMap<>();

		Gates gates(String key) {
			return this.gates.computeIfAbsent(key, (k) -> new Gates());
		}

		@InngestFunction(id = "gated-steps", event = "test/gated-steps")
		String gatedSteps(Event event, Step step) {
			Gates gates = gates((String) event.data().get("key"));
			step.run("first", () -> {
				gates.firstExecutions.incrementAndGet();
				gates.pass(gates.firstEntered, gates.releaseFirst);
			});
			return step.run("second", String.class, () -> {
				gates.pass(gates.secondEntered, gates.releaseSecond);
				return "second";
			});
		}

	}

	static final class Gates {

		final AtomicInteger firstExecutions = new AtomicInteger();

		final CountDownLatch firstEntered = new CountDownLatch(1);

		final CountDownLatch releaseFirst = new CountDownLatch(1);

		final CountDownLatch secondEntered = new CountDownLatch(1);

		final CountDownLatch releaseSecond = new CountDownLatch(1);

		void pass(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
			entered.countDown();
			release.await(20, TimeUnit.SECONDS);
		}

	}

}
