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
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.remote.CanonicalJson;
import dev.durable.inngest.remote.RequestVerifier;
import dev.durable.inngest.remote.SigningKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends signed call requests to the apps that serve functions, as Inngest's executor does
 * (§7 of the SDK protocol): the body in canonical JSON, signed with the executor's
 * signing key, and reads their answers within a size limit. An answer counts only if it
 * is signed with that key over its exact bytes, as an SDK that verified the call signs
 * every answer: one that is not did not come from the app. A body larger than the most
 * sent in a call goes without the run's events and steps and with {@code use_api}, as
 * Inngest trims it: the SDK then fetches them from {@link RunPayloadEndpoint}. In-band
 * syncs are signed, and their answers verified, the same way.
 */
final class FunctionCalls {

	/** The largest answer read, as Inngest limits an SDK's response. */
	static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

	/** The header that says how an app syncs. */
	static final String SYNC_KIND = "X-Inngest-Sync-Kind";

	/** The sync kind of an app that answers with its configuration. */
	static final String IN_BAND = "in_band";

	private static final Log logger = LogFactory.getLog(FunctionCalls.class);

	/**
	 * Closes the answers still being read when their call's time is up: the client's own
	 * time-out ends only the wait for an answer to begin.
	 */
	private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

	/**
	 * Makes the calls of steps planned together beside the one made on the run's thread;
	 * each ends by its call's time-out at the latest.
	 */
	private static final ExecutorService PARALLEL = Executors
		.newCachedThreadPool(RunScheduler.daemon("inngest-parallel-call-"));

	private final HttpClient http;

	private final SigningKey signingKey;

	private final RequestVerifier verifier;

	private final JsonMapper mapper;

	private final Duration timeout;

	private final long maxPayload;

	private final Clock clock;

	FunctionCalls(HttpClient http, SigningKey signingKey, JsonMapper mapper, Duration timeout, long maxPayload,
			Clock clock) {
		this.http = http;
		this.signingKey = signingKey;
		this.verifier = new RequestVerifier(signingKey, null, clock);
		this.mapper = mapper;
		this.timeout = timeout;
		this.maxPayload = maxPayload;
		this.clock = clock;
	}

	/**
	 * Calls a function on another thread, for one of several steps the app planned
	 * together, which Inngest executes at once, each in a call of its own.
	 * @param appId the id of the app that serves it, for errors
	 * @param url the function's URL, as registered
	 * @param stepId the hashed id of the step to execute
	 * @param body the call request's body
	 * @return the answer, or the exception {@link #call} throws
	 */
	CompletableFuture<Answer> callAsync(String appId, URI url, String stepId, JsonNode body) {
		return CompletableFuture.supplyAsync(() -> call(appId, url, stepId, body), PARALLEL);
	}

	/**
	 * Calls a function.
	 * @param appId the id of the app that serves it, for errors
	 * @param url the function's URL, as registered
	 * @param stepId {@code step} to discover the next step, or the hashed id of the step
	 * to execute
	 * @param body the call request's body, with the run's event, events and steps
	 * @return the answer
	 * @throws ServedCallException if the app could not be called, its answer read, or its
	 * answer is not signed with the signing key
	 */
	Answer call(String appId, URI url, String stepId, JsonNode body) {
		URI target = UriComponentsBuilder.fromUri(url).replaceQueryParam("stepId", stepId).build(true).toUri();
		byte[] bytes = CanonicalJson.canonicalize(this.mapper.writeValueAsBytes(body));
		if (bytes.length > this.maxPayload && body instanceof ObjectNode object) {
			if (logger.isDebugEnabled()) {
				logger.debug("The call to " + url + " would be " + bytes.length + " bytes, more than "
						+ "inngest.executor.max-call-payload: it is sent with use_api, without its events and steps");
			}
			bytes = CanonicalJson.canonicalize(this.mapper.writeValueAsBytes(trimmed(object)));
		}
		HttpRequest request = signed(target, this.timeout, bytes).POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.build();
		return exchange(request, "Calling " + url, "app '" + appId + "'", url, this.timeout,
				" (inngest.executor.call-timeout)");
	}

