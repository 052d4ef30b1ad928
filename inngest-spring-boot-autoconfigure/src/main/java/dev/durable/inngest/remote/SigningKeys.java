package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The bearer tokens that authorize calls made with a signing key, as the runs API's
 * callers and the apps syncing to the executor send them: each configured key, plain or
 * in Inngest's hashed form ({@link SigningKey#bearerToken()}). Tokens are compared in
 * constant time.
 */
public final class SigningKeys {

	private final List<byte[]> accepted = new ArrayList<>();

	/**
	 * Accepts the given keys.
	 * @param keys the signing key and its fallback; blank ones are ignored
	 */
	public SigningKeys(@Nullable String... keys) {
		for (String key : keys) {
			if (StringUtils.hasText(key)) {
				this.accepted.add(key.trim().getBytes(StandardCharsets.UTF_8));
				this.accepted.add(SigningKey.of(key).bearerToken().getBytes(StandardCharsets.UTF_8));
			}
		}
	}

	/**
	 * Whether an {@code Authorization} header carries an accepted key.
	 * @param authorization the header, or {@code null}
	 * @return {@code true} if it is {@code Bearer} and an accepted key
	 */
	public boolean authorizes(@Nullable String authorization) {
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
