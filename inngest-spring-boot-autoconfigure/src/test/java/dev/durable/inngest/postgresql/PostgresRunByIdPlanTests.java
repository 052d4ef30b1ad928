package dev.durable.inngest.postgresql;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.RunStore.Completion;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.testsupport.TestDatabases;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statements that find one run by its id and guard its status read it through the
 * primary key, even when PostgreSQL's statistics were taken while no run had that status
 * (an idle moment) and many have it now: its planner then prefers the
 * {@code (status, created_at)} index, and would read every running or waiting run to find
 * one.
 */
class PostgresRunByIdPlanTests {

	private static final Instant T0 = Instant.parse("2026-03-02T10:00:00.123456Z");

	private static final String LEASE = "lease-1";

	private JdbcTemplate jdbc;

	private JdbcRunStore runs;

	@BeforeEach
	void manyRunsRunningAndWaitingSinceTheStatisticsWereTaken() {
		DriverManagerDataSource dataSource = new DriverManagerDataSource(
				TestDatabases.newPostgresDatabase(TestDatabases.sharedServer()));
		new InngestSchemaInitializer(dataSource, DatabaseInitializationMode.ALWAYS, DatabasePlatform.POSTGRESQL)
			.initializeDatabase();
		this.jdbc = new JdbcTemplate(dataSource);
		this.runs = new JdbcRunStore(this.jdbc, new JsonCodec(JsonMapper.builder().build()),
				DatabasePlatform.POSTGRESQL);
		// The statistics stay those taken below, with every run ended.
		this.jdbc.execute("ALTER TABLE inngest_run SET (autovacuum_enabled = false)");
		this.jdbc.update(
				"INSERT INTO inngest_event (id, name, data, ts, received_at) VALUES ('e', 'test/e', '{}', 0, ?)",
				at(T0));
		insertRuns("c", 1000, "COMPLETED", null, null);
		this.jdbc.execute("ANALYZE inngest_run");
		Instant due = T0.plus(Duration.ofMinutes(5));
		insertRuns("r", 500, "RUNNING", due, LEASE);
		insertRuns("w", 500, "WAITING", due, null);
	}

	@Test
	void eachStatementOnARunFoundByItsIdReadsItThroughThePrimaryKey() throws InterruptedException {
		long[] before = indexScans();
		Instant now = T0.plusSeconds(1);
		assertThat(this.runs.complete(new Completion(id("r", 1), LEASE, "\"done\"", now, null))).isTrue();
		assertThat(this.runs.fail(id("r", 2), LEASE, new ErrorInfo("Error", "failed", null), now)).isTrue();
		assertThat(this.runs.suspend(id("r", 3), LEASE, RunStatus.SLEEPING, now.plusSeconds(60), 0)).isTrue();
		assertThat(this.runs.renew(Map.of(id("r", 4), LEASE), now.plusSeconds(30))).isEmpty();
		assertThat(this.runs.giveBack(Map.of(id("r", 5), LEASE), now)).containsExactly(id("r", 5));
		assertThat(this.runs.leaseExpiry(id("r", 6), LEASE)).isPresent();
		assertThat(this.runs.wake(id("w", 1), now)).isTrue();
		assertThat(this.runs.cancel(id("w", 2), new RunView.Cancellation("api", "no longer needed"), now)).isTrue();
		long[] after = indexScans();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (after[0] - before[0] + after[1] - before[1] < 8 && System.nanoTime() < deadline) {
			// The statistics arrive shortly after each statement's connection closes.
			Thread.sleep(50);
			after = indexScans();
		}
		assertThat(after[1] - before[1]).as("scans of the status index").isZero();
		assertThat(after[0] - before[0]).as("scans of the primary key").isGreaterThanOrEqualTo(8);
	}

	private void insertRuns(String prefix, int count, String status, @Nullable Instant dueAt, @Nullable String lease) {
		this.jdbc
			.update("INSERT INTO inngest_run (id, function_id, event_id, attempt, created_at, status, due_at, lease) "
					+ "SELECT ? || lpad(g::text, 6, '0'), 'fn', 'e', 0, ?, ?, ?::timestamptz, ? FROM generate_series(1, ?) g",
					prefix, at(T0), status, (dueAt != null) ? at(dueAt) : null, lease, count);
	}

	private static OffsetDateTime at(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static String id(String prefix, int n) {
		return prefix + String.format("%06d", n);
	}

	/** The scans of the run table's primary key and of its status index so far. */
	private long[] indexScans() {
		Map<String, Object> scans = this.jdbc
			.queryForMap("SELECT " + "SUM(idx_scan) FILTER (WHERE indexrelname = 'inngest_run_pkey') AS by_id, "
					+ "SUM(idx_scan) FILTER (WHERE indexrelname = 'inngest_run_status') AS by_status "
					+ "FROM pg_stat_user_indexes WHERE relname = 'inngest_run'");
		return new long[] { ((Number) scans.get("by_id")).longValue(), ((Number) scans.get("by_status")).longValue() };
	}

}