	/**
	 * Asks an app for its configuration, as Inngest's in-band sync does (§6.4 of the SDK
	 * protocol): a {@code PUT} to its serve URL with {@code X-Inngest-Sync-Kind: in_band}
	 * and {@code {"url": …}}, signed as a call is. Its answer is verified as a call's
	 * answer is.
	 * @param url the app's serve URL
	 * @param timeout how long the app may take to answer
	 * @return the answer, with its configuration if the app synced in band
	 * @throws ServedCallException if the app could not be reached, its answer read, or
	 * its answer is not signed with the signing key
	 */
	Answer sync(URI url, Duration timeout) {
		byte[] bytes = CanonicalJson
			.canonicalize(this.mapper.writeValueAsBytes(this.mapper.createObjectNode().put("url", url.toString())));
		HttpRequest request = signed(url, timeout, bytes).header(SYNC_KIND, IN_BAND)
			.PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.build();
		return exchange(request, "Syncing " + url, "the app", url, timeout, "");
	}

	/**
	 * A request carrying a JSON body signed with the signing key, as the SDKs verify
	 * every request from Inngest.
	 */
	private HttpRequest.Builder signed(URI url, Duration timeout, byte[] body) {
		return HttpRequest.newBuilder(url)
			.timeout(timeout)
			.header("Content-Type", "application/json")
			.header("X-Inngest-Signature",
					this.signingKey.signatureHeader(body, this.clock.instant().getEpochSecond()));
	}

