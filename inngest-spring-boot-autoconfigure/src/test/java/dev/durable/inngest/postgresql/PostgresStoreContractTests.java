package dev.durable.inngest.postgresql;

import dev.durable.inngest.engine.store.StoreContractTests;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.testsupport.JdbcTestStores;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the JDBC store, on PostgreSQL: a new database for each test on
 * the server the tests share.
 */
class PostgresStoreContractTests extends StoreContractTests {

	@Test
	void storesEventsWithTheirRunsAtOnce() {
		Stores stores = createStores();
		try {
			assertThat(stores.events().insertsAtOnce()).isTrue();
		}
		finally {
			stores.close().run();
		}
	}

	@Override
	protected Stores createStores() {
		return JdbcTestStores.create(TestDatabases.newPostgresDatabase(TestDatabases.sharedServer()),
				DatabasePlatform.POSTGRESQL);
	}

}
