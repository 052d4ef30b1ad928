package dev.durable.inngest.function;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes Inngest time strings, the compact durations used by timeouts, sleeps
 * and waits: one or more groups of a number and a unit, such as {@code 30s}, {@code 5m},
 * {@code 1h30m}, {@code 7d}, {@code 1w}, {@code 1d12h} or {@code 500ms}.
 * <p>
 * The units are {@code w} (weeks of 7 days), {@code d} (days of 24 hours), {@code h},
 * {@code m}, {@code s} and {@code ms}. They must appear from the largest to the smallest,
 * each at most once. Numbers are whole and unsigned; spaces, signs and decimals are not
 * allowed, and the total must be greater than zero.
 *
 * @see #parse(String)
 * @see #format(Duration)
 */
public final class TimeStrings {

	private static final String EXPECTED = "expected a number followed by a unit (ms, s, m, h, d, w), "
			+ "such as 30s, 5m, 1h30m or 7d";

	/**
	 * One group: digits and a unit. {@code ms} comes before {@code m} and {@code s} so
	 * that it is matched whole.
	 */
	private static final Pattern GROUP = Pattern.compile("([0-9]+)(ms|w|d|h|m|s)");

	/**
	 * The units, largest first.
	 */
	private static final List<Unit> UNITS = List.of(new Unit("w", Duration.ofDays(7)),
			new Unit("d", Duration.ofDays(1)), new Unit("h", Duration.ofHours(1)), new Unit("m", Duration.ofMinutes(1)),
			new Unit("s", Duration.ofSeconds(1)), new Unit("ms", Duration.ofMillis(1)));

	private static final Duration WEEK = Duration.ofDays(7);

	private TimeStrings() {
	}

	/**
	 * Parses a time string. <pre class="code">
	 * TimeStrings.parse("1h30m"); // PT1H30M
	 * TimeStrings.parse("7d");    // PT168H
	 * TimeStrings.parse("500ms"); // PT0.5S
	 * </pre>
	 * @param value the time string, such as {@code 30s} or {@code 1h30m}
	 * @return the duration, always greater than zero
	 * @throws IllegalArgumentException if the value is {@code null}, blank, not a time
	 * string, has its units out of order or repeated, is zero or is too large for a
	 * {@link Duration}
	 */
	public static Duration parse(String value) {
		if (value == null) {
			throw new IllegalArgumentException("Invalid time string: no value given; " + EXPECTED);
		}
		if (value.isEmpty()) {
			throw invalid(value, EXPECTED);
		}
		Matcher matcher = GROUP.matcher(value);
		Duration total = Duration.ZERO;
		int previous = -1;
		int position = 0;
		while (position < value.length()) {
			matcher.region(position, value.length());
			if (!matcher.lookingAt()) {
				throw invalid(value, EXPECTED);
			}
			int unit = indexOf(matcher.group(2));
			if (unit <= previous) {
				throw invalid(value, "units must appear from the largest to the smallest (w, d, h, m, s, ms), "
						+ "each at most once, such as 1h30m");
			}
			total = add(value, total, matcher.group(1), UNITS.get(unit));
			previous = unit;
			position = matcher.end();
		}
		if (total.isZero()) {
			throw invalid(value, "the duration must be greater than zero");
		}
		return total;
	}

	/**
	 * Writes a duration as a time string, the inverse of {@link #parse(String)}. A whole
	 * number of weeks is written in weeks ({@code 1w}, {@code 2w}); any other duration is
	 * broken down into days, hours, minutes, seconds and milliseconds, leaving out the
	 * units that are zero, so that {@code PT1H30M} is {@code 1h30m}, 8 days are
	 * {@code 8d} (never {@code 1w1d}) and half a second is {@code 500ms}.
	 * @param duration the duration, greater than zero and a whole number of milliseconds
	 * @return the time string, such that {@code parse(format(duration))} equals
	 * {@code duration}
	 * @throws IllegalArgumentException if the duration is {@code null}, zero, negative or
	 * has a fraction of a millisecond
	 */
	public static String format(Duration duration) {
		if (duration == null) {
			throw new IllegalArgumentException("Cannot format a null duration as a time string");
		}
		if (duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(
					"Cannot format " + duration + " as a time string: the duration must be greater than zero");
		}
		if (duration.getNano() % 1_000_000 != 0) {
			throw new IllegalArgumentException("Cannot format " + duration
					+ " as a time string: time strings cannot express a fraction of a millisecond");
		}
		if (isWholeWeeks(duration)) {
			return (duration.getSeconds() / WEEK.getSeconds()) + "w";
		}
		StringBuilder text = new StringBuilder();
		Duration remaining = duration;
		for (Unit unit : UNITS.subList(1, UNITS.size())) {
			long count = remaining.dividedBy(unit.length());
			if (count > 0) {
				text.append(count).append(unit.symbol());
				remaining = remaining.minus(unit.length().multipliedBy(count));
			}
		}
		return text.toString();
	}

	private static boolean isWholeWeeks(Duration duration) {
		return duration.getNano() == 0 && duration.getSeconds() % WEEK.getSeconds() == 0;
	}

	private static int indexOf(String symbol) {
		for (int i = 0; i < UNITS.size(); i++) {
			if (UNITS.get(i).symbol().equals(symbol)) {
				return i;
			}
		}
		throw new IllegalStateException("Unknown unit " + symbol);
	}

	private static Duration add(String value, Duration total, String digits, Unit unit) {
		try {
			return total.plus(unit.length().multipliedBy(Long.parseLong(digits)));
		}
		catch (NumberFormatException | ArithmeticException ex) {
			throw invalid(value, "the duration is too large");
		}
	}

	private static IllegalArgumentException invalid(String value, String reason) {
		return new IllegalArgumentException("Invalid time string '" + value + "': " + reason);
	}

	/**
	 * A unit of a time string.
	 *
	 * @param symbol the unit's symbol, such as {@code h}
	 * @param length the length of one unit
	 */
	private record Unit(String symbol, Duration length) {

	}

}
