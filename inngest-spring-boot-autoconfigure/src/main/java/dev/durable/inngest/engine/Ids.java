package dev.durable.inngest.engine;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * Makes ULIDs: 26 characters, sortable by creation time to the millisecond, unique by 80
 * random bits. The ids one generator makes of the same millisecond sort in the order it
 * made them, as ULID's monotonic generation has it: the first takes random bits, and each
 * next one those bits plus one. So the events of one {@code send} and the runs they start
 * are listed in the order they were sent.
 */
public final class Ids {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final long FORTY_BITS = (1L << 40) - 1;

	/** The latest millisecond a ULID's 48 bits of time hold. */
	private static final long MAX_TIME = (1L << 48) - 1;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	/** The millisecond of the last id made, or -1 before the first. */
	private long lastTime = -1;

	/** The last id's random bits: the high 40 and the low 40. */
	private long lastHigh;

	private long lastLow;

	/**
	 * Creates an id generator.
	 * @param clock the clock that stamps ids
	 */
	public Ids(Clock clock) {
		this.clock = clock;
	}

	/**
	 * A new id, of the clock's current millisecond.
	 * @return the id
	 */
	public String next() {
		return next(this.clock.millis());
	}

	/**
	 * A new id of a given time's millisecond: an id made for a record with that time, so
	 * that a range of the time bounds a range of the ids ({@link #lowest}).
	 * @param time the time, stamped to the millisecond
	 * @return the id
	 */
	public String next(Instant time) {
		return next(time.toEpochMilli());
	}

	/**
	 * The lowest id of a time's millisecond: every id made of that time or later is at
	 * least this, and every id made of an earlier time is less.
	 * @param time the time
	 * @return the lowest id of its millisecond
	 */
	public static String lowest(Instant time) {
		char[] out = new char[26];
		Arrays.fill(out, ALPHABET[0]);
		stamp(out, time.toEpochMilli());
		return new String(out);
	}

	/**
	 * The id an SDK's seed gives the event at an index of a send: the same seed and index
	 * give the same id, so a send retried with its seed starts no run twice. The seed is
	 * what Inngest's SDKs put in {@code X-Inngest-Event-Id-Seed}: the send's time in
	 * milliseconds and 10 random bytes in base64, separated by a comma. As the platform
	 * derives it, the event's index is added to the last four random bytes, wrapping
	 * within them.
	 * @param seed the seed
	 * @param index the event's index in the send, from 0
	 * @return the id, or {@code null} if the seed is not one
	 */
	public static @Nullable String seeded(String seed, int index) {
		int comma = seed.indexOf(',');
		if (comma < 1 || index < 0) {
			return null;
		}
		long time;
		byte[] entropy;
		try {
			time = Long.parseLong(seed.substring(0, comma).trim());
			entropy = Base64.getDecoder().decode(seed.substring(comma + 1).trim());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		if (time <= 0 || time > MAX_TIME || entropy.length != 10) {
			return null;
		}
		long last = 0;
		for (int i = 6; i < 10; i++) {
			last = (last << 8) | (entropy[i] & 0xFF);
		}
		last = (last + index) & 0xFFFFFFFFL;
		for (int i = 9; i >= 6; i--) {
			entropy[i] = (byte) last;
			last >>>= 8;
		}
		return format(time, bits(entropy, 0), bits(entropy, 5));
	}

	private String next(long time) {
		long high;
		long low;
		synchronized (this) {
			if (time == this.lastTime && (this.lastLow != FORTY_BITS || this.lastHigh != FORTY_BITS)) {
				low = (this.lastLow + 1) & FORTY_BITS;
				high = (low == 0) ? this.lastHigh + 1 : this.lastHigh;
			}
			else {
				byte[] entropy = new byte[10];
				this.random.nextBytes(entropy);
				high = bits(entropy, 0);
				low = bits(entropy, 5);
			}
			this.lastTime = time;
			this.lastHigh = high;
			this.lastLow = low;
		}
		return format(time, high, low);
	}

	/** Forty random bits: five bytes from an offset, the first the highest. */
	private static long bits(byte[] entropy, int offset) {
		long bits = 0;
		for (int i = offset; i < offset + 5; i++) {
			bits = (bits << 8) | (entropy[i] & 0xFF);
		}
		return bits;
	}

	private static String format(long time, long high, long low) {
		char[] out = new char[26];
		stamp(out, time);
		for (int i = 17; i >= 10; i--) {
			out[i] = ALPHABET[(int) (high & 31)];
			high >>>= 5;
		}
		for (int i = 25; i >= 18; i--) {
			out[i] = ALPHABET[(int) (low & 31)];
			low >>>= 5;
		}
		return new String(out);
	}

	/** Writes a millisecond time into an id's first ten characters. */
	private static void stamp(char[] out, long time) {
		for (int i = 9; i >= 0; i--) {
			out[i] = ALPHABET[(int) (time & 31)];
			time >>>= 5;
		}
	}

}
