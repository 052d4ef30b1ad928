package dev.durable.inngest.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * An engine's clock for tests, which stands still at 2030-01-01T00:00:00Z until the test
 * moves it.
 */
public final class MovableClock extends Clock {

	private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

	/**
	 * Moves the clock forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("The engine's clock keeps UTC");
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
