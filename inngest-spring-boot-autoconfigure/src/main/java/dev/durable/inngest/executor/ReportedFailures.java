package dev.durable.inngest.executor;

import java.time.Duration;
import java.time.Instant;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RetryAfterException;
import dev.durable.inngest.engine.ReportedError;
import org.jspecify.annotations.Nullable;

/**
 * The errors a served function reports, as exceptions the engine handles like a Java
 * function's: a failure to retry, one not to retry, and one to retry no sooner than the
 * app asked. Each keeps the error as the app reported it.
 */
final class ReportedFailures {

	private ReportedFailures() {
	}

	/**
	 * The exception for an error the app reported.
	 * @param error the error
	 * @param noRetry whether the app said not to retry ({@code X-Inngest-No-Retry})
	 * @param retryAt when the app asked to be retried ({@code Retry-After}), or
	 * {@code null}
	 * @return the exception
	 */
	static RuntimeException of(ErrorInfo error, boolean noRetry, @Nullable Instant retryAt) {
		if (noRetry) {
			return new NonRetriable(error);
		}
		if (retryAt != null) {
			return new RetryAfter(error, retryAt);
		}
		return new Retriable(error);
	}

	private static String message(ErrorInfo error) {
		return error.name() + ": " + error.message();
	}

	/** An error to retry with the run's back-off. */
	static final class Retriable extends RuntimeException implements ReportedError {

		private final ErrorInfo error;

		Retriable(ErrorInfo error) {
			super(message(error), null, false, false);
			this.error = error;
		}

		@Override
		public ErrorInfo errorInfo() {
			return this.error;
		}

	}

	/** An error not to retry. */
	static final class NonRetriable extends NonRetriableException implements ReportedError {

		private final ErrorInfo error;

		NonRetriable(ErrorInfo error) {
			super(message(error));
			this.error = error;
		}

		@Override
		public ErrorInfo errorInfo() {
			return this.error;
		}

	}

	/** An error to retry at the time the app asked for. */
	static final class RetryAfter extends RetryAfterException implements ReportedError {

		private final ErrorInfo error;

		RetryAfter(ErrorInfo error, Instant retryAt) {
			super(message(error), retryAt);
			this.error = error;
		}

		@Override
		public ErrorInfo errorInfo() {
			return this.error;
		}

	}

	/**
	 * Reads a {@code Retry-After} header: seconds, or an instant.
	 * @param value the header, or {@code null}
	 * @param now the time
	 * @return when to retry, or {@code null} if there is no valid header
	 */
	static @Nullable Instant retryAt(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			return now.plus(Duration.ofSeconds(Long.parseLong(trimmed)));
		}
		catch (NumberFormatException ex) {
			// Not seconds: a date.
		}
		Instant at = WireDurations.instant(trimmed);
		if (at != null) {
			return at;
		}
		try {
			return java.time.ZonedDateTime.parse(trimmed, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
				.toInstant();
		}
		catch (java.time.format.DateTimeParseException ex) {
			return null;
		}
	}

}
