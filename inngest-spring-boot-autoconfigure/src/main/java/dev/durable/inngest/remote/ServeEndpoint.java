package dev.durable.inngest.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.remote.SyncClient.RegisterRequest;
import dev.durable.inngest.remote.SyncClient.SyncResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The serve endpoint of remote mode, one path where the Inngest platform reaches the
 * application, as Inngest's SDK protocol has it:
 * <ul>
 * <li>{@code GET}: introspection, with the details of the application only when the
 * request is signed with the signing key (in cloud mode);</li>
 * <li>{@code PUT}: a sync, posted to the platform (out of band), or, when the signed
 * request asks with {@code X-Inngest-Sync-Kind: in_band}, answered with the
 * configuration;</li>
 * <li>{@code POST ?fnId=...&stepId=...}: a call request, its signature verified over the
 * raw body (in cloud mode), answered by the {@link CallHandler};</li>
 * <li>{@code POST ?probe=trust}: proves the application holds the signing key.</li>
 * </ul>
 * Every answer is JSON and carries {@code X-Inngest-SDK}, {@code X-Inngest-Req-Version}
 * and {@code X-Inngest-Framework}; an answer to a request signed with a key is signed
 * with that key. A refused request changes nothing and is answered with {@code {"error":
 * "...", "status": N}} and {@code X-Inngest-No-Retry}. The bodies read are limited in
 * size; a larger one is refused with {@code 413} before it is read.
 */
public final class ServeEndpoint {

	private static final Log logger = LogFactory.getLog(ServeEndpoint.class);

	private static final String ALLOW = "GET, POST, PUT";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final RemoteSettings settings;

	private final Supplier<FunctionRegistry> registry;

	private final CallHandler callHandler;

	private final AppSync sync;

	private final Clock clock;

	private final long maxBodySize;

	private final @Nullable RequestVerifier verifier;

	private final Introspection introspection;

	/**
	 * Creates the endpoint.
	 * @param settings the remote mode's settings
	 * @param registry the functions
	 * @param callHandler answers call requests
	 * @param sync syncs the functions
	 * @param clock tells whether a signature is fresh, and signs answers
	 * @param maxBodySize the most bytes a request body may have
	 */
	public ServeEndpoint(RemoteSettings settings, Supplier<FunctionRegistry> registry, CallHandler callHandler,
			AppSync sync, Clock clock, long maxBodySize) {
		this.settings = settings;
		this.registry = registry;
		this.callHandler = callHandler;
		this.sync = sync;
		this.clock = clock;
		this.maxBodySize = maxBodySize;
		this.introspection = new Introspection(settings, registry);
		this.verifier = (settings.signingKey() != null)
				? new RequestVerifier(settings.signingKey(), settings.fallbackKey(), clock) : null;
	}

