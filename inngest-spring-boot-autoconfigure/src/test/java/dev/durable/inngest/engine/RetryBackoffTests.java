package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;

import dev.durable.inngest.RetryAfterException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waits between attempts.
 */
class RetryBackoffTests {

	private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

	private static final RuntimeException FAILURE = new IllegalStateException("down");

	@Test
	void inngestsScheduleGrowsToTwoHoursAndStaysThere() {
		RetryBackoff backoff = new RetryBackoff(Duration.ZERO);
		assertThat(backoff.nextAttemptAt(0, FAILURE, NOW)).isEqualTo(NOW.plusSeconds(15));
		assertThat(backoff.nextAttemptAt(3, FAILURE, NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(2)));
		assertThat(backoff.nextAttemptAt(9, FAILURE, NOW)).isEqualTo(NOW.plus(Duration.ofHours(2)));
		assertThat(backoff.nextAttemptAt(15, FAILURE, NOW)).isEqualTo(NOW.plus(Duration.ofHours(2)));
	}

	@RepeatedTest(20)
	void inngestsScheduleAddsUpToTheJitter() {
		Instant next = new RetryBackoff(Duration.ofSeconds(30)).nextAttemptAt(0, FAILURE, NOW);
		assertThat(next).isBetween(NOW.plusSeconds(15), NOW.plusSeconds(45));
	}

	@Test
	void anExponentialBackOffGrowsByItsMultiplierUpToItsMaximum() {
		RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(20), 2, Duration.ofMillis(200), Duration.ZERO);
		assertThat(backoff.nextAttemptAt(0, FAILURE, NOW)).isEqualTo(NOW.plusMillis(20));
		assertThat(backoff.nextAttemptAt(2, FAILURE, NOW)).isEqualTo(NOW.plusMillis(80));
		assertThat(backoff.nextAttemptAt(6, FAILURE, NOW)).isEqualTo(NOW.plusMillis(200));
	}

	@RepeatedTest(20)
	void theJitterNeverTakesAWaitPastTheMaximum() {
		RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(10), 2, Duration.ofMillis(50),
				Duration.ofSeconds(30));
		assertThat(backoff.nextAttemptAt(0, FAILURE, NOW)).isBetween(NOW.plusMillis(10), NOW.plusMillis(50));
		assertThat(backoff.nextAttemptAt(5, FAILURE, NOW)).isEqualTo(NOW.plusMillis(50));
	}

	@Test
	void aRetryAfterIsHonouredWithinOneSecondAndADay() {
		RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(10), 2, Duration.ofMillis(50), Duration.ZERO);
		assertThat(backoff.nextAttemptAt(0, new RetryAfterException("later", Duration.ofMinutes(5)), NOW))
			.isEqualTo(NOW.plus(Duration.ofMinutes(5)));
		assertThat(backoff.nextAttemptAt(0, new RetryAfterException("soon", Duration.ofMillis(1)), NOW))
			.isEqualTo(NOW.plusSeconds(1));
		assertThat(backoff.nextAttemptAt(0, new RetryAfterException("never", Duration.ofDays(3)), NOW))
			.isEqualTo(NOW.plus(Duration.ofDays(1)));
	}

}
