package dev.durable.inngest.executor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads the durations that SDKs put in their ops, as Inngest's server reads them: Go's
 * duration text with days and weeks besides, such as {@code 30s}, {@code 1.5h},
 * {@code 1h30m}, {@code 500ms}, {@code 250us} or {@code 2w}, its groups in any order;
 * {@code 0} and the empty text, which the official SDK sends for a duration of zero, are
 * zero. Stricter {@link dev.durable.inngest.function.TimeStrings} reads what the
 * application writes in its own annotations.
 */
final class WireDurations {

	private static final Pattern GROUP = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h|d|w)");

	private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms",
			1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L, "d", 86_400_000_000_000L,
			"w", 604_800_000_000_000L);

	private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

	private WireDurations() {
	}

	/**
	 * Reads a time given as an RFC 3339 instant, as ops and options may give one in place
	 * of a duration.
	 * @param value the text, or {@code null}
	 * @return the instant, or {@code null} if the text is not one
	 */
	static @Nullable Instant instant(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * Reads a duration.
	 * @param value the text, such as {@code 1h30m}
	 * @return the duration, zero or more
	 * @throws IllegalArgumentException if the text is not a duration, is negative or is
	 * too long for one
	 */
	static Duration parse(String value) {
		String text = value.strip();
		if (text.isEmpty() || text.equals("0") || text.equals("+0")) {
			return Duration.ZERO;
		}
		if (text.startsWith("-")) {
			throw new IllegalArgumentException("'" + value + "' is negative");
		}
		if (text.startsWith("+")) {
			text = text.substring(1);
		}
		Matcher matcher = GROUP.matcher(text);
		BigDecimal nanos = BigDecimal.ZERO;
		int position = 0;
		while (position < text.length()) {
			matcher.region(position, text.length());
			String number = matcher.lookingAt() ? matcher.group(1) : "";
			if (number.isEmpty() || number.equals(".")) {
				throw new IllegalArgumentException("'" + value + "' is not a duration such as 30s, 1.5h or 1h30m");
			}
			nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(NANOS.get(matcher.group(2)))));
			position = matcher.end();
		}
		BigInteger whole = nanos.toBigInteger();
		if (whole.compareTo(MAX_NANOS) > 0) {
			throw new IllegalArgumentException("'" + value + "' is too long a duration");
		}
		return Duration.ofNanos(whole.longValueExact());
	}

}
