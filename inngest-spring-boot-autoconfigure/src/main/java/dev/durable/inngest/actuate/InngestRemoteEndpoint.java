package dev.durable.inngest.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.remote.AppSync;
import dev.durable.inngest.remote.AppSync.SyncState;
import dev.durable.inngest.remote.FunctionConfigs;
import dev.durable.inngest.remote.RemoteSettings;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code inngest} Actuator endpoint in remote mode, where runs live on the platform:
 * {@code GET /actuator/inngest} shows the functions as the platform knows them (their
 * composite ids), where the application is served and reaches the platform, and the sync:
 * its state, when the functions were last synced, the hash of the configuration synced
 * and the hash of the configuration the application would sync now, which differ when the
 * platform has not been told of a change.
 */
@Endpoint(id = "inngest", defaultAccess = Access.READ_ONLY)
public class InngestRemoteEndpoint {

	private final RemoteSettings settings;

	private final Supplier<FunctionRegistry> registry;

	private final AppSync sync;

	/**
	 * Creates the endpoint.
	 * @param settings the remote mode's settings
	 * @param registry the functions
	 * @param sync the sync
	 */
	public InngestRemoteEndpoint(RemoteSettings settings, Supplier<FunctionRegistry> registry, AppSync sync) {
		this.settings = settings;
		this.registry = registry;
		this.sync = sync;
	}

	/**
	 * The functions, the addresses and the sync.
	 * @return the description
	 */
	@ReadOperation
	public Map<String, Object> remote() {
		SyncState state = this.sync.state();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("mode", "remote");
		description.put("functions",
				this.registry.get()
					.all()
					.stream()
					.map(FunctionDefinition::id)
					.map((id) -> FunctionConfigs.compositeId(this.settings.appId(), id))
					.toList());
		description.putAll(details(this.settings, state));
		if (state.appUrl() != null) {
			description.put("currentConfigHash", AppSync.hash(this.sync.request(state.appUrl())));
		}
		return description;
	}

	static Map<String, Object> details(RemoteSettings settings, SyncState state) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("platform", settings.modeName());
		details.put("appId", settings.appId());
		details.put("apiOrigin", settings.apiOrigin());
		details.put("eventApiOrigin", settings.eventApiOrigin());
		details.put("servePath", settings.servePath());
		details.put("sync", state.status().name().toLowerCase(Locale.ROOT));
		details.put("appUrl", (state.appUrl() != null) ? state.appUrl() : "none");
		details.put("lastSyncedAt", (state.lastSyncedAt() != null) ? state.lastSyncedAt().toString() : "never");
		details.put("lastAttemptAt", (state.lastAttemptAt() != null) ? state.lastAttemptAt().toString() : "never");
		details.put("configHash", (state.configHash() != null) ? state.configHash() : "none");
		if (state.lastError() != null) {
			details.put("lastError", state.lastError());
			details.put("failures", state.failures());
		}
		return details;
	}

}
