package dev.durable.inngest.remote;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.durable.inngest.remote.PlatformApi.Answer;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;

/**
 * The ids functions were synced with, for the platform's own ids of them: the REST API
 * names a run's function ({@code function_id}) by the UUID the platform gave it, and
 * {@code GET /v1/apps/{appId}/functions} maps each of the app's UUIDs
 * ({@code internal_id}) to its composite id ({@code id}). The list is read when an id not
 * seen yet comes, and not again for an id it did not hold (another app's function); if
 * the platform does not answer it, the platform's id is kept as it is.
 */
final class PlatformFunctionIds {

	private static final Pattern UUID = Pattern
		.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

	private final PlatformApi api;

	private final String appId;

	private final Map<String, String> compositeIds = new ConcurrentHashMap<>();

	private final Set<String> foreign = ConcurrentHashMap.newKeySet();

	/** Whether the platform answered that it has no such list (404 or 405). */
	private volatile boolean unlisted;

	PlatformFunctionIds(PlatformApi api, String appId) {
		this.api = api;
		this.appId = appId;
	}

	/**
	 * The id a function was synced with.
	 * @param id the id the REST API gave: the platform's UUID of the function, or already
	 * the composite id
	 * @return the composite id, or {@code id} if it is not a UUID or cannot be mapped
	 */
	String compositeId(String id) {
		if (!UUID.matcher(id).matches()) {
			return id;
		}
		String known = this.compositeIds.get(id);
		if (known != null || this.unlisted || this.foreign.contains(id)) {
			return (known != null) ? known : id;
		}
		if (read()) {
			known = this.compositeIds.get(id);
			if (known == null) {
				this.foreign.add(id);
			}
		}
		return (known != null) ? known : id;
	}

	/**
	 * Reads the app's functions.
	 * @return whether the platform listed them
	 */
	private boolean read() {
		Answer answer;
		try {
			URI uri = this.api.uri("/v1/apps/{appId}/functions").buildAndExpand(this.appId).encode().toUri();
			answer = this.api.exchange(HttpMethod.GET, uri, null);
		}
		catch (RuntimeException ex) {
			// The run was read; only its function's name is left as the platform gave it.
			return false;
		}
		if (answer.status() == 404 || answer.status() == 405) {
			this.unlisted = true;
		}
		JsonNode json = answer.json();
		if (!answer.ok() || json == null) {
			return false;
		}
		// A bare array on the dev server; the wrapped form of the other endpoints is
		// read too.
		JsonNode functions = json.isArray() ? json : json.path("data");
		functions.forEach((function) -> {
			JsonNode internalId = function.get("internal_id");
			JsonNode id = function.get("id");
			if (internalId != null && internalId.isString() && id != null && id.isString()) {
				this.compositeIds.put(internalId.asString(), id.asString());
			}
		});
		return functions.isArray();
	}

}
