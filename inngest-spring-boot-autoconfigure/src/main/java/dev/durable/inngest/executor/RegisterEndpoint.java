package dev.durable.inngest.executor;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import dev.durable.inngest.remote.SigningKeys;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The register API an Inngest SDK syncs to when its {@code baseUrl} is this application:
 * {@code POST /fn/register}, authorized by the executor's signing key in the hashed form
 * the SDK sends ({@code Authorization: Bearer signkey-<env>-<sha256>}), or as it is. The
 * answer is shaped as the SDK reads it: {@code {"ok":true,"modified":…}}, or
 * {@code {"status":…,"error":"…"}} with that status.
 */
public final class RegisterEndpoint {

	/** Where the SDKs post their register requests, whatever their base URL's path. */
	public static final String PATH = "/fn/register";

	private static final Log logger = LogFactory.getLog(RegisterEndpoint.class);

	private final ServedApps apps;

	private final SigningKeys tokens;

	private final long maxBodySize;

	/**
	 * Creates the endpoint.
	 * @param apps the synced apps
	 * @param tokens the bearer tokens made from the executor's signing key
	 * @param maxBodySize the largest register request taken, in bytes
	 */
	public RegisterEndpoint(ServedApps apps, SigningKeys tokens, long maxBodySize) {
		this.apps = apps;
		this.tokens = tokens;
		this.maxBodySize = maxBodySize;
	}

	/**
	 * The route.
	 * @return the route
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().POST(PATH, this::register).build();
	}

	private ServerResponse register(ServerRequest request) throws IOException {
		if (!this.tokens.authorizes(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
			return answer(HttpStatus.UNAUTHORIZED,
					"Unauthorized: send the executor's signing key as Authorization: Bearer <key>");
		}
		byte[] body;
		try (InputStream in = request.servletRequest().getInputStream()) {
			body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, this.maxBodySize + 1));
		}
		if (body.length > this.maxBodySize) {
			return answer(HttpStatus.CONTENT_TOO_LARGE,
					"The register request is larger than " + this.maxBodySize + " bytes (inngest.limits.request-size)");
		}
		try {
			ServedApps.Sync sync = this.apps.sync(body);
			return ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("ok", true, "modified", sync.modified()));
		}
		catch (InvalidRegistrationException ex) {
			logger.info("Refused a sync: " + ex.getMessage());
			return answer(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
	}

	private static ServerResponse answer(HttpStatus status, String error) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("status", status.value(), "error", error));
	}

}
