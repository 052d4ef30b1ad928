package dev.durable.inngest.engine;

import java.security.SecureRandom;
import java.time.Clock;

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
	 * A new id.
	 * @return the id
	 */
	public String next() {
		long time = this.clock.millis();
		byte[] entropy = new byte[10];
		this.random.nextBytes(entropy);
		char[] out = new char[26];
		for (int i = 9; i >= 0; i--) {
			out[i] = ALPHABET[(int) (time & 31)];
			time >>>= 5;
		}
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

}
