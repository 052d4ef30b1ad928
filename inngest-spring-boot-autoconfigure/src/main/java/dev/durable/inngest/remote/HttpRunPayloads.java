package dev.durable.inngest.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link RunPayloads} over HTTP with the JDK's client: each fetch is authorized with the
 * signing key's bearer token and, when the platform rejects it (401 or 403) while keys
 * rotate, with the fallback key's. Without a signing key, as against a dev server started
 * without one, each fetch is sent without authorization.
 */
public final class HttpRunPayloads implements RunPayloads {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient client;

	private final URI api;

	private final List<SigningKey> keys = new ArrayList<>();

	private final JsonMapper mapper;

	/**
	 * Creates a client of the platform's API.
	 * @param client the HTTP client
	 * @param api the API's origin, such as {@code https://api.inngest.com}
	 * @param signingKey the signing key, or {@code null} for a dev server started without
	 * one
	 * @param fallbackKey the key tried when the signing key is rejected, or {@code null}
	 * @param mapper reads the answers
	 */
	public HttpRunPayloads(HttpClient client, URI api, @Nullable SigningKey signingKey,
			@Nullable SigningKey fallbackKey, JsonMapper mapper) {
		this.client = client;
		this.api = api;
		if (signingKey != null) {
			this.keys.add(signingKey);
		}
		if (signingKey != null && fallbackKey != null) {
			this.keys.add(fallbackKey);
		}
		this.mapper = mapper;
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
		String base = this.api.toString().replaceAll("/+$", "");
		URI uri = URI.create(base + "/v0/runs/" + encode(runId) + "/" + what);
		HttpResponse<String> response = null;
		List<@Nullable SigningKey> keys = this.keys.isEmpty() ? Collections.singletonList(null) : this.keys;
		for (@Nullable
		SigningKey key : keys) {
			HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
				.timeout(TIMEOUT)
				.header("X-Inngest-SDK", Sdk.ID)
				.GET();
			if (key != null) {
				builder.header("Authorization", "Bearer " + key.bearerToken());
			}
			HttpRequest request = builder.build();
			try {
				response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not fetch " + uri, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while fetching " + uri, ex);
			}
			if (response.statusCode() != 401 && response.statusCode() != 403) {
				break;
			}
		}
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
		}
		return this.mapper.readTree(response.body());
	}

	private static String encode(String segment) {
		return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
