package dev.durable.inngest.postgresql;

import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaException;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.InngestSchemaVerifier;
import dev.durable.inngest.local.JdbcStepStore;
import dev.durable.inngest.testsupport.SchemaVersion1;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The PostgreSQL schema script applied to a database of schema version 1, with a run in
 * it, as a DBA applies it by hand: it adds what versions 2 and 3 have, and the run's
 * steps stored before read as they were.
 */
class SchemaMigrationTests {

	@Test
	void applyingTheScriptToADatabaseOfVersion1MigratesItAndKeepsItsSteps() {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(
				TestDatabases.newPostgresDatabase(TestDatabases.sharedServer()), true);
		try {
			JdbcClient jdbc = JdbcClient.create(dataSource);
			applyScript(dataSource);
			SchemaVersion1.restore(jdbc);
			jdbc.sql("INSERT INTO inngest_event (id, name, data, ts, received_at) "
					+ "VALUES ('e1', 'test/old', '{}', 0, CURRENT_TIMESTAMP)")
				.update();
			jdbc.sql("INSERT INTO inngest_run (id, function_id, event_id, status, attempt, created_at, started_at, "
					+ "ended_at, output) VALUES ('r1', 'old', 'e1', 'COMPLETED', 0, CURRENT_TIMESTAMP, "
					+ "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '\"done\"')")
				.update();
			jdbc.sql("INSERT INTO inngest_step (run_id, step_key, step_id, kind, status, attempts, output, "
					+ "started_at, ended_at) VALUES ('r1', 'only', 'only', 'RUN', 'COMPLETED', 1, '1', "
					+ "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
				.update();
			assertThatExceptionOfType(InngestSchemaException.class)
				.isThrownBy(() -> new InngestSchemaVerifier(dataSource, DatabasePlatform.POSTGRESQL).verify())
				.withMessageContaining("has version 1");

			applyScript(dataSource);

			assertThat(new InngestSchemaVerifier(dataSource, DatabasePlatform.POSTGRESQL).verify())
				.isEqualTo(InngestSchemaVerifier.VERSION);
			assertThat(jdbc
				.sql("SELECT column_name FROM information_schema.columns "
						+ "WHERE table_name = 'inngest_run' AND column_name LIKE 'last_step%'")
				.query(String.class)
				.list()).containsExactlyInAnyOrderElementsOf(SchemaVersion1.LAST_STEP_COLUMNS);
			assertThat(jdbc.sql("SELECT indexname FROM pg_indexes WHERE tablename = 'inngest_event'")
				.query(String.class)
				.list()).contains(SchemaVersion1.EVENT_RECEIVED_INDEX);
			assertThat(jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'inngest_re%'")
				.query(String.class)
				.list()).contains("inngest_rerun", "inngest_replay");
			assertThat(jdbc
				.sql("SELECT COUNT(*) FROM information_schema.columns "
						+ "WHERE table_name = 'inngest_event' AND column_name = 'sent_id'")
				.query(Integer.class)
				.single()).isOne();
			assertThat(jdbc.sql("SELECT indexname FROM pg_indexes WHERE tablename = ?")
				.param(SchemaVersion1.EVENT_RESENT_TABLE)
				.query(String.class)
				.list()).contains("inngest_event_resent_key");
			assertThat(jdbc.sql("SELECT indexname FROM pg_indexes WHERE tablename = 'inngest_rerun'")
				.query(String.class)
				.list()).contains("inngest_rerun_of");
			assertThat(jdbc.sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'inngest_app'")
				.query(Integer.class)
				.single()).isOne();
			assertThat(jdbc.sql("SELECT rolled_to FROM inngest_stats_rollup WHERE id = 1").query(Long.class).list())
				.containsExactly((Long) null);
			assertThat(
					jdbc.sql("SELECT indexname FROM pg_indexes WHERE tablename IN ('inngest_run', 'inngest_attempt')")
						.query(String.class)
						.list())
				.contains("inngest_run_due_ended", "inngest_attempt_failed")
				.doesNotContain("inngest_run_due");
			assertThat(new JdbcStepStore(new JdbcTemplate(dataSource)).findByRun("r1")).singleElement()
				.extracting(StepRecord::key, StepRecord::output)
				.containsExactly("only", "1");
		}
		finally {
			dataSource.destroy();
		}
	}

	private static void applyScript(SingleConnectionDataSource dataSource) {
		new ResourceDatabasePopulator(new ClassPathResource(
				InngestSchemaInitializer.schemaLocation(DatabasePlatform.POSTGRESQL).replace("classpath:", "")))
			.execute(dataSource);
	}

}
