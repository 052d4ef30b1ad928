package dev.durable.inngest.executor;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Durations in ops, read as Inngest's server reads them.
 */
class WireDurationsTests {

	@Test
	void goDurationsWithDaysAndWeeksAreRead() {
		assertThat(WireDurations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
		assertThat(WireDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
		assertThat(WireDurations.parse("30m1h")).isEqualTo(Duration.ofMinutes(90));
		assertThat(WireDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
		assertThat(WireDurations.parse(".5s")).isEqualTo(Duration.ofMillis(500));
		assertThat(WireDurations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
		assertThat(WireDurations.parse("250µs")).isEqualTo(Duration.ofNanos(250_000));
		assertThat(WireDurations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
		assertThat(WireDurations.parse("2w1d")).isEqualTo(Duration.ofDays(15));
	}

	@Test
	void zeroAndTheEmptyTextAreZero() {
		assertThat(WireDurations.parse("")).isZero();
		assertThat(WireDurations.parse("0")).isZero();
		assertThat(WireDurations.parse("0s")).isZero();
	}

	@Test
	void whatIsNoDurationIsRefusedQuotingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> WireDurations.parse("soon"))
			.withMessageContaining("'soon'");
		assertThatIllegalArgumentException().isThrownBy(() -> WireDurations.parse("10")).withMessageContaining("'10'");
		assertThatIllegalArgumentException().isThrownBy(() -> WireDurations.parse("1h x"));
		assertThatIllegalArgumentException().isThrownBy(() -> WireDurations.parse(".s"));
		assertThatIllegalArgumentException().isThrownBy(() -> WireDurations.parse("-5s"))
			.withMessageContaining("negative");
		assertThatIllegalArgumentException().isThrownBy(() -> WireDurations.parse("999999999w"))
			.withMessageContaining("too long");
	}

}
