package dev.durable.inngest.postgresql;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunStore.Completion;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.JdbcEventStore;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batches that update several runs in one transaction lock them in the order of their
 * ids, whatever order they are given in, so that two of them never deadlock: here another
 * transaction holds the run with the lower id and then takes the other one, which the
 * batch, waiting for the first, must not hold yet. A lease renewal waits for no run held
 * by another transaction.
 */
class PostgresRunLockOrderTests {

	private static final Instant T0 = Instant.parse("2026-03-02T10:00:00.123456Z");

	private static final String LEASE = "lease-1";

	private DriverManagerDataSource dataSource;

	private JdbcTemplate jdbc;

	private JdbcRunStore runs;

	@BeforeEach
	void createRunningRuns() {
		this.dataSource = new DriverManagerDataSource(TestDatabases.newPostgresDatabase(TestDatabases.sharedServer()));
		new InngestSchemaInitializer(this.dataSource, DatabaseInitializationMode.ALWAYS, DatabasePlatform.POSTGRESQL)
			.initializeDatabase();
		this.jdbc = new JdbcTemplate(this.dataSource);
		JsonCodec json = new JsonCodec(JsonMapper.builder().build());
		this.runs = new JdbcRunStore(this.jdbc, json, DatabasePlatform.POSTGRESQL);
		Event event = new Event("test/event", Map.of(), null, "event-1", T0.toEpochMilli(), null);
		new JdbcEventStore(this.jdbc, json, DatabasePlatform.POSTGRESQL).insert(List.of(event), T0);
		this.runs.create(List.of(new NewRun("run-a", "fn", "event-1", T0), new NewRun("run-b", "fn", "event-1", T0)));
		assertThat(this.runs.claim(List.of("run-a", "run-b"), LEASE, T0, T0.plus(Duration.ofMinutes(5)))).hasSize(2);
	}

	@AfterEach
	void nothingIsLeftWaiting() {
		assertThat(waitingForLocks()).isZero();
	}

	@Test
	void completionsGivenInAnyOrderLockTheirRunsInTheOrderOfTheirIds() throws Exception {
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		boolean[] held = holdingTheFirstRunWhile(() -> transaction.execute((status) -> this.runs
			.completeAll(List.of(completion("run-b", LEASE, "\"b\""), completion("run-a", LEASE, "\"a\"")))));
		assertThat(held).containsExactly(true, true);
		assertThat(this.runs.find("run-a").orElseThrow().output()).isEqualTo("\"a\"");
		assertThat(this.runs.find("run-b").orElseThrow().output()).isEqualTo("\"b\"");
	}

	@Test
	void completionsGivenInAnyOrderAnswerInTheirOrder() {
		boolean[] held = this.runs
			.completeAll(List.of(completion("run-b", "another-lease", "\"b\""), completion("run-a", LEASE, "\"a\"")));
		assertThat(held).containsExactly(false, true);
		assertThat(this.runs.find("run-a").orElseThrow().status().name()).isEqualTo("COMPLETED");
		assertThat(this.runs.find("run-b").orElseThrow().status().name()).isEqualTo("RUNNING");
	}

	@Test
	void aRenewalPassesOverARunThatAnotherTransactionHoldsAndReportsItsLeaseHeld() throws Exception {
		Map<String, String> leases = new LinkedHashMap<>();
		leases.put("run-b", LEASE);
		leases.put("run-a", LEASE);
		Instant before = this.runs.find("run-a").orElseThrow().dueAt();
		Instant until = T0.plus(Duration.ofMinutes(10));
		try (Connection other = this.dataSource.getConnection(); Statement statement = other.createStatement()) {
			other.setAutoCommit(false);
			// As an application's transaction that cancels run-a and has not committed.
			statement.executeUpdate("UPDATE inngest_run SET attempt = attempt WHERE id = 'run-a'");
			assertThat(CompletableFuture.supplyAsync(() -> this.runs.renew(leases, until)).get(10, TimeUnit.SECONDS))
				.isEmpty();
			other.commit();
		}
		assertThat(this.runs.find("run-a").orElseThrow().dueAt()).isEqualTo(before);
		assertThat(this.runs.find("run-b").orElseThrow().dueAt()).isEqualTo(until);
		// A lease no longer held is reported lost.
		assertThat(this.runs.renew(Map.of("run-a", "another-lease", "run-b", LEASE), until)).containsExactly("run-a");
	}

	private static Completion completion(String runId, String lease, String output) {
		return new Completion(runId, lease, output, T0.plusSeconds(1), null);
	}

	/**
	 * Updates run-a in a transaction of its own, runs the batch meanwhile until it waits
	 * for that lock, then updates run-b in the same transaction, which deadlocks if the
	 * batch holds run-b already, and commits.
	 */
	private <T> T holdingTheFirstRunWhile(Supplier<T> batch) throws Exception {
		CompletableFuture<T> result;
		try (Connection other = this.dataSource.getConnection(); Statement statement = other.createStatement()) {
			other.setAutoCommit(false);
			// A deadlock is found by this transaction, and fails it, soon after it waits.
			statement.execute("SET deadlock_timeout = '50ms'");
			statement.executeUpdate("UPDATE inngest_run SET attempt = attempt WHERE id = 'run-a'");
			result = CompletableFuture.supplyAsync(batch);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (waitingForLocks() == 0) {
				assertThat(System.nanoTime()).as("the batch waits for run-a").isLessThan(deadline);
				assertThat(result).isNotDone();
				Thread.sleep(10);
			}
			statement.executeUpdate("UPDATE inngest_run SET attempt = attempt WHERE id = 'run-b'");
			other.commit();
		}
		return result.get(10, TimeUnit.SECONDS);
	}

	private int waitingForLocks() {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
				Integer.class);
	}

}
