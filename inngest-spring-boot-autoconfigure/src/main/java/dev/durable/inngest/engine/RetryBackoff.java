package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.durable.inngest.RetryAfterException;
import dev.durable.inngest.StepOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * How long to wait before the next attempt of a failed step or body. By default Inngest's
 * schedule: 15s, 30s, 1m, 2m, 5m, 10m, 20m, 40m, 1h, 2h, then 2h, each plus a random
 * jitter of up to 30s. With an initial delay configured, an exponential back-off instead:
 * the initial delay times the multiplier per attempt, plus the jitter, never more than
 * the maximum in all.
 */
public final class RetryBackoff {

	/** Inngest's delays by attempt. */
	public static final List<Duration> INNGEST_SCHEDULE = List.of(Duration.ofSeconds(15), Duration.ofSeconds(30),
			Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
			Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofHours(1), Duration.ofHours(2));

	/** The shortest delay a {@link RetryAfterException} can ask for. */
	public static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

	/** The longest delay a {@link RetryAfterException} can ask for. */
	public static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

	private final @Nullable ExponentialBackOff exponential;

	private final Duration jitter;

	/** The longest wait, jitter included, or {@code null} for Inngest's schedule. */
	private final @Nullable Duration max;

	/**
	 * Inngest's schedule with a jitter.
	 * @param jitter the most random delay added to each wait
	 */
	public RetryBackoff(Duration jitter) {
		this.exponential = null;
		this.jitter = jitter;
		this.max = null;
	}

	/**
	 * An exponential back-off.
	 * @param initial the first delay
	 * @param multiplier the factor between two delays
	 * @param max the longest wait, the jitter included
	 * @param jitter the most random delay added to each wait
	 */
	public RetryBackoff(Duration initial, double multiplier, Duration max, Duration jitter) {
		this.exponential = new ExponentialBackOff(initial.toMillis(), multiplier);
		this.exponential.setMaxInterval(max.toMillis());
		this.exponential.setMaxElapsedTime(Long.MAX_VALUE);
		this.jitter = jitter;
		this.max = max;
	}

	/**
	 * A step's own back-off, from its options: the initial delay, doubled per attempt up
	 * to the maximum, without jitter, since whoever sets a step's waits expects those
	 * waits.
	 * @param options the step's options, with a back-off
	 * @return the back-off
	 */
	public static RetryBackoff ofStep(StepOptions options) {
		return new RetryBackoff(options.backoffInitial(), 2, options.backoffMax(), Duration.ZERO);
	}

	/**
	 * The delay after a failed attempt, before jitter.
	 * @param failedAttempt the 0-based attempt that failed
	 * @return the delay
	 */
	public Duration baseDelay(int failedAttempt) {
		if (this.exponential == null) {
			return INNGEST_SCHEDULE.get(Math.min(failedAttempt, INNGEST_SCHEDULE.size() - 1));
		}
		BackOffExecution execution = this.exponential.start();
		long delay = 0;
		for (int i = 0; i <= failedAttempt; i++) {
			delay = execution.nextBackOff();
		}
		return Duration.ofMillis(delay);
	}

	/**
	 * When the next attempt may start after a failure.
	 * @param failedAttempt the 0-based attempt that failed
	 * @param error what it failed with
	 * @param now when it failed
	 * @return the earliest time of the next attempt
	 */
	public Instant nextAttemptAt(int failedAttempt, Throwable error, Instant now) {
		if (error instanceof RetryAfterException retryAfter) {
			Instant at = retryAfter.retryAt(now);
			Instant earliest = now.plus(MIN_RETRY_AFTER);
			Instant latest = now.plus(MAX_RETRY_AFTER);
			return at.isBefore(earliest) ? earliest : (at.isAfter(latest) ? latest : at);
		}
		long jitterMillis = this.jitter.toMillis();
		long extra = (jitterMillis > 0) ? ThreadLocalRandom.current().nextLong(jitterMillis + 1) : 0;
		Duration delay = baseDelay(failedAttempt).plusMillis(extra);
		// A configured maximum bounds the whole wait: whoever caps the back-off at 50 ms
		// does not expect Inngest's 30 s of jitter on top of it.
		return now.plus((this.max != null && delay.compareTo(this.max) > 0) ? this.max : delay);
	}

}
