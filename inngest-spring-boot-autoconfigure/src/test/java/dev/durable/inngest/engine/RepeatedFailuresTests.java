package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A background task that keeps failing is logged once, then once a minute, and once when
 * it succeeds again.
 */
class RepeatedFailuresTests {

	private final List<String> lines = new ArrayList<>();

	private Instant now = Instant.parse("2026-12-07T10:00:00Z");

	private final Clock clock = new Clock() {

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return RepeatedFailuresTests.this.now;
		}

	};

	/** Records the lines logged at each level, and whether they carry a stack. */
	private final NoOpLog log = new NoOpLog() {

		@Override
		public void warn(Object message, Throwable t) {
			RepeatedFailuresTests.this.lines.add("WARN " + message + " [stack]");
		}

		@Override
		public void warn(Object message) {
			RepeatedFailuresTests.this.lines.add("WARN " + message);
		}

		@Override
		public void info(Object message) {
			RepeatedFailuresTests.this.lines.add("INFO " + message);
		}

	};

	private final RepeatedFailures failures = new RepeatedFailures(this.log, "Polling for due runs", this.clock);

	@Test
	void aTaskThatKeepsFailingIsLoggedOnceAMinuteAndOnceWhenItRecovers() {
		IllegalStateException down = new IllegalStateException("Connection refused");
		for (int i = 0; i < 90; i++) {
			this.failures.failed(down, "in PT1S");
			this.now = this.now.plus(Duration.ofSeconds(1));
		}
		this.failures.succeeded();
		this.failures.succeeded();
		assertThat(this.lines).containsExactly(
				"WARN Polling for due runs failed; trying again in PT1S (further failures are logged once a "
						+ "minute until it succeeds) [stack]",
				"WARN Polling for due runs is still failing, 61 times since 2026-12-07T10:00:00Z: "
						+ "java.lang.IllegalStateException: Connection refused",
				"INFO Polling for due runs succeeds again, after 90 failures since 2026-12-07T10:00:00Z");
	}

	@Test
	void aNewRunOfFailuresAfterARecoveryIsLoggedWithItsStackAgain() {
		this.failures.failed(new IllegalStateException("one"), "in PT1S");
		this.failures.succeeded();
		this.failures.failed(new IllegalStateException("two"), "in PT1S");
		assertThat(this.lines).hasSize(3).last().asString().endsWith("[stack]");
	}

}
