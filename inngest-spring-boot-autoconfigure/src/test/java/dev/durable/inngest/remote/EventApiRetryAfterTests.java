package dev.durable.inngest.remote;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a {@code Retry-After} asks to wait, in each of the forms the platform may
 * send.
 */
class EventApiRetryAfterTests {

	@Test
	void secondsAreReadAsThey() {
		assertThat(EventApi.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void anRfc3339TimeIsReadAsTheWaitUntilThen() {
		Duration wait = EventApi.retryAfter(Instant.now().plusSeconds(30).toString());
		assertThat(wait).isBetween(Duration.ofSeconds(28), Duration.ofSeconds(30));
	}

	@Test
	void anHttpDateIsReadAsTheWaitUntilThen() {
		String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plusSeconds(30).atZone(ZoneOffset.UTC));
		assertThat(EventApi.retryAfter(date)).isBetween(Duration.ofSeconds(28), Duration.ofSeconds(30));
	}

	@Test
	void aTimePassedIsNoWait() {
		assertThat(EventApi.retryAfter("2020-01-01T00:00:00Z")).isZero();
	}

	@Test
	void anythingElseIsNoRetryAfter() {
		assertThat(EventApi.retryAfter("soon")).isNull();
		assertThat(EventApi.retryAfter(" ")).isNull();
		assertThat(EventApi.retryAfter(null)).isNull();
	}

}
