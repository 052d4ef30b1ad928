package dev.durable.inngest.remote;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The platform's Event API: posts a batch of events to {@code {origin}/e/{eventKey}} and
 * returns the ids it answers. A try that fails for a reason that may pass (the API could
 * not be reached, answered a server error, or {@code 429}) is retried with exponential
 * back-off, waiting at least what a {@code Retry-After} asks; a refusal is not. Retrying
 * is safe because every event sent carries an id, which the platform deduplicates for a
 * day.
 */
public final class EventApi {

	/** The key sent to a dev server when none is configured, as the official SDKs do. */
	public static final String NO_EVENT_KEY = "NO_EVENT_KEY_SET";

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final int QUOTED = 300;

	private final RestClient restClient;

	private final String origin;

	private final @Nullable String eventKey;

	private final @Nullable String env;

	private final Retry retry;

	/**
	 * Creates a client of the Event API.
	 * @param restClient the client it posts with
	 * @param origin the Event API's origin, such as {@code https://inn.gs}
	 * @param eventKey the event key, or {@code null} if none is configured
	 * @param dev whether the platform is a dev server, which takes events without a key
	 * @param env the branch environment, or {@code null}
	 * @param retry how often and how long to retry
	 */
	public EventApi(RestClient restClient, String origin, @Nullable String eventKey, boolean dev, @Nullable String env,
			Retry retry) {
		this.restClient = restClient;
		this.origin = origin;
		this.eventKey = StringUtils.hasText(eventKey) ? eventKey : (dev ? NO_EVENT_KEY : null);
		this.env = env;
		this.retry = retry;
	}

	/**
	 * Checks that events can be sent at all: that an event key is configured.
	 * @throws IllegalStateException if no event key is configured outside dev mode
	 */
	public void checkConfigured() {
		requiredKey();
	}

	private String requiredKey() {
		String key = this.eventKey;
		if (key == null) {
			throw new IllegalStateException("No event key is configured, so events cannot be sent to the Inngest "
					+ "platform: set inngest.event-key (INNGEST_EVENT_KEY) to an event key of the environment, or "
					+ "inngest.dev=true to send to a local dev server");
		}
		return key;
	}

	/**
	 * Sends a batch of events, retrying what may pass.
	 * @param events the events as a JSON array
	 * @return the ids the Event API answered, in order
	 * @throws EventApiException if the Event API refused the events, or still failed
	 * after the retries
	 */
	public List<String> send(byte[] events) {
		checkConfigured();
		AtomicReference<@Nullable Duration> retryAfter = new AtomicReference<>();
		RetryPolicy policy = RetryPolicy.builder()
			.backOff(new RetryAfterBackOff(this.retry, retryAfter))
			.predicate((ex) -> ex instanceof EventApiException failure && failure.isRetryable())
			.build();
		try {
			return new RetryTemplate(policy).execute(() -> {
				try {
					return post(events);
				}
				catch (EventApiException ex) {
					retryAfter.set(ex.retryAfter());
					throw ex;
				}
			});
		}
		catch (RetryException ex) {
			Throwable last = ex.getLastException();
			if (last instanceof EventApiException failure) {
				throw failure;
			}
			throw new EventApiException("Sending events to the Event API at " + this.origin + " failed: " + last, 0,
					false, null, last);
		}
	}

