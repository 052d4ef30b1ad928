package dev.durable.inngest.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * How an application in remote mode reaches the platform and is reached by it, resolved
 * from its configuration as Inngest's own SDKs resolve theirs: cloud mode unless
 * {@code inngest.dev} is set, each origin from its own property, else
 * {@code inngest.base-url}, else the dev server's URL, else the mode's default.
 *
 * @param appId the application's id
 * @param dev whether the platform is the Inngest dev server, which does not sign its
 * requests
 * @param apiOrigin the origin of the platform's API, where syncs go
 * @param eventApiOrigin the origin of the platform's event API
 * @param servePath the path of the serve endpoint, after the servlet context path
 * @param contextPath the servlet context path, empty if none
 * @param serveOrigin the public origin of the application, or {@code null} if not
 * configured
 * @param signingKey the signing key, or {@code null} (only in dev mode)
 * @param fallbackKey the fallback signing key, or {@code null}
 * @param eventKey the event key, or {@code null}
 * @param env the Inngest environment, or {@code null}
 * @param allowInBandSync whether a signed PUT may ask for an in-band sync
 */
public record RemoteSettings(String appId, boolean dev, String apiOrigin, String eventApiOrigin, String servePath,
		String contextPath, @Nullable String serveOrigin, @Nullable SigningKey signingKey,
		@Nullable SigningKey fallbackKey, @Nullable String eventKey, @Nullable String env, boolean allowInBandSync) {

	/** Inngest Cloud's API origin. */
	public static final String CLOUD_API_ORIGIN = "https://api.inngest.com";

	/** Inngest Cloud's event API origin. */
	public static final String CLOUD_EVENT_API_ORIGIN = "https://inn.gs";

	/** The dev server's origin, for both APIs. */
	public static final String DEV_SERVER_ORIGIN = "http://localhost:8288";

	/** The serve endpoint's path unless configured. */
	public static final String DEFAULT_SERVE_PATH = "/api/inngest";

	private static final Pattern SIGNING_KEY = Pattern.compile("^(signkey-\\w+-)?(?:[0-9a-fA-F]{2})+$");

	/**
	 * The mode as the platform names it.
	 * @return {@code dev} or {@code cloud}
	 */
	public String modeName() {
		return this.dev ? "dev" : "cloud";
	}

	/**
	 * The URL synced to the platform when the serve origin is configured.
	 * @return the serve origin followed by the servlet context path and the serve path,
	 * or {@code null} if no serve origin is configured
	 */
	public @Nullable String configuredAppUrl() {
		return (this.serveOrigin != null) ? this.serveOrigin + this.contextPath + this.servePath : null;
	}

	/**
	 * Resolves the settings from the configured values, each of which may be blank.
	 * @param appId the application's id
	 * @param dev {@code inngest.dev}: {@code true}, {@code 1}, a URL, or blank,
	 * {@code false} or {@code 0}
	 * @param baseUrl {@code inngest.base-url}
	 * @param apiBaseUrl {@code inngest.api-base-url}
	 * @param eventApiBaseUrl {@code inngest.event-api-base-url}
	 * @param servePath {@code inngest.serve-path}
	 * @param serveOrigin {@code inngest.serve-origin}
	 * @param signingKey {@code inngest.signing-key}
	 * @param fallbackKey {@code inngest.signing-key-fallback}
	 * @param eventKey {@code inngest.event-key}
	 * @param env {@code inngest.env}
	 * @param allowInBandSync {@code inngest.allow-in-band-sync}
	 * @param contextPath {@code server.servlet.context-path}
	 * @return the settings
	 * @throws InvalidRemoteConfigurationException if a value is missing or cannot be used
	 */
	public static RemoteSettings resolve(String appId, @Nullable String dev, @Nullable String baseUrl,
			@Nullable String apiBaseUrl, @Nullable String eventApiBaseUrl, @Nullable String servePath,
			@Nullable String serveOrigin, @Nullable String signingKey, @Nullable String fallbackKey,
			@Nullable String eventKey, @Nullable String env, boolean allowInBandSync, @Nullable String contextPath) {
		String devUrl = null;
		boolean devMode;
		String devValue = (dev != null) ? dev.trim().toLowerCase(Locale.ROOT) : "";
		switch (devValue) {
			case "", "false", "0" -> devMode = false;
			case "true", "1" -> devMode = true;
			default -> {
				devMode = true;
				devUrl = origin("inngest.dev", dev,
						"Set inngest.dev to true, false, or the dev server's URL, such as " + DEV_SERVER_ORIGIN + ".");
			}
		}
		String base = hasText(baseUrl) ? origin("inngest.base-url", baseUrl, originAction("inngest.base-url")) : null;
		String api = hasText(apiBaseUrl)
				? origin("inngest.api-base-url", apiBaseUrl, originAction("inngest.api-base-url"))
				: firstOf(base, devUrl, devMode ? DEV_SERVER_ORIGIN : CLOUD_API_ORIGIN);
		String events = hasText(eventApiBaseUrl)
				? origin("inngest.event-api-base-url", eventApiBaseUrl, originAction("inngest.event-api-base-url"))
				: firstOf(base, devUrl, devMode ? DEV_SERVER_ORIGIN : CLOUD_EVENT_API_ORIGIN);
		String origin = hasText(serveOrigin) ? origin("inngest.serve-origin", serveOrigin,
				"Set inngest.serve-origin to the application's public origin, such as https://orders.example.com.")
				: null;
		SigningKey key = signingKey("inngest.signing-key", signingKey);
		if (key == null && !devMode) {
			throw new InvalidRemoteConfigurationException("inngest.signing-key",
					"is not set, and Inngest Cloud " + "signs every request with it",
					"Set inngest.signing-key (or the INNGEST_SIGNING_KEY environment variable) to the signing key "
							+ "of the Inngest environment the application is served to, or set inngest.dev=true "
							+ "to serve the Inngest dev server instead.");
		}
		SigningKey fallback = signingKey("inngest.signing-key-fallback", fallbackKey);
		return new RemoteSettings(appId, devMode, api, events, servePath(servePath), contextPath(contextPath), origin,
				key, fallback, hasText(eventKey) ? eventKey.trim() : null, hasText(env) ? env.trim() : null,
				allowInBandSync);
	}

	private static @Nullable SigningKey signingKey(String property, @Nullable String value) {
		if (!hasText(value)) {
			return null;
		}
		if (!SIGNING_KEY.matcher(value.trim()).matches()) {
			// The value itself is never quoted: it may be a real key with a typo.
			throw new InvalidRemoteConfigurationException(property,
					"is not an Inngest signing key: " + whyNotASigningKey(value.trim()),
					"Set " + property + " to a signing key as Inngest shows it, signkey-<env>-<hex>, such as "
							+ "signkey-prod-0123abcd…, copied whole from the Inngest dashboard.");
		}
		return SigningKey.of(value);
	}

	/**
	 * What keeps a value from being a signing key, without quoting it.
	 */
	static String whyNotASigningKey(String value) {
		String hex = value.replaceFirst("^signkey-\\w+-", "");
		if (hex.isEmpty()) {
			return "it has no hex digits after its prefix";
		}
		if (!hex.chars().allMatch((c) -> Character.digit(c, 16) >= 0)) {
			return value.startsWith("signkey-") && hex.equals(value)
					? "it starts with signkey- but not with signkey-<env>-"
					: "it holds characters that are not hex digits";
		}
		return "it has " + hex.length() + " hex digits, an odd number, where a key has two per byte";
	}

	private static String servePath(@Nullable String value) {
		String path = hasText(value) ? value.trim() : DEFAULT_SERVE_PATH;
		if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains("{")) {
			throw new InvalidRemoteConfigurationException("inngest.serve-path", "is not a path",
					"Set inngest.serve-path to a path starting with /, such as " + DEFAULT_SERVE_PATH + ".");
		}
		while (path.length() > 1 && path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return path;
	}

	private static String contextPath(@Nullable String value) {
		String path = hasText(value) ? value.trim() : "";
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return path;
	}

	private static String origin(String property, String value, String action) {
		String trimmed = value.trim();
		try {
			URI uri = new URI(trimmed);
			if (uri.getHost() == null || (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))) {
				throw new URISyntaxException(trimmed, "not an absolute http or https URL");
			}
		}
		catch (URISyntaxException ex) {
			throw new InvalidRemoteConfigurationException(property, "is not an http or https URL", action);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed;
	}

	private static String originAction(String property) {
		return "Set " + property + " to an origin such as https://inngest.example.com, or remove it to use "
				+ "Inngest Cloud (or the dev server with inngest.dev=true).";
	}

	private static String firstOf(@Nullable String first, @Nullable String second, String otherwise) {
		return (first != null) ? first : (second != null) ? second : otherwise;
	}

	private static boolean hasText(@Nullable String value) {
		return StringUtils.hasText(value);
	}

	@Override
	public String toString() {
		// The record's own toString would show the event key.
		return "RemoteSettings[appId=" + this.appId + ", mode=" + modeName() + ", apiOrigin=" + this.apiOrigin
				+ ", eventApiOrigin=" + this.eventApiOrigin + ", servePath=" + this.servePath + "]";
	}

}
