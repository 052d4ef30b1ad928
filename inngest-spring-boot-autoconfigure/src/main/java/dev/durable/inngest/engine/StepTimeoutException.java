package dev.durable.inngest.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Fails an attempt whose step body, or whose function body between steps, ran past the
 * step time-out and was interrupted. It is retried like any failure.
 */
final class StepTimeoutException extends RuntimeException {

	static final String PROPERTY = "inngest.local.step-timeout";

	private StepTimeoutException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	static StepTimeoutException ofStep(String stepId, Duration timeout, @Nullable Throwable cause) {
		return new StepTimeoutException("Step '" + stepId + "' did not return within the step time-out of "
				+ format(timeout) + " (" + PROPERTY + ") and was interrupted", cause);
	}

	static StepTimeoutException ofFunction(String functionId, Duration timeout, @Nullable Throwable cause) {
		return new StepTimeoutException("Function '" + functionId + "' ran outside its steps for longer than the "
				+ "step time-out of " + format(timeout) + " (" + PROPERTY + ") and was interrupted", cause);
	}

	/** A duration as a time string, such as 2h or 1500ms. */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 3_600_000 == 0) {
			return (millis / 3_600_000) + "h";
		}
		if (millis % 60_000 == 0) {
			return (millis / 60_000) + "m";
		}
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