	/**
	 * Posts a batch of events once.
	 * @param events the events as a JSON array
	 * @return the ids the Event API answered
	 * @throws EventApiException if it did not take them
	 */
	List<String> post(byte[] events) {
		String key = requiredKey();
		URI url = UriComponentsBuilder.fromUriString(this.origin).pathSegment("e", key).encode().build().toUri();
		try {
			return this.restClient.post().uri(url).contentType(MediaType.APPLICATION_JSON).headers((headers) -> {
				headers.set("X-Inngest-SDK", Sdk.ID);
				headers.set(HttpHeaders.USER_AGENT, Sdk.ID);
				if (StringUtils.hasText(this.env)) {
					headers.set("X-Inngest-Env", this.env);
				}
			}).body(events).exchange((request, response) -> {
				int status = response.getStatusCode().value();
				byte[] body = response.getBody().readAllBytes();
				return answer(status, body, response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
			});
		}
		catch (ResourceAccessException ex) {
			// Its message quotes the URL, which holds the event key: only the cause is
			// kept.
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
			throw new EventApiException("Could not reach the Event API at " + this.origin + ": " + cause, 0, true, null,
					(cause != ex) ? cause : null);
		}
	}

	private List<String> answer(int status, byte[] body, @Nullable String retryAfter) {
		JsonNode json = parse(body);
		String error = (json != null && json.hasNonNull("error")) ? json.get("error").asString()
				: quote(new String(body, StandardCharsets.UTF_8));
		String where = "The Event API at " + this.origin;
		if (status >= 200 && status < 300) {
			return ids(status, json, error, where);
		}
		if (status == 401 || status == 403) {
			throw new EventApiException(where + " refused the event key (" + status + "): check that "
					+ "inngest.event-key (INNGEST_EVENT_KEY) is an event key of the environment"
					+ (StringUtils.hasText(this.env) ? " '" + this.env + "' (inngest.env)" : "") + "; the key is not "
					+ "shown here", status, false, null, null);
		}
		if (status == 413) {
			throw new EventApiException(where + " refused the events as too large (413): " + error, status, false, null,
					null);
		}
		boolean retryable = status == 429 || status == 408 || status >= 500;
		String what = retryable ? " failed to take the events (" : " refused the events (";
		throw new EventApiException(where + what + status + "): " + error, status, retryable,
				retryable ? retryAfter(retryAfter) : null, null);
	}

	/**
	 * The ids of a success, which the Event API answers as {@code {"ids": [...],
	 * "status": 200}}. Only that answer says the events were taken, as the official SDKs
	 * read it: a 2xx with another body (a web server's page at a wrong origin, a proxy's
	 * answer) or reporting an error is a failure, so that no event is taken for sent (nor
	 * deleted from the outbox) on the strength of a status code alone.
	 */
	private List<String> ids(int status, @Nullable JsonNode json, String error, String where) {
		if (json == null || !json.isObject()) {
			throw new EventApiException(where + " answered " + status + " without the Event API's answer "
					+ "({\"ids\": [...], \"status\": 200}), so the events may not have been taken: " + error
					+ "; check that inngest.event-api-base-url (INNGEST_EVENT_API_BASE_URL) is the Event API's origin",
					status, false, null, null);
		}
		if (json.path("status").asInt(0) != 200 || json.hasNonNull("error")
				|| (json.has("ids") && !json.get("ids").isArray())) {
			String reported = json.hasNonNull("error") ? error : "its status is "
					+ (json.hasNonNull("status") ? json.get("status").toString() : "missing") + ", not 200";
			throw new EventApiException(where + " answered " + status + " but did not take the events: " + reported,
					status, false, null, null);
		}
		List<String> ids = new ArrayList<>();
		json.path("ids").forEach((id) -> ids.add(id.asString()));
		return ids;
	}

	/**
	 * Reads a {@code Retry-After}: seconds, an RFC 3339 time or an HTTP date.
	 * @param value the header's value, or {@code null}
	 * @return how long to wait, or {@code null} if absent or unreadable
	 */
	static @Nullable Duration retryAfter(@Nullable String value) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String text = value.trim();
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
		}
		catch (NumberFormatException ex) {
			// Not seconds: a time, below.
		}
		Instant until;
		try {
			until = OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			try {
				until = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			}
			catch (DateTimeParseException ignored) {
				return null;
			}
		}
		Duration wait = Duration.between(Instant.now(), until);
		return wait.isNegative() ? Duration.ZERO : wait;
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

	/**
	 * How often and how long a send is retried.
	 *
	 * @param maxRetries the retries after the first try
	 * @param initialDelay the wait before the first retry, doubled before each next one
	 * @param maxDelay the longest wait between two tries; a {@code Retry-After} asking
	 * for longer ends the retries
	 */
	public record Retry(int maxRetries, Duration initialDelay, Duration maxDelay) {

		/** Four retries, from 200 ms up to 5 s apart. */
		public static final Retry DEFAULTS = new Retry(4, Duration.ofMillis(200), Duration.ofSeconds(5));

		/**
		 * Checks the settings.
		 */
		public Retry {
			if (maxRetries < 0) {
				throw new InvalidConfigurationPropertyValueException("inngest.send.max-retries", maxRetries,
						"It must be at least 0.");
			}
			// A back-off that starts at zero stays at zero: every retry would go at once.
			if (initialDelay.toMillis() < 1) {
				throw new InvalidConfigurationPropertyValueException("inngest.send.initial-delay", initialDelay,
						"It must be at least 1ms.");
			}
			if (maxDelay.compareTo(initialDelay) < 0) {
				throw new InvalidConfigurationPropertyValueException("inngest.send.max-delay", maxDelay,
						"It must be at least inngest.send.initial-delay (" + initialDelay + ").");
			}
		}

		BackOff backOff() {
			ExponentialBackOff backOff = new ExponentialBackOff(this.initialDelay.toMillis(), 2);
			backOff.setMaxInterval(this.maxDelay.toMillis());
			backOff.setMaxAttempts(this.maxRetries);
			return backOff;
		}

	}

	/**
	 * The retry's exponential back-off, but waiting at least what the last answer's
	 * {@code Retry-After} asked, and giving up if it asked for longer than the longest
	 * wait.
	 */
	private record RetryAfterBackOff(Retry retry, AtomicReference<@Nullable Duration> retryAfter) implements BackOff {

		@Override
		public BackOffExecution start() {
			BackOffExecution execution = this.retry.backOff().start();
			return () -> {
				long next = execution.nextBackOff();
				Duration asked = this.retryAfter.getAndSet(null);
				if (next == BackOffExecution.STOP || asked == null) {
					return next;
				}
				if (asked.compareTo(this.retry.maxDelay()) > 0) {
					return BackOffExecution.STOP;
				}
				return Math.max(next, asked.toMillis());
			};
		}

	}

}
