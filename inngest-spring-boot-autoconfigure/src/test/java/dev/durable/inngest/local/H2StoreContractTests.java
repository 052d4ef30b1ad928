package dev.durable.inngest.local;

import java.util.UUID;

import dev.durable.inngest.engine.store.StoreContractTests;
import dev.durable.inngest.testsupport.JdbcTestStores;

/**
 * The store contract on the JDBC store, on H2.
 */
class H2StoreContractTests extends StoreContractTests {

	@Override
	protected Stores createStores() {
		return JdbcTestStores.create("jdbc:h2:mem:contract-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				DatabasePlatform.H2);
	}

}
