package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.remote.SyncClient.RegisterRequest;
import org.jspecify.annotations.Nullable;

/**
 * What the serve endpoint tells about the application: the counts and flags anyone may
 * see, the details only the platform may (the origins, the SDK, hashes of the keys, never
 * a key), and the answer to an in-band sync, which carries both the configuration and
 * those details.
 */
final class Introspection {

	/** The version of the introspection answer's shape. */
	static final String SCHEMA_VERSION = "2024-05-24";

	/** How this SDK's author is named to the platform. */
	static final String SDK_AUTHOR = "dev.durable";

	private final RemoteSettings settings;

	private final Supplier<FunctionRegistry> registry;

	Introspection(RemoteSettings settings, Supplier<FunctionRegistry> registry) {
		this.settings = settings;
		this.registry = registry;
	}

	/**
	 * The answer to a request not signed with the key, or to any in dev mode.
	 * @param authenticated {@code null} if unsigned or in dev mode, {@code false} if
	 * wrongly signed
	 * @return the answer, its keys sorted
	 */
	Map<String, Object> counts(@Nullable Boolean authenticated) {
		Map<String, Object> body = new TreeMap<>();
		body.put("authentication_succeeded", authenticated);
		body.put("extra", Map.of());
		body.put("function_count", this.registry.get().all().size());
		body.put("has_event_key", this.settings.eventKey() != null);
		body.put("has_signing_key", this.settings.signingKey() != null);
		body.put("has_signing_key_fallback", this.settings.fallbackKey() != null);
		body.put("mode", this.settings.modeName());
		body.put("schema_version", SCHEMA_VERSION);
		return body;
	}

	/**
	 * The answer to a request signed with the key.
	 * @param authenticated whether the request was signed ({@code false} only for an
	 * unsigned in-band sync in dev mode, where it shows as {@code null})
	 * @return the answer, its keys sorted
	 */
	Map<String, Object> detailed(boolean authenticated) {
		Map<String, Object> body = counts(authenticated ? Boolean.TRUE : null);
		body.put("api_origin", this.settings.apiOrigin());
		body.put("app_id", this.settings.appId());
		body.put("capabilities", capabilities());
		body.put("env", this.settings.env());
		body.put("event_api_origin", this.settings.eventApiOrigin());
		body.put("event_key_hash", (this.settings.eventKey() != null) ? sha256(this.settings.eventKey()) : null);
		body.put("framework", Sdk.FRAMEWORK);
		body.put("sdk_language", Sdk.LANGUAGE);
		body.put("sdk_version", Sdk.VERSION);
		body.put("serve_origin", this.settings.serveOrigin());
		boolean defaultPath = RemoteSettings.DEFAULT_SERVE_PATH.equals(this.settings.servePath());
		body.put("serve_path", defaultPath ? null : this.settings.servePath());
		// A hash that tells which key is configured; never the bearer token, which
		// authorizes calls.
		body.put("signing_key_hash",
				(this.settings.signingKey() != null) ? this.settings.signingKey().fingerprint() : null);
		body.put("signing_key_fallback_hash",
				(this.settings.fallbackKey() != null) ? this.settings.fallbackKey().fingerprint() : null);
		return body;
	}

	/**
	 * The answer to an in-band sync.
	 * @param register the configuration, its URLs built from the URL the platform sent
	 * @param authenticated whether the request was signed with the key
	 * @return the answer
	 */
	Map<String, Object> inBandSync(RegisterRequest register, boolean authenticated) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("app_id", this.settings.appId());
		answer.put("capabilities", capabilities());
		answer.put("env", this.settings.env());
		answer.put("framework", Sdk.FRAMEWORK);
		answer.put("functions", register.functions());
		answer.put("inspection", detailed(authenticated));
		answer.put("platform", null);
		answer.put("sdk_author", SDK_AUTHOR);
		answer.put("sdk_language", Sdk.LANGUAGE);
		answer.put("sdk_version", Sdk.VERSION);
		answer.put("url", register.url());
		return answer;
	}

	/**
	 * What this SDK supports beyond the baseline.
	 * @return the capabilities and their versions
	 */
	Map<String, String> capabilities() {
		Map<String, String> capabilities = new LinkedHashMap<>();
		if (this.settings.allowInBandSync()) {
			capabilities.put("in_band_sync", "v1");
		}
		capabilities.put("trust_probe", "v1");
		return capabilities;
	}

	private static String sha256(String text) {
		return HexFormat.of().formatHex(SigningKey.sha256(text.getBytes(StandardCharsets.UTF_8)));
	}

}
