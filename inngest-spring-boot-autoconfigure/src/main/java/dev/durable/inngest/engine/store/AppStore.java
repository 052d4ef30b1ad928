package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.List;

/**
 * Stores the apps that an Inngest SDK synced to this application when it acts as their
 * executor ({@code inngest.executor.enabled}): each app's URL and its functions as it
 * registered them, so that every instance, and the next start, runs them the same way.
 */
public interface AppStore {

	/**
	 * An app as it was last synced.
	 *
	 * @param id the app's id, the {@code appName} of its register request
	 * @param url where the app serves
	 * @param functions its functions' configurations, a JSON array as the SDK sent it
	 * @param checksum a checksum of what the app registered, to tell a repeated sync
	 * @param syncedAt when it was last synced with changes
	 */
	record AppRecord(String id, String url, String functions, String checksum, Instant syncedAt) {

	}

	/**
	 * All the apps, by id.
	 * @return the apps
	 */
	List<AppRecord> findAll();

	/**
	 * Stores an app, replacing the one stored with its id, if any.
	 * @param app the app
	 */
	void save(AppRecord app);

}
