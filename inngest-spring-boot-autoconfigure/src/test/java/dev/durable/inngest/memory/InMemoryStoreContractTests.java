package dev.durable.inngest.memory;

import dev.durable.inngest.engine.store.StoreContractTests;

/**
 * The store contract on the in-memory store.
 */
class InMemoryStoreContractTests extends StoreContractTests {

	@Override
	protected Stores createStores() {
		InMemoryInngestStore store = new InMemoryInngestStore();
		return new Stores(store.runs(), store.steps(), store.waits(), store.events(), store.cancellations(),
				store.crons(), store.retention(), store.transactions(), () -> {
				}, store.replays(), store.stats());
	}

}
