package dev.durable.inngest.remote;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.durable.inngest.remote.FunctionConfigs.FunctionConfig;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Syncs an application's functions out of band: posts their configuration to the
 * platform's {@code /fn/register}, authorized with the signing key's bearer token, and
 * with the fallback key's when the platform refuses the first (while keys rotate).
 */
public final class SyncClient {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final RestClient restClient;

	private final String apiOrigin;

	private final @Nullable SigningKey signingKey;

	private final @Nullable SigningKey fallbackKey;

	private final @Nullable String env;

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
		this.restClient = restClient;
		this.apiOrigin = apiOrigin;
		this.signingKey = signingKey;
		this.fallbackKey = fallbackKey;
		this.env = env;
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
		byte[] body = JSON.writeValueAsBytes(request);
		UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(this.apiOrigin).path("/fn/register");
		boolean deploy = StringUtils.hasText(deployId) && !"undefined".equals(deployId);
		if (deploy) {
			// As a variable, so that the value is encoded whole: it comes from the PUT's
			// query, unchecked, and may hold braces, percent signs and the like.
			uri.queryParam("deployId", "{deployId}");
		}
		URI url = (deploy) ? uri.encode().buildAndExpand(deployId).toUri() : uri.encode().build().toUri();
		SyncResult result = post(url, body, this.signingKey, expectedServerKind);
		if ((result.status() == 401 || result.status() == 403) && this.fallbackKey != null) {
			result = post(url, body, this.fallbackKey, expectedServerKind);
		}
		return result;
	}

	private SyncResult post(URI url, byte[] body, @Nullable SigningKey key, @Nullable String expectedServerKind) {
		return this.restClient.post().uri(url).contentType(MediaType.APPLICATION_JSON).headers((headers) -> {
			headers.set("X-Inngest-SDK", Sdk.ID);
			headers.set(HttpHeaders.USER_AGENT, Sdk.ID);
			headers.set("X-Inngest-Req-Version", Sdk.REQUEST_VERSION);
			headers.set("X-Inngest-Sync-Kind", "out_of_band");
			headers.set("X-Inngest-Framework", Sdk.FRAMEWORK);
			if (key != null) {
				headers.setBearerAuth(key.bearerToken());
			}
			if (StringUtils.hasText(expectedServerKind)) {
				headers.set("X-Inngest-Expected-Server-Kind", expectedServerKind);
			}
			if (StringUtils.hasText(this.env)) {
				headers.set("X-Inngest-Env", this.env);
			}
		}).body(body).exchange((req, res) -> {
			int status = res.getStatusCode().value();
			byte[] answer = res.getBody().readAllBytes();
			return SyncResult.of(status, answer);
		});
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
	 * @param functions the functions
	 */
	public record RegisterRequest(String url, String deployType, String appName, String sdk, String v, String framework,
			List<FunctionConfig> functions) {

		/**
		 * What an application syncs.
		 * @param url the serve endpoint's URL
		 * @param appId the application's id
		 * @param functions the functions
		 * @return the request
		 */
		public static RegisterRequest of(String url, String appId, List<FunctionConfig> functions) {
			return new RegisterRequest(url, "ping", appId, Sdk.ID, "0.1", Sdk.FRAMEWORK, functions);
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
		static final int QUOTED = 300;

		/**
		 * Whether the platform took the sync.
		 * @return {@code true} if it did
		 */
		public boolean succeeded() {
			return this.error == null;
		}

		static SyncResult of(int status, byte[] body) {
			JsonNode json = parse(body);
			if (status >= 200 && status < 300) {
				return new SyncResult(status, json != null && json.path("modified").asBoolean(false), null);
			}
			String error = (json != null && json.hasNonNull("error")) ? json.get("error").asString()
					: quote(new String(body, StandardCharsets.UTF_8));
			return new SyncResult(status, false, "the platform answered " + status + ": " + error);
		}

		private static @Nullable JsonNode parse(byte[] body) {
			try {
				return (body.length > 0) ? JSON.readTree(body) : null;
			}
			catch (JacksonException ex) {
				return null;
			}
		}

		private static String quote(String text) {
			return (text.length() <= QUOTED) ? text : text.substring(0, QUOTED) + "…";
		}

	}

}
