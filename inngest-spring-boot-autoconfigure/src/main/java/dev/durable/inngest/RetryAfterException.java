package dev.durable.inngest;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a step or the function body to have the next attempt start no earlier than a
 * given time, for example when a remote API answers "429 Too Many Requests". It uses one
 * attempt of the budget like any failure. The delay is kept between 1 second and 24
 * hours. <pre class="code">
 * throw new RetryAfterException("Rate limited", Duration.ofSeconds(response.retryAfterSeconds()));
 * </pre>
 */
public class RetryAfterException extends RuntimeException {

	private final @Nullable Duration delay;

	private final @Nullable Instant retryAt;

	/**
	 * Retry after a delay.
	 * @param message what went wrong
	 * @param delay how long to wait before the next attempt
	 */
	public RetryAfterException(String message, Duration delay) {
		this(message, delay, null);
	}

	/**
	 * Retry after a delay, with a cause.
	 * @param message what went wrong
	 * @param delay how long to wait before the next attempt
	 * @param cause the cause
	 */
	public RetryAfterException(String message, Duration delay, @Nullable Throwable cause) {
		super(message, cause);
		this.delay = Objects.requireNonNull(delay, "delay must not be null");
		this.retryAt = null;
	}

	/**
	 * Retry at an instant.
	 * @param message what went wrong
	 * @param retryAt the earliest time of the next attempt
	 */
	public RetryAfterException(String message, Instant retryAt) {
		super(message);
		this.delay = null;
		this.retryAt = Objects.requireNonNull(retryAt, "retryAt must not be null");
	}

	/**
	 * The earliest time of the next attempt, counted from a failure at {@code now}.
	 * @param now when the attempt failed
	 * @return the earliest time of the next attempt
	 */
	public Instant retryAt(Instant now) {
		return (this.retryAt != null) ? this.retryAt : now.plus(this.delay);
	}

}
