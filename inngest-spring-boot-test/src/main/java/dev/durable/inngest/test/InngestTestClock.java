package dev.durable.inngest.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The engine's clock in a test: it stands still until moved, so that what is due, and
 * when, depends on the test alone. {@link InngestTestEnvironment} moves it; a test reads
 * it through {@link InngestTestEnvironment#now()}.
 */
public final class InngestTestClock extends Clock {

	/** Where the clock starts, and starts again before each test. */
	public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

	private volatile Instant now = START;

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		if (zone.equals(ZoneOffset.UTC)) {
			return this;
		}
		// The same instant, moved with this clock, seen in another zone: as a function
		// that reads the time of day in a zone would read it in production.
		InngestTestClock source = this;
		return new Clock() {

			@Override
			public ZoneId getZone() {
				return zone;
			}

			@Override
			public Clock withZone(ZoneId other) {
				return source.withZone(other);
			}

			@Override
			public Instant instant() {
				return source.instant();
			}

		};
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	/**
	 * Moves the clock forward.
	 * @param duration how far; zero or positive
	 */
	void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("Time only moves forward, but the duration was " + duration);
		}
		this.now = this.now.plus(duration);
	}

	/**
	 * Moves the clock forward to an instant, if it is later than the clock's.
	 * @param instant the instant
	 */
	void advanceTo(Instant instant) {
		if (instant.isAfter(this.now)) {
			this.now = instant;
		}
	}

	/** Sets the clock back to its start, for the next test. */
	void reset() {
		this.now = START;
	}

}
