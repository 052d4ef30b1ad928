package dev.durable.inngest.memory;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.durable.inngest.engine.store.AppStore;

/**
 * The apps synced to the executor, in memory: forgotten when the application stops, so
 * that each app syncs again after a restart, as an SDK does when it is deployed.
 */
public final class InMemoryAppStore implements AppStore {

	private final ConcurrentSkipListMap<String, AppRecord> apps = new ConcurrentSkipListMap<>();

	@Override
	public List<AppRecord> findAll() {
		return List.copyOf(this.apps.values());
	}

	@Override
	public void save(AppRecord app) {
		this.apps.put(app.id(), app);
	}

}
