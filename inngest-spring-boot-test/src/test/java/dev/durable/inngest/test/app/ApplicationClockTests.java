package dev.durable.inngest.test.app;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestClock;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with a {@code Clock} bean of its own keeps it for what injects a clock
 * by type, while the engine runs on the test's clock.
 */
@InngestTest
@Import(ApplicationClockTests.OwnClock.class)
class ApplicationClockTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	ClockUser user;

	@Test
	void theApplicationsClockIsInjectedByTypeAndTheEngineKeepsTheTestsClock() {
		assertThat(this.user.clock()).isSameAs(OwnClock.FIXED);
		assertThat(this.inngest.now()).isEqualTo(InngestTestClock.START);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class OwnClock {

		static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

		@Bean
		Clock applicationClock() {
			return FIXED;
		}

		@Bean
		ClockUser clockUser(Clock anyClock) {
			return new ClockUser(anyClock);
		}

	}

	record ClockUser(Clock clock) {

	}

}
