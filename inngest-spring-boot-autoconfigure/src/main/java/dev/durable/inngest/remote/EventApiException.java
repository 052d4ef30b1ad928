package dev.durable.inngest.remote;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the Event API did not take events: it refused them, answered with an error,
 * or could not be reached. The message says why without showing the event key.
 */
public class EventApiException extends RuntimeException {

	private final int status;

	private final boolean retryable;

	private final @Nullable Duration retryAfter;

	/**
	 * Creates an exception.
	 * @param message what went wrong
	 * @param status the HTTP status the Event API answered, or {@code 0} if it did not
	 * answer
	 * @param retryable whether sending the same events again may succeed
	 * @param retryAfter how long the Event API asked to wait before another try, or
	 * {@code null}
	 * @param cause the cause, or {@code null}
	 */
	public EventApiException(String message, int status, boolean retryable, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(message, cause);
		this.status = status;
		this.retryable = retryable;
		this.retryAfter = retryAfter;
	}

	/**
	 * The HTTP status the Event API answered.
	 * @return the status, or {@code 0} if it could not be reached
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Whether sending the same events again may succeed: the Event API could not be
	 * reached, answered a server error, or asked to slow down.
	 * @return {@code true} if another try may succeed
	 */
	public boolean isRetryable() {
		return this.retryable;
	}

	/**
	 * How long the Event API asked to wait before another try ({@code Retry-After}).
	 * @return the time to wait, or {@code null}
	 */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