	/**
	 * The route, at the serve path.
	 * @return the route
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route(RequestPredicates.path(this.settings.servePath()), this::handle);
	}

	ServerResponse handle(ServerRequest request) throws IOException {
		HttpMethod method = request.method();
		if (HttpMethod.GET.equals(method)) {
			return introspect(request);
		}
		String unreadable = (HttpMethod.PUT.equals(method) || HttpMethod.POST.equals(method))
				? QueryStrings.unreadable(request) : null;
		if (unreadable != null) {
			return respond(refusal(HttpStatus.BAD_REQUEST, unreadable, true), null);
		}
		if (HttpMethod.PUT.equals(method)) {
			byte[] body = body(request);
			return (body != null) ? sync(request, body) : tooLarge();
		}
		if (HttpMethod.POST.equals(method)) {
			byte[] body = body(request);
			return (body != null) ? post(request, body) : tooLarge();
		}
		return respond(refusal(HttpStatus.METHOD_NOT_ALLOWED,
				method.name() + " is not allowed on the serve " + "endpoint; it takes " + ALLOW, true)
			.withHeader(HttpHeaders.ALLOW, ALLOW), null);
	}

	private ServerResponse introspect(ServerRequest request) {
		// GET has no side effects: whatever the signature, it answers, with details only
		// when signed.
		String signature = signature(request);
		Optional<SigningKey> key = verify(signature, new byte[0]);
		Boolean authenticated = (signature == null || this.settings.dev()) ? null : key.isPresent();
		Map<String, Object> body = Boolean.TRUE.equals(authenticated) ? this.introspection.detailed(true)
				: this.introspection.counts(authenticated);
		return respond(new Answer(HttpStatus.OK.value(), Map.of(), json(body)), key.orElse(null));
	}

	private ServerResponse sync(ServerRequest request, byte[] body) {
		String kind = request.headers().firstHeader("X-Inngest-Sync-Kind");
		if ("in_band".equals(kind) && this.settings.allowInBandSync()) {
			return syncInBand(request, body);
		}
		// Without a configured origin the URL synced is the one the PUT reached, named by
		// its Host header, which anyone can set: outside dev mode only a signed PUT may
		// name it, or the platform's calls could be sent to any host.
		Optional<SigningKey> key = verify(signature(request), body);
		if (!this.settings.dev() && this.settings.configuredAppUrl() == null && key.isEmpty()) {
			return respond(refusal(HttpStatus.UNAUTHORIZED, "An unsigned PUT cannot sync the functions here, as the "
					+ "URL it would give the platform comes from its Host header, which anyone can set: set "
					+ "inngest.serve-origin to the application's public origin, or sync from the Inngest platform, "
					+ "which signs its PUT", true), null);
		}
		String deployId = request.param("deployId").orElse(null);
		String serverKind = request.headers().firstHeader("X-Inngest-Server-Kind");
		String appUrl = appUrl(request);
		SyncResult result = this.sync.sync(appUrl, deployId, serverKind);
		Map<String, Object> answer = new LinkedHashMap<>();
		if (result.succeeded()) {
			answer.put("message", "Successfully synced.");
			answer.put("modified", result.modified());
		}
		else {
			logger.warn("The sync of the Inngest functions asked for by a PUT failed: " + result.error());
			answer.put("message", result.error());
			answer.put("modified", false);
		}
		int status = result.succeeded() ? HttpStatus.OK.value() : HttpStatus.INTERNAL_SERVER_ERROR.value();
		return respond(new Answer(status, Map.of("X-Inngest-Sync-Kind", "out_of_band"), json(answer)),
				key.orElse(null));
	}

	private ServerResponse syncInBand(ServerRequest request, byte[] body) {
		Optional<SigningKey> key = verify(signature(request), body);
		if (key.isEmpty() && !this.settings.dev()) {
			return unauthorized();
		}
		String url = null;
		try {
			JsonNode json = (body.length > 0) ? JSON.readTree(body) : null;
			if (json != null && json.path("url").isString()) {
				url = json.get("url").asString();
			}
		}
		catch (JacksonException ex) {
			// Answered below as a body without a URL.
		}
		if (!isHttpUrl(url)) {
			return respond(
					refusal(HttpStatus.BAD_REQUEST,
							"An in-band sync needs a body {\"url\": \"<the serve endpoint's URL>\"}", true),
					key.orElse(null));
		}
		// The configured origin, as an out-of-band sync gives, so that the two kinds of
		// sync agree; else the URL the platform was given, without the deployId that
		// only addresses the sync.
		String configured = this.settings.configuredAppUrl();
		String appUrl = (configured != null) ? configured
				: UriComponentsBuilder.fromUriString(url).replaceQueryParam("deployId").build().toUriString();
		RegisterRequest register = this.sync.request(appUrl);
		Map<String, Object> answer = this.introspection.inBandSync(register, key.isPresent());
		this.sync.syncedInBand(register);
		return respond(new Answer(HttpStatus.OK.value(), Map.of("X-Inngest-Sync-Kind", "in_band"), json(answer)),
				key.orElse(null));
	}

	private ServerResponse post(ServerRequest request, byte[] body) {
		Optional<String> probe = request.param("probe");
		if (probe.isPresent()) {
			return probe(request, probe.get(), body);
		}
		Optional<SigningKey> key = verify(signature(request), body);
		if (key.isEmpty() && !this.settings.dev()) {
			return unauthorized();
		}
		SigningKey signWith = key.orElse(null);
		String functionId = request.param("fnId").filter(StringUtils::hasText).orElse(null);
		if (functionId == null) {
			return respond(refusal(HttpStatus.BAD_REQUEST,
					"A call request needs the fnId query parameter, the composite id of the function to call", true),
					signWith);
		}
		if (find(functionId).isEmpty()) {
			// Retried by the platform: an instance of the application that declares it
			// may answer next.
			return respond(
					refusal(HttpStatus.INTERNAL_SERVER_ERROR,
							"No function with the id '" + Errors.abbreviate(functionId)
									+ "' is served by the application '" + this.settings.appId() + "'",
							false),
					signWith);
		}
		if (body.length == 0) {
			return respond(refusal(HttpStatus.BAD_REQUEST, "A call request needs a JSON body", true), signWith);
		}
		CallResponse response;
		try {
			response = this.callHandler.call(new CallRequest(functionId, request.param("stepId").orElse(null), body));
		}
		catch (RuntimeException ex) {
			logger.error("The call request for " + functionId + " failed", ex);
			return respond(
					refusal(HttpStatus.INTERNAL_SERVER_ERROR,
							"The call request failed in the application: " + ex.getClass().getSimpleName(), false),
					signWith);
		}
		return respond(
				new Answer(response.status(), response.headers(), response.body().getBytes(StandardCharsets.UTF_8)),
				signWith);
	}

	private ServerResponse probe(ServerRequest request, String probe, byte[] body) {
		Optional<SigningKey> key = verify(signature(request), body);
		if (!"trust".equals(probe)) {
			return respond(refusal(HttpStatus.BAD_REQUEST,
					"Unknown probe '" + Errors.abbreviate(probe) + "'; the serve endpoint knows the probe 'trust'",
					true), key.orElse(null));
		}
		if (key.isEmpty() && !this.settings.dev()) {
			return unauthorized();
		}
		return respond(new Answer(HttpStatus.OK.value(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8)),
				key.orElse(null));
	}

	private Optional<FunctionDefinition> find(String functionId) {
		List<FunctionDefinition> functions = this.registry.get().all();
		String appId = this.settings.appId();
		return functions.stream()
			.filter((function) -> FunctionConfigs.compositeId(appId, function.id()).equals(functionId))
			.findFirst()
			.or(() -> functions.stream().filter((function) -> function.id().equals(functionId)).findFirst());
	}

	private Optional<SigningKey> verify(@Nullable String signature, byte[] body) {
		return (this.verifier != null) ? this.verifier.verify(signature, body) : Optional.empty();
	}

	private static @Nullable String signature(ServerRequest request) {
		return request.headers().firstHeader("X-Inngest-Signature");
	}

	private String appUrl(ServerRequest request) {
		String configured = this.settings.configuredAppUrl();
		if (configured != null) {
			return configured;
		}
		String contextPath = request.requestPath().contextPath().value();
		return UriComponentsBuilder.fromUri(request.uri())
			.replacePath(contextPath + this.settings.servePath())
			.replaceQuery(null)
			.fragment(null)
			.build()
			.toUriString();
	}

	/**
	 * The body, read whole up to the limit.
	 * @param request the request
	 * @return the body, or {@code null} if it is larger than the limit
	 */
	private byte @Nullable [] body(ServerRequest request) throws IOException {
		long length = request.servletRequest().getContentLengthLong();
		if (length > this.maxBodySize) {
			return null;
		}
		try (InputStream in = request.servletRequest().getInputStream()) {
			byte[] body = in.readNBytes((int) Math.min(this.maxBodySize + 1, Integer.MAX_VALUE - 8));
			return (body.length > this.maxBodySize) ? null : body;
		}
	}

