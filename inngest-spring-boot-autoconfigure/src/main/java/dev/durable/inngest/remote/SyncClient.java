package dev.durable.inngest.remote;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.remote.FunctionConfigs.FunctionConfig;
import dev.durable.inngest.remote.PlatformApi.Answer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Syncs an application's functions out of band: posts their configuration to the
 * platform's {@code /fn/register}, authorized with the signing key's bearer token, and
 * with the fallback key's when the platform refuses the first (while keys rotate).
 */
public final class SyncClient {

	private final PlatformApi api;

	/**
	 * Creates a client.
	 * @param restClient the client it posts with
	 * @param apiOrigin the platform's API origin, such as {@code https://api.inngest.com}
	 * @param signingKey the signing key, or {@code null} for a dev server started without
	 * one
	 * @param fallbackKey the key tried after the signing key is refused, or {@code null}
	 * @param env the branch environment, or {@code null}
	 */
	public SyncClient(RestClient restClient, String apiOrigin, @Nullable SigningKey signingKey,
			@Nullable SigningKey fallbackKey, @Nullable String env) {
		this.api = new PlatformApi(restClient, apiOrigin, signingKey, fallbackKey, env);
	}

	/**
	 * Syncs the functions.
	 * @param request what to sync
	 * @param deployId the {@code deployId} the platform's PUT carried, or {@code null}
	 * @param expectedServerKind the {@code X-Inngest-Server-Kind} the platform's PUT
	 * carried, or {@code null}
	 * @return what the platform answered
	 */
	public SyncResult sync(RegisterRequest request, @Nullable String deployId, @Nullable String expectedServerKind) {
		UriComponentsBuilder uri = this.api.uri("/fn/register");
		boolean deploy = StringUtils.hasText(deployId) && !"undefined".equals(deployId);
		if (deploy) {
			// As a variable, so that the value is encoded whole: it comes from the PUT's
			// query, unchecked, and may hold braces, percent signs and the like.
			uri.queryParam("deployId", "{deployId}");
		}
		URI url = (deploy) ? uri.encode().buildAndExpand(deployId).toUri() : uri.encode().build().toUri();
		Answer answer = this.api.exchange(HttpMethod.POST, url, request, (headers) -> {
			headers.set("X-Inngest-Req-Version", Sdk.REQUEST_VERSION);
			headers.set("X-Inngest-Sync-Kind", "out_of_band");
			headers.set("X-Inngest-Framework", Sdk.FRAMEWORK);
			if (StringUtils.hasText(expectedServerKind)) {
				headers.set("X-Inngest-Expected-Server-Kind", expectedServerKind);
			}
		});
		return SyncResult.of(answer);
	}

	/**
	 * What an application syncs.
	 *
	 * @param url the serve endpoint's URL, where the platform calls the functions
	 * @param deployType always {@code ping}
	 * @param appName the application's id
	 * @param sdk the SDK, as in the {@code X-Inngest-SDK} header
	 * @param v the sync format's version
	 * @param framework the framework
	 * @param capabilities what the serve endpoint supports beyond the baseline, as the
	 * official SDKs tell it: the trust probe
	 * @param functions the functions
	 */
	public record RegisterRequest(String url, String deployType, String appName, String sdk, String v, String framework,
			Map<String, String> capabilities, List<FunctionConfig> functions) {

		/**
		 * What an application syncs.
		 * @param url the serve endpoint's URL
		 * @param appId the application's id
		 * @param functions the functions
		 * @return the request
		 */
		public static RegisterRequest of(String url, String appId, List<FunctionConfig> functions) {
			return new RegisterRequest(url, "ping", appId, Sdk.ID, "0.1", Sdk.FRAMEWORK, Map.of("trust_probe", "v1"),
					functions);
		}

	}

	/**
	 * What the platform answered a sync.
	 *
	 * @param status the HTTP status
	 * @param modified whether the platform's configuration changed
	 * @param error why the sync failed, or {@code null} if it succeeded
	 */
	public record SyncResult(int status, boolean modified, @Nullable String error) {

		/** The most of an unexpected answer that an error quotes. */
		static final int QUOTED = PlatformApi.QUOTED;

		/**
		 * Whether the platform took the sync.
		 * @return {@code true} if it did
		 */
		public boolean succeeded() {
			return this.error == null;
		}

		static SyncResult of(Answer answer) {
			if (answer.ok()) {
				// Only the platform's JSON says the sync was taken, as the official
				// SDK reads it: another server's page says nothing.
				JsonNode json = answer.json();
				if (json == null || !json.isObject()) {
					return new SyncResult(answer.status(), false, "the platform answered " + answer.status()
							+ " without the JSON object of a sync, so it may not have taken it: " + answer.error()
							+ "; check that inngest.api-base-url (INNGEST_API_BASE_URL) is the platform's API");
				}
				int reported = json.path("status").asInt(200);
				if (reported < 200 || reported > 299) {
					return new SyncResult(reported, false, "the platform answered " + answer.status()
							+ " with a status of " + reported + ": " + json.path("error").asString(answer.error()));
				}
				return new SyncResult(answer.status(), json.path("modified").asBoolean(false), null);
			}
			return new SyncResult(answer.status(), false,
					"the platform answered " + answer.status() + ": " + answer.error());
		}

	}

}
