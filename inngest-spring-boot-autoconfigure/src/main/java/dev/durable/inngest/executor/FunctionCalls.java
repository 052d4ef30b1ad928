package dev.durable.inngest.executor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.remote.CanonicalJson;
import dev.durable.inngest.remote.RequestVerifier;
import dev.durable.inngest.remote.SigningKey;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends signed call requests to the apps that serve functions, as Inngest's executor does
 * (§7 of the SDK protocol): the body in canonical JSON, signed with the executor's
 * signing key, and reads their answers within a size limit. An answer counts only if it
 * is signed with that key over its exact bytes, as an SDK that verified the call signs
 * every answer: one that is not did not come from the app.
 */
final class FunctionCalls {

	/** The largest answer read, as Inngest limits an SDK's response. */
	static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

	private final HttpClient http;

	private final SigningKey signingKey;

	private final RequestVerifier verifier;

	private final JsonMapper mapper;

	private final Duration timeout;

	private final Clock clock;

	FunctionCalls(HttpClient http, SigningKey signingKey, JsonMapper mapper, Duration timeout, Clock clock) {
		this.http = http;
		this.signingKey = signingKey;
		this.verifier = new RequestVerifier(signingKey, null, clock);
		this.mapper = mapper;
		this.timeout = timeout;
		this.clock = clock;
	}

	/**
	 * Calls a function.
	 * @param appId the id of the app that serves it, for errors
	 * @param url the function's URL, as registered
	 * @param stepId {@code step} to discover the next step, or the hashed id of the step
	 * to execute
	 * @param body the call request's body
	 * @return the answer
	 * @throws ServedCallException if the app could not be called, its answer read, or its
	 * answer is not signed with the signing key
	 */
	Answer call(String appId, URI url, String stepId, JsonNode body) {
		URI target = UriComponentsBuilder.fromUri(url).replaceQueryParam("stepId", stepId).build(true).toUri();
		byte[] bytes = CanonicalJson.canonicalize(this.mapper.writeValueAsBytes(body));
		HttpRequest request = HttpRequest.newBuilder(target)
			.timeout(this.timeout)
			.header("Content-Type", "application/json")
			.header("X-Inngest-Signature",
					this.signingKey.signatureHeader(bytes, this.clock.instant().getEpochSecond()))
			.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.build();
		HttpResponse<InputStream> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (HttpTimeoutException ex) {
			throw new ServedCallException(
					"Calling " + url + " timed out after " + this.timeout + " (inngest.executor.call-timeout)", ex);
		}
		catch (IOException ex) {
			throw new ServedCallException("Calling " + url + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			throw new ServedCallException("Calling " + url + " was interrupted", ex);
		}
		byte[] answer;
		try (InputStream in = response.body()) {
			answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
		}
		catch (IOException ex) {
			throw new ServedCallException("Reading the answer of " + url + " failed: " + ex, ex);
		}
		if (answer.length > MAX_ANSWER_BYTES) {
			throw new ServedCallException("The answer of " + url + " (HTTP " + response.statusCode()
					+ ") is longer than " + MAX_ANSWER_BYTES + " bytes, the most an SDK may answer", null);
		}
		String problem = signatureProblem(header(response, "X-Inngest-Signature"), answer);
		if (problem != null) {
			String text = new String(answer, StandardCharsets.UTF_8);
			throw new ServedCallException("The answer of app '" + appId + "' (HTTP " + response.statusCode() + " from "
					+ url + ") is refused: " + problem + ((response.statusCode() >= 300 && !text.isBlank())
							? "; it said: " + Errors.abbreviate(text) : ""),
					null);
		}
		return new Answer(response.statusCode(), header(response, "X-Inngest-SDK"),
				header(response, "X-Inngest-No-Retry"), header(response, "Retry-After"), answer);
	}

	/**
	 * Why an answer's signature does not count, or {@code null} if it does.
	 */
	private @Nullable String signatureProblem(@Nullable String header, byte[] answer) {
		return switch (this.verifier.verifyResponse(header, answer)) {
			case VERIFIED -> null;
			case MISSING -> "it has no X-Inngest-Signature, which an SDK that holds the signing key puts on every "
					+ "answer (is the app in dev mode, or configured with another key?)";
			case MALFORMED -> "its X-Inngest-Signature is not t=<unix seconds>&s=<hex HMAC>";
			case STALE -> "its X-Inngest-Signature was made more than " + RequestVerifier.WINDOW.toMinutes()
					+ " minutes from now (are the clocks of the app and of this application apart?)";
			case MISMATCH -> "its X-Inngest-Signature does not match its bytes with inngest.executor.signing-key";
		};
	}

	private static @Nullable String header(HttpResponse<?> response, String name) {
		return response.headers().firstValue(name).orElse(null);
	}

	/**
	 * An app's answer to a call.
	 *
	 * @param status the HTTP status
	 * @param sdk the {@code X-Inngest-SDK} header, or {@code null}
	 * @param noRetry the {@code X-Inngest-No-Retry} header, or {@code null}
	 * @param retryAfter the {@code Retry-After} header, or {@code null}
	 * @param body the body
	 */
	record Answer(int status, @Nullable String sdk, @Nullable String noRetry, @Nullable String retryAfter,
			byte[] body) {

	}

	/**
	 * A call that got no answer, or one that could not be read: the attempt fails and is
	 * retried.
	 */
	static final class ServedCallException extends RuntimeException {

		ServedCallException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}
