package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * An Inngest signing key, {@code signkey-<env>-<hex>}: it signs and verifies the HMACs of
 * requests and responses, and gives the bearer token that authorizes calls to the
 * platform. Its {@link #toString()} never shows the key.
 */
public final class SigningKey {

	private static final Pattern PREFIXED = Pattern.compile("^(signkey-\\w+-)(.+)$");

	private final String prefix;

	private final String raw;

	private SigningKey(String prefix, String raw) {
		this.prefix = prefix;
		this.raw = raw;
	}

	/**
	 * Reads a signing key.
	 * @param key the key as configured, with or without its {@code signkey-<env>-} prefix
	 * @return the key
	 * @throws IllegalArgumentException if the key is blank
	 */
	public static SigningKey of(String key) {
		String trimmed = key.trim();
		if (trimmed.isEmpty()) {
			throw new IllegalArgumentException("A signing key must not be blank");
		}
		Matcher matcher = PREFIXED.matcher(trimmed);
		return matcher.matches() ? new SigningKey(matcher.group(1), matcher.group(2)) : new SigningKey("", trimmed);
	}

	/**
	 * The token for {@code Authorization: Bearer ...} on calls to the platform: the
	 * prefix, then the SHA-256 of the hex-decoded rest of the key. A key whose rest is
	 * not hex is sent as it is.
	 * @return the token
	 */
	public String bearerToken() {
		if (!isHex(this.raw)) {
			return this.prefix + this.raw;
		}
		return this.prefix + HexFormat.of().formatHex(sha256(HexFormat.of().parseHex(this.raw)));
	}

	/**
	 * The HMAC that signs a body at a time: HMAC-SHA256 keyed with the key's text after
	 * its prefix (not hex-decoded), over the body followed by the time's decimal digits.
	 * @param body the body's bytes
	 * @param unixSeconds the time, in seconds since the epoch
	 * @return the MAC, in lower-case hex
	 */
	public String sign(byte[] body, long unixSeconds) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.raw.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
			mac.update(body);
			mac.update(Long.toString(unixSeconds).getBytes(StandardCharsets.US_ASCII));
			return HexFormat.of().formatHex(mac.doFinal());
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	/**
	 * The {@code X-Inngest-Signature} header's value for a body signed now.
	 * @param body the body's bytes
	 * @param unixSeconds the time, in seconds since the epoch
	 * @return {@code t=<time>&s=<mac>}
	 */
	public String signatureHeader(byte[] body, long unixSeconds) {
		return "t=" + unixSeconds + "&s=" + sign(body, unixSeconds);
	}

	/**
	 * Whether a MAC is this key's over a body at a time, compared in constant time.
	 * @param body the body's bytes
	 * @param unixSeconds the time the MAC claims
	 * @param mac the MAC, in hex
	 * @return {@code true} if it matches
	 */
	public boolean verifies(byte[] body, long unixSeconds, @Nullable String mac) {
		if (mac == null) {
			return false;
		}
		byte[] expected = sign(body, unixSeconds).getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(expected,
				mac.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * A hash of the key, to show which key is configured without showing it.
	 * @return the SHA-256 of the key's text, in hex
	 */
	public String fingerprint() {
		return HexFormat.of().formatHex(sha256((this.prefix + this.raw).getBytes(StandardCharsets.UTF_8)));
	}

	@Override
	public String toString() {
		return "SigningKey[" + this.prefix + "…]";
	}

	private static boolean isHex(String text) {
		if (text.isEmpty() || text.length() % 2 != 0) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			if (Character.digit(text.charAt(i), 16) < 0) {
				return false;
			}
		}
		return true;
	}

	static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