	private ServerResponse tooLarge() {
		Answer answer = refusal(HttpStatus.CONTENT_TOO_LARGE,
				"The body has more than " + this.maxBodySize
						+ " bytes, the most the serve endpoint reads (inngest.limits.serve-request-size)",
				true)
			.withHeader("Connection", "close");
		return respond(answer, null);
	}

	private ServerResponse unauthorized() {
		return respond(refusal(HttpStatus.UNAUTHORIZED, "The request is not signed with the application's signing "
				+ "key (X-Inngest-Signature missing, stale or wrong)", false), null);
	}

	private static Answer refusal(HttpStatus status, String message, boolean noRetry) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", message);
		body.put("status", status.value());
		return new Answer(status.value(), Map.of("X-Inngest-No-Retry", Boolean.toString(noRetry)), json(body));
	}

	private ServerResponse respond(Answer answer, @Nullable SigningKey signWith) {
		return ServerResponse.status(answer.status()).headers((headers) -> {
			answer.headers().forEach(headers::set);
			headers.setContentType(MediaType.APPLICATION_JSON);
			headers.set("X-Inngest-SDK", Sdk.ID);
			headers.set("X-Inngest-Req-Version", Sdk.REQUEST_VERSION);
			headers.set("X-Inngest-Framework", Sdk.FRAMEWORK);
			headers.set("X-Inngest-Expected-Server-Kind", this.settings.modeName());
			headers.set(HttpHeaders.USER_AGENT, Sdk.ID);
			// Told only to a holder of the key, as the introspection's details are.
			if (this.settings.env() != null && (signWith != null || this.settings.dev())) {
				headers.set("X-Inngest-Env", this.settings.env());
			}
			if (signWith != null) {
				// Over the exact bytes sent, which the platform checks without
				// canonicalizing.
				headers.set("X-Inngest-Signature",
						signWith.signatureHeader(answer.body(), this.clock.instant().getEpochSecond()));
			}
		}).body(answer.body());
	}

	private static boolean isHttpUrl(@Nullable String url) {
		if (url == null) {
			return false;
		}
		try {
			URI uri = new URI(url);
			return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static byte[] json(Object value) {
		return JSON.writeValueAsBytes(value);
	}

	/**
	 * An answer before the headers every answer carries.
	 *
	 * @param status the status
	 * @param headers its own headers
	 * @param body its exact bytes
	 */
	private record Answer(int status, Map<String, String> headers, byte[] body) {

		Answer withHeader(String name, String value) {
			Map<String, String> headers = new LinkedHashMap<>(this.headers);
			headers.put(name, value);
			return new Answer(this.status, headers, this.body);
		}

	}

}
