package dev.durable.inngest.postgresql;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.JdbcEventStore;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.local.PostgresRunSignals;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writes PostgreSQL commits without waiting for the disk (a claim made on its own, a
 * signal to the other instances) change that for their own commit only: the connection
 * they used, which goes back to the application's pool, still waits for the disk, and so
 * does a transaction a claim is made in.
 */
class PostgresUnflushedCommitTests {

	private static final Instant T0 = Instant.parse("2026-03-02T10:00:00.123456Z");

	private SingleConnectionDataSource dataSource;

	private JdbcTemplate jdbc;

	private JdbcRunStore runs;

	@BeforeEach
	void createDatabase() {
		this.dataSource = new SingleConnectionDataSource(
				TestDatabases.newPostgresDatabase(TestDatabases.sharedServer()), true);
		new InngestSchemaInitializer(this.dataSource, DatabaseInitializationMode.ALWAYS, DatabasePlatform.POSTGRESQL)
			.initializeDatabase();
		this.jdbc = new JdbcTemplate(this.dataSource);
		// The tests' server commits without waiting unless told; an application's waits.
		this.jdbc.execute("SET synchronous_commit = on");
		JsonCodec json = new JsonCodec(JsonMapper.builder().build());
		this.runs = new JdbcRunStore(this.jdbc, json, DatabasePlatform.POSTGRESQL);
		Event event = new Event("test/event", Map.of(), null, "event-1", T0.toEpochMilli(), null);
		new JdbcEventStore(this.jdbc, json, DatabasePlatform.POSTGRESQL).insert(List.of(event), T0);
		this.runs.create(List.of(new NewRun("run-1", "fn", "event-1", T0), new NewRun("run-2", "fn", "event-1", T0)));
		assertThat(synchronousCommit()).isEqualTo("on");
	}

	@AfterEach
	void closeDatabase() {
		this.dataSource.destroy();
	}

	@Test
	void aClaimOnItsOwnLeavesItsConnectionWaitingForTheDisk() {
		assertThat(this.runs.claim(List.of("run-1"), "lease", T0, T0.plus(Duration.ofSeconds(30)))).hasSize(1);
		assertThat(synchronousCommit()).isEqualTo("on");
		assertThat(this.runs.find("run-1").orElseThrow().status().name()).isEqualTo("RUNNING");
	}

	@Test
	void aClaimInATransactionLeavesTheTransactionWaitingForTheDisk() {
		String setting = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource))
			.execute((status) -> {
				assertThat(this.runs.claim(List.of("run-2"), "lease", T0, T0.plus(Duration.ofSeconds(30)))).hasSize(1);
				return synchronousCommit();
			});
		assertThat(setting).isEqualTo("on");
		assertThat(synchronousCommit()).isEqualTo("on");
	}

	@Test
	void aSignalLeavesItsConnectionWaitingForTheDisk() throws Exception {
		try (PostgresRunSignals signals = new PostgresRunSignals(this.jdbc)) {
			signals.due(List.of("run-1"));
		}
		assertThat(synchronousCommit()).isEqualTo("on");
	}

	private String synchronousCommit() {
		return this.jdbc.queryForObject("SHOW synchronous_commit", String.class);
	}

}
