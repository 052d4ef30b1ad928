package dev.durable.inngest;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The options a run step can be given.
 */
class StepOptionsTests {

	@Test
	void defaultsKeepTheFunctionsRetriesAndTheEnginesBackoff() {
		StepOptions defaults = StepOptions.defaults();
		assertThat(defaults.retries()).isNull();
		assertThat(defaults.backoffInitial()).isNull();
		assertThat(defaults.backoffMax()).isNull();
	}

	@Test
	void retriesAndBackoffAreCopiedNotChanged() {
		StepOptions retries = StepOptions.retries(10);
		StepOptions both = retries.backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
		assertThat(retries.retries()).isEqualTo(10);
		assertThat(retries.backoffInitial()).isNull();
		assertThat(both.retries()).isEqualTo(10);
		assertThat(both.backoffInitial()).isEqualTo(Duration.ofSeconds(1));
		assertThat(both.backoffMax()).isEqualTo(Duration.ofMinutes(1));
		StepOptions fewer = both.withRetries(2);
		assertThat(fewer.retries()).isEqualTo(2);
		assertThat(fewer.backoffMax()).isEqualTo(Duration.ofMinutes(1));
		assertThat(both.retries()).isEqualTo(10);
	}

	@Test
	void equalOptionsAreEqual() {
		assertThat(StepOptions.retries(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(2)))
			.isEqualTo(StepOptions.defaults().backoff(Duration.ofSeconds(1), Duration.ofSeconds(2)).withRetries(3))
			.hasSameHashCodeAs(StepOptions.retries(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(2)));
		assertThat(StepOptions.retries(3)).isNotEqualTo(StepOptions.retries(4)).isNotEqualTo(StepOptions.defaults());
	}

	@Test
	void backoffNeedsBothDurations() {
		assertThatNullPointerException().isThrownBy(() -> StepOptions.retries(1).backoff(null, Duration.ofSeconds(1)))
			.withMessage("initial must not be null");
		assertThatNullPointerException().isThrownBy(() -> StepOptions.retries(1).backoff(Duration.ofSeconds(1), null))
			.withMessage("max must not be null");
	}

}
