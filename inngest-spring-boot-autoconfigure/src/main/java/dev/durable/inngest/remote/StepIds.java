package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ids of steps on the wire: the lower-case hex SHA-1 of the step's key, as every
 * Inngest SDK hashes it. A step id reached again in the same run has the key {@code id:N}
 * for its N-th repeat, which the engine gives it; the hash covers that key.
 */
public final class StepIds {

	private StepIds() {
	}

	/**
	 * The wire id of a step.
	 * @param key the step's key: its id, or {@code id:N} for a repeat
	 * @return the SHA-1 of the key's UTF-8 bytes, in lower-case hex
	 */
	public static String hash(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

}
