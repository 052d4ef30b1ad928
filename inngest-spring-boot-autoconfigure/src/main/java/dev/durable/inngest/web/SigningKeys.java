package dev.durable.inngest.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.util.StringUtils;

/**
 * The bearer tokens that authorize calls to the HTTP API: each configured signing key, plain or
 * in Inngest's hashed form ({@code signkey-<env>-} followed by the SHA-256 of the hex-decoded
 * rest of the key). Tokens are compared in constant time.
 */
final class SigningKeys {

	private static final Pattern PREFIXED = Pattern.compile("^(signkey-\\w+-)([0-9a-fA-F]+)$");

	private final List<byte[]> accepted = new ArrayList<>();

	/**
	 * Accepts the given keys.
	 * @param keys the signing key and its fallback; blank ones are ignored
	 */
	SigningKeys(String... keys) {
		for (String key : keys) {
			if (StringUtils.hasText(key)) {
				this.accepted.add(key.trim().getBytes(StandardCharsets.UTF_8));
				String hashed = hashed(key.trim());
				if (hashed != null) {
					this.accepted.add(hashed.getBytes(StandardCharsets.UTF_8));
				}
			}
		}
	}

	/**
	 * The hashed form of a signing key, as Inngest's SDKs send it.
	 * @param key the key
	 * @return the hashed form, or {@code null} if the key is not a {@code signkey-<env>-<hex>} key
	 */
	static String hashed(String key) {
		Matcher matcher = PREFIXED.matcher(key);
		if (!matcher.matches() || matcher.group(2).length() % 2 != 0) {
			return null;
		}
		try {
			byte[] raw = HexFormat.of().parseHex(matcher.group(2));
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
			return matcher.group(1) + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * Whether an {@code Authorization} header carries an accepted key.
	 * @param authorization the header, or {@code null}
	 * @return {@code true} if it is {@code Bearer} and an accepted key
	 */
	boolean authorizes(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		byte[] token = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
		boolean match = false;
		for (byte[] key : this.accepted) {
			match |= MessageDigest.isEqual(key, token);
		}
		return match;
	}

}
