package dev.durable.inngest.testsupport;

import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.StoreContractTests.Stores;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.JdbcCancellationStore;
import dev.durable.inngest.local.JdbcReplayStore;
import dev.durable.inngest.local.JdbcRunStatsStore;
import dev.durable.inngest.local.JdbcCronStore;
import dev.durable.inngest.local.JdbcEventStore;
import dev.durable.inngest.local.JdbcRetentionStore;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.local.JdbcStepStore;
import dev.durable.inngest.local.JdbcWaitStore;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The JDBC stores on a new, empty database with the engine's schema, on one connection,
 * for the store contract tests.
 */
public final class JdbcTestStores {

	private JdbcTestStores() {
	}

	/**
	 * Creates the schema on a new database and the stores on it.
	 * @param url the JDBC URL of the database, which is empty
	 * @param platform its platform
	 * @return the stores; closing them closes the connection, and an H2 database with it
	 */
	public static Stores create(String url, DatabasePlatform platform) {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url, true);
		new InngestSchemaInitializer(dataSource, DatabaseInitializationMode.ALWAYS, platform).initializeDatabase();
		JdbcTemplate template = new JdbcTemplate(dataSource);
		JsonCodec json = new JsonCodec(JsonMapper.builder().build());
		return new Stores(new JdbcRunStore(template, json, platform), new JdbcStepStore(template),
				new JdbcWaitStore(template), new JdbcEventStore(template, json, platform),
				new JdbcCancellationStore(template), new JdbcCronStore(template), new JdbcRetentionStore(template),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)), () -> {
					if (platform == DatabasePlatform.H2) {
						template.execute("SHUTDOWN");
					}
					dataSource.destroy();
				}, new JdbcReplayStore(template), new JdbcRunStatsStore(template));
	}

}
