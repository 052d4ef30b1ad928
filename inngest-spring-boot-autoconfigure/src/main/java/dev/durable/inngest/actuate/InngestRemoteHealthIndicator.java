package dev.durable.inngest.actuate;

import dev.durable.inngest.remote.AppSync;
import dev.durable.inngest.remote.AppSync.SyncState;
import dev.durable.inngest.remote.RemoteSettings;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of remote mode: {@code UP} once the functions are synced to the platform,
 * and still when a later sync failed (the platform keeps calling what it knows);
 * {@code UNKNOWN} until a sync succeeds, so that a platform that is down does not take
 * the application out of service. The details show the sync's state, when the functions
 * were last synced, the hash of the configuration synced, and why the last sync failed.
 */
public class InngestRemoteHealthIndicator extends AbstractHealthIndicator {

	private final RemoteSettings settings;

	private final AppSync sync;

	/**
	 * Creates the indicator.
	 * @param settings the remote mode's settings
	 * @param sync the sync
	 */
	public InngestRemoteHealthIndicator(RemoteSettings settings, AppSync sync) {
		super("Inngest remote mode health check failed");
		this.settings = settings;
		this.sync = sync;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		SyncState state = this.sync.state();
		builder.status((state.lastSyncedAt() != null) ? Status.UP : Status.UNKNOWN);
		InngestRemoteEndpoint.details(this.settings, state).forEach(builder::withDetail);
	}

}
