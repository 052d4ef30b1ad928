package dev.durable.inngest.remote;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;
import org.springframework.web.client.RestClient;

/**
 * {@link RunPayloads} from the platform's REST API: each fetch is authorized with the
 * signing key's bearer token and, when the platform rejects it (401 or 403) while keys
 * rotate, with the fallback key's, in the branch environment if one is set. Without a
 * signing key, as against a dev server started without one, each fetch is sent without
 * authorization.
 */
public final class HttpRunPayloads implements RunPayloads {

	private final PlatformApi api;

	/**
	 * Creates a client of the platform's API.
	 * @param restClient the client the requests are sent with
	 * @param apiOrigin the API's origin, such as {@code https://api.inngest.com}
	 * @param signingKey the signing key, or {@code null} for a dev server started without
	 * one
	 * @param fallbackKey the key tried when the signing key is rejected, or {@code null}
	 * @param env the branch environment, or {@code null}
	 */
	public HttpRunPayloads(RestClient restClient, String apiOrigin, @Nullable SigningKey signingKey,
			@Nullable SigningKey fallbackKey, @Nullable String env) {
		this.api = new PlatformApi(restClient, apiOrigin, signingKey, (signingKey != null) ? fallbackKey : null, env);
	}

	@Override
	public JsonNode events(String runId) {
		JsonNode events = get(runId, "batch");
		if (!events.isArray()) {
			throw new IllegalStateException("The events of run " + runId + " are not a JSON array");
		}
		return events;
	}

	@Override
	public JsonNode steps(String runId) {
		JsonNode steps = get(runId, "actions");
		if (!steps.isObject()) {
			throw new IllegalStateException("The steps of run " + runId + " are not a JSON object");
		}
		return steps;
	}

	private JsonNode get(String runId, String what) {
		URI uri = this.api.uri("/v0/runs/{runId}/" + what).buildAndExpand(runId).encode().toUri();
		PlatformApi.Answer answer = this.api.exchange(HttpMethod.GET, uri, null);
		if (answer.status() != 200) {
			throw answer.failure();
		}
		JsonNode json = answer.json();
		if (json == null) {
			throw new IllegalStateException("GET " + uri.getPath() + " answered a body that is not JSON");
		}
		return json;
	}

}
