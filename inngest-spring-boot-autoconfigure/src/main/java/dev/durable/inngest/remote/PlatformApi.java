package dev.durable.inngest.remote;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The platform's REST API: one request, authorized with the signing key's bearer token,
 * and with the fallback key's when the platform refuses the first (while keys rotate), in
 * the branch environment if one is set. Answers come back as they are, for the caller to
 * read.
 */
final class PlatformApi {

	private static final JsonMapper JSON = JsonMapper.shared();

	/** The most of an answer that is not JSON that an error quotes. */
	static final int QUOTED = 300;

	private final RestClient restClient;

	private final String origin;

	private final @Nullable SigningKey signingKey;

	private final @Nullable SigningKey fallbackKey;

	private final @Nullable String env;

	PlatformApi(RestClient restClient, String origin, @Nullable SigningKey signingKey, @Nullable SigningKey fallbackKey,
			@Nullable String env) {
		this.restClient = restClient;
		this.origin = origin;
		this.signingKey = signingKey;
		this.fallbackKey = fallbackKey;
		this.env = env;
	}

	UriComponentsBuilder uri(String path) {
		return UriComponentsBuilder.fromUriString(this.origin).path(path);
	}

	Answer exchange(HttpMethod method, URI uri, @Nullable Object body) {
		return exchange(method, uri, body, (headers) -> headers.setAccept(List.of(MediaType.APPLICATION_JSON)));
	}

	/**
	 * Sends a request with headers of its own besides those every request carries.
	 * @param method the method
	 * @param uri the URI
	 * @param body the body, written as JSON, or {@code null}
	 * @param moreHeaders adds the request's own headers
	 * @return what the platform answered
	 */
	Answer exchange(HttpMethod method, URI uri, @Nullable Object body, Consumer<HttpHeaders> moreHeaders) {
		byte[] bytes = (body != null) ? JSON.writeValueAsBytes(body) : null;
		Answer answer = exchange(method, uri, bytes, moreHeaders, this.signingKey);
		if ((answer.status() == 401 || answer.status() == 403) && this.fallbackKey != null) {
			answer = exchange(method, uri, bytes, moreHeaders, this.fallbackKey);
		}
		return answer;
	}

	private Answer exchange(HttpMethod method, URI uri, byte @Nullable [] body, Consumer<HttpHeaders> moreHeaders,
			@Nullable SigningKey key) {
		RestClient.RequestBodySpec request = this.restClient.method(method).uri(uri).headers((headers) -> {
			headers.set("X-Inngest-SDK", Sdk.ID);
			headers.set(HttpHeaders.USER_AGENT, Sdk.ID);
			moreHeaders.accept(headers);
			if (key != null) {
				headers.setBearerAuth(key.bearerToken());
			}
			if (StringUtils.hasText(this.env)) {
				headers.set("X-Inngest-Env", this.env);
			}
		});
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		return request.exchange((req, res) -> {
			byte[] answer = res.getBody().readAllBytes();
			return new Answer(method, uri.getPath(), res.getStatusCode().value(), parse(answer),
					new String(answer, StandardCharsets.UTF_8));
		});
	}

	private static @Nullable JsonNode parse(byte[] body) {
		try {
			return (body.length > 0) ? JSON.readTree(body) : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * What the REST API answered.
	 *
	 * @param method the request's method
	 * @param path the request's path
	 * @param status the HTTP status
	 * @param json the body as JSON, or {@code null} if empty or not JSON
	 * @param text the body as text
	 */
	record Answer(HttpMethod method, String path, int status, @Nullable JsonNode json, String text) {

		boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

		/** The answer's {@code data}, as the REST API wraps it. */
		JsonNode data() {
			return (this.json != null) ? this.json.path("data") : MissingNode.getInstance();
		}

		/** The error the REST API gave, or the start of the body. */
		String error() {
			if (this.json != null && this.json.hasNonNull("error")) {
				return this.json.get("error").asString();
			}
			return (this.text.length() <= QUOTED) ? this.text : this.text.substring(0, QUOTED) + "…";
		}

		/**
		 * An exception for an answer that was not expected, saying what the platform
		 * answered.
		 */
		RuntimeException failure() {
			String request = this.method + " " + this.path;
			if (this.status == 401 || this.status == 403) {
				return new IllegalStateException("The Inngest REST API refused the signing key (" + this.status
						+ ") for " + request + ": check inngest.signing-key (INNGEST_SIGNING_KEY), and "
						+ "inngest.env for a branch environment; the key is not shown here");
			}
			return new IllegalStateException(
					"The Inngest REST API answered " + this.status + " to " + request + ": " + error());
		}

	}

}
