package dev.durable.inngest.function;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TimeStrings}.
 */
class TimeStringsTest {

	@Test
	void singleUnitsAreParsed() {
		assertThat(TimeStrings.parse("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(TimeStrings.parse("30s")).isEqualTo(Duration.ofSeconds(30));
		assertThat(TimeStrings.parse("5m")).isEqualTo(Duration.ofMinutes(5));
		assertThat(TimeStrings.parse("2h")).isEqualTo(Duration.ofHours(2));
		assertThat(TimeStrings.parse("7d")).isEqualTo(Duration.ofDays(7));
		assertThat(TimeStrings.parse("1w")).isEqualTo(Duration.ofDays(7));
	}

	@Test
	void groupsAreAddedUp() {
		assertThat(TimeStrings.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
		assertThat(TimeStrings.parse("1d12h")).isEqualTo(Duration.ofHours(36));
		assertThat(TimeStrings.parse("1w1d1h1m1s1ms"))
			.isEqualTo(Duration.ofDays(8).plusHours(1).plusMinutes(1).plusSeconds(1).plusMillis(1));
	}

	@Test
	void millisecondsAreNotReadAsMinutes() {
		assertThat(TimeStrings.parse("1m5ms")).isEqualTo(Duration.ofMinutes(1).plusMillis(5));
	}

	@Test
	void numbersMayExceedTheNextLargerUnit() {
		assertThat(TimeStrings.parse("90m")).isEqualTo(Duration.ofMinutes(90));
		assertThat(TimeStrings.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void zeroGroupIsAllowedWhenTheTotalIsPositive() {
		assertThat(TimeStrings.parse("1h0m")).isEqualTo(Duration.ofHours(1));
	}

	@ParameterizedTest
	@ValueSource(strings = { "5x", "5", "m", "5 m", "1h 30m", " 5m", "5m ", "-5m", "+5m", "1.5h", "5M", "5min",
			"five minutes", "1y", "" })
	void invalidValueIsRefusedWithAnExplanation(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.parse(value))
			.withMessage("Invalid time string '" + value
					+ "': expected a number followed by a unit (ms, s, m, h, d, w), such as 30s, 5m, 1h30m or 7d");
	}

	@Test
	void blankValueIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.parse("   "))
			.withMessageStartingWith("Invalid time string '   ': expected a number followed by a unit");
	}

	@Test
	void nullIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.parse(null))
			.withMessage("Invalid time string: no value given; expected a number followed by a unit "
					+ "(ms, s, m, h, d, w), such as 30s, 5m, 1h30m or 7d");
	}

	@ParameterizedTest
	@ValueSource(strings = { "30m1h", "1s1m", "1m1m", "5ms1s" })
	void unitsOutOfOrderOrRepeatedAreRefused(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.parse(value))
			.withMessage("Invalid time string '" + value + "': units must appear from the largest to the smallest "
					+ "(w, d, h, m, s, ms), each at most once, such as 1h30m");
	}

	@ParameterizedTest
	@ValueSource(strings = { "0s", "0ms", "0h0m" })
	void zeroDurationIsRefused(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.parse(value))
			.withMessage("Invalid time string '" + value + "': the duration must be greater than zero");
	}

	@ParameterizedTest
	@ValueSource(strings = { "99999999999999999999s", "9223372036854775807w" })
	void durationTooLargeIsRefused(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.parse(value))
			.withMessage("Invalid time string '" + value + "': the duration is too large");
	}

	@Test
	void formatWritesTheLargestUnitsFirstAndLeavesOutZeros() {
		assertThat(TimeStrings.format(Duration.parse("PT1H30M"))).isEqualTo("1h30m");
		assertThat(TimeStrings.format(Duration.ofSeconds(30))).isEqualTo("30s");
		assertThat(TimeStrings.format(Duration.ofHours(36))).isEqualTo("1d12h");
		assertThat(TimeStrings.format(Duration.ofHours(1).plusMillis(5))).isEqualTo("1h5ms");
	}

	@Test
	void formatWritesSubSecondDurationsInMilliseconds() {
		assertThat(TimeStrings.format(Duration.ofMillis(500))).isEqualTo("500ms");
		assertThat(TimeStrings.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
	}

	@Test
	void formatUsesWeeksOnlyForWholeWeeks() {
		assertThat(TimeStrings.format(Duration.ofDays(7))).isEqualTo("1w");
		assertThat(TimeStrings.format(Duration.ofDays(14))).isEqualTo("2w");
		assertThat(TimeStrings.format(Duration.ofDays(8))).isEqualTo("8d");
		assertThat(TimeStrings.format(Duration.ofDays(7).plusHours(1))).isEqualTo("7d1h");
	}

	@ParameterizedTest
	@ValueSource(strings = { "500ms", "30s", "5m", "1h30m", "1d12h", "6d", "1w", "3w", "8d1h1m1s1ms" })
	void formatIsTheInverseOfParse(String value) {
		assertThat(TimeStrings.format(TimeStrings.parse(value))).isEqualTo(value);
	}

	@Test
	void formatRefusesDurationsThatAreNotPositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.format(Duration.ZERO))
			.withMessageContaining("must be greater than zero");
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.format(Duration.ofSeconds(-1)))
			.withMessageContaining("must be greater than zero");
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.format(null))
			.withMessage("Cannot format a null duration as a time string");
	}

	@Test
	void formatRefusesFractionsOfAMillisecond() {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeStrings.format(Duration.ofNanos(1_500_000)))
			.withMessageContaining("cannot express a fraction of a millisecond");
	}

}
