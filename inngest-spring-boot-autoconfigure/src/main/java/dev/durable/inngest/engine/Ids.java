package dev.durable.inngest.engine;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

/**
 * Makes ULIDs: 26 characters, sortable by creation time to the millisecond, unique by 80
 * random bits.
 */
public final class Ids {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

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

	private String next(long time) {
		byte[] entropy = new byte[10];
		this.random.nextBytes(entropy);
		char[] out = new char[26];
		stamp(out, time);
		long high = 0;
		for (int i = 0; i < 5; i++) {
			high = (high << 8) | (entropy[i] & 0xFF);
		}
		long low = 0;
		for (int i = 5; i < 10; i++) {
			low = (low << 8) | (entropy[i] & 0xFF);
		}
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