	/**
	 * Sends a request and reads its answer, which counts only if it is signed with the
	 * signing key over its exact bytes.
	 */
	private Answer exchange(HttpRequest request, String action, String app, URI url, Duration timeout,
			String timeoutProperty) {
		long deadline = System.nanoTime() + timeout.toNanos();
		HttpResponse<InputStream> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (HttpTimeoutException ex) {
			throw new ServedCallException(action + " timed out after " + timeout + timeoutProperty, ex);
		}
		catch (IOException ex) {
			throw new ServedCallException(action + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			throw new ServedCallException(action + " was interrupted", ex);
		}
		byte[] answer;
		AtomicBoolean timedOut = new AtomicBoolean();
		try (InputStream in = response.body()) {
			ScheduledFuture<?> abort = DEADLINES.schedule(() -> {
				timedOut.set(true);
				closeQuietly(in);
			}, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			try {
				answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
			}
			finally {
				abort.cancel(false);
			}
		}
		catch (IOException ex) {
			// Closing the answer at its deadline fails the read, or ends it early.
			throw timedOut.get() ? timedOutReading(action, timeout, timeoutProperty, ex, response.statusCode())
					: new ServedCallException("Reading the answer of " + url + " failed: " + ex, ex,
							response.statusCode());
		}
		if (timedOut.get()) {
			throw timedOutReading(action, timeout, timeoutProperty, null, response.statusCode());
		}
		String signature = header(response, "X-Inngest-Signature");
		if (answer.length > MAX_ANSWER_BYTES) {
			throw tooLarge(url, response.statusCode(), signature, answer);
		}
		String problem = signatureProblem(signature, answer);
		if (problem != null) {
			String text = new String(answer, StandardCharsets.UTF_8);
			throw new ServedCallException("The answer of " + app + " (HTTP " + response.statusCode() + " from " + url
					+ ") is refused: " + problem + ((response.statusCode() >= 300 && !text.isBlank())
							? "; it said: " + Errors.abbreviate(text) : ""),
					null, response.statusCode());
		}
		return new Answer(response.statusCode(), header(response, "X-Inngest-SDK"),
				header(response, "X-Inngest-No-Retry"), header(response, "Retry-After"), header(response, SYNC_KIND),
				header(response, "X-Inngest-Req-Version"), answer);
	}

	/**
	 * An answer longer than the most read. A {@code 2xx} one is the app's outcome, too
	 * large to take, that a new attempt would only repeat: the caller fails the step or
	 * the run for good. Its signature cannot be checked without reading it all, which is
	 * what the limit avoids, so it counts only if it is otherwise what the app's would
	 * be: signed, at about this time.
	 */
	private ServedCallException tooLarge(URI url, int status, @Nullable String signature, byte[] answer) {
		String message = "The answer of " + url + " (HTTP " + status + ") is longer than " + MAX_ANSWER_BYTES
				+ " bytes, the most an SDK may answer";
		if (status / 100 != 2) {
			return new ServedCallException(message, null, status);
		}
		RequestVerifier.Verdict verdict = this.verifier.verifyResponse(signature, answer);
		if (verdict != RequestVerifier.Verdict.VERIFIED && verdict != RequestVerifier.Verdict.MISMATCH) {
			return new ServedCallException(message + ", and is refused: " + problem(verdict), null, status);
		}
		return new AnswerTooLargeException(message, status, Arrays.copyOf(answer, MAX_ANSWER_BYTES));
	}

	private static ServedCallException timedOutReading(String action, Duration timeout, String timeoutProperty,
			@Nullable IOException cause, int status) {
		return new ServedCallException(
				action + " timed out after " + timeout + timeoutProperty + ", while its answer was read", cause,
				status);
	}

	private static void closeQuietly(InputStream in) {
		try {
			in.close();
		}
		catch (IOException ex) {
			// The read it interrupts reports the time-out.
		}
	}

	private static ScheduledThreadPoolExecutor deadlines() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "inngest-call-deadlines");
			thread.setDaemon(true);
			return thread;
		});
		// A call that ends in time leaves nothing behind for the rest of its time-out.
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	/**
	 * A body too large to send whole, as Inngest trims it: the event stays, as an SDK
	 * requires one, and {@code use_api} tells the SDK to fetch the events and the steps
	 * (it reads the one in {@code ctx}; the top-level one is set as Inngest sets it).
	 */
	private static ObjectNode trimmed(ObjectNode body) {
		ObjectNode trimmed = body.deepCopy();
		trimmed.putArray("events");
		trimmed.putObject("steps");
		trimmed.put("use_api", true);
		if (trimmed.get("ctx") instanceof ObjectNode ctx) {
			ctx.put("use_api", true);
		}
		return trimmed;
	}

	/**
	 * Why an answer's signature does not count, or {@code null} if it does.
	 */
	private @Nullable String signatureProblem(@Nullable String header, byte[] answer) {
		return problem(this.verifier.verifyResponse(header, answer));
	}

	private static @Nullable String problem(RequestVerifier.Verdict verdict) {
		return switch (verdict) {
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
	 * @param syncKind the {@code X-Inngest-Sync-Kind} header, or {@code null}
	 * @param requestVersion the {@code X-Inngest-Req-Version} header: the execution
	 * version the app ran the call with, or {@code null}
	 * @param body the body
	 */
	record Answer(int status, @Nullable String sdk, @Nullable String noRetry, @Nullable String retryAfter,
			@Nullable String syncKind, @Nullable String requestVersion, byte[] body) {

	}

	/**
	 * A call that got no answer, or one that could not be read: the attempt fails and is
	 * retried.
	 */
	static class ServedCallException extends RuntimeException {

		private final int status;

		ServedCallException(String message, @Nullable Throwable cause) {
			this(message, cause, 0);
		}

		ServedCallException(String message, @Nullable Throwable cause, int status) {
			super(message, cause);
			this.status = status;
		}

		/**
		 * The status the app answered with.
		 * @return the status, or {@code 0} if it did not answer
		 */
		int status() {
			return this.status;
		}

	}

	/**
	 * A {@code 2xx} answer longer than {@link #MAX_ANSWER_BYTES}: the app's outcome, such
	 * as a step's output, is too large to take, and a new attempt would only repeat it.
	 */
	static final class AnswerTooLargeException extends ServedCallException {

		private final byte[] start;

		AnswerTooLargeException(String message, int status, byte[] start) {
			super(message, null, status);
			this.start = start;
		}

		/**
		 * The answer's first {@link #MAX_ANSWER_BYTES} bytes.
		 * @return the bytes
		 */
		byte[] start() {
			return this.start;
		}

	}

}
