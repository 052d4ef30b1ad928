package dev.durable.inngest.executor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import dev.durable.inngest.remote.SigningKey;
import org.jspecify.annotations.Nullable;

/**
 * The bearer tokens an app authenticates with to the executor's APIs: the signing key in
 * the hashed form the SDKs send ({@code signkey-<env>-<sha256>}), or as it is, as a
 * self-hosted Inngest server accepts it. Compared in constant time.
 */
final class BearerTokens {

	private final List<byte[]> tokens;

	BearerTokens(SigningKey signingKey, String signingKeyText) {
		this.tokens = List.of(signingKey.bearerToken().getBytes(StandardCharsets.UTF_8),
				signingKeyText.trim().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Whether an {@code Authorization} header carries one of the tokens.
	 * @param authorization the header, or {@code null}
	 * @return whether it is accepted
	 */
	boolean accept(@Nullable String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		byte[] token = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
		boolean match = false;
		for (byte[] accepted : this.tokens) {
			match |= MessageDigest.isEqual(accepted, token);
		}
		return match;
	}

}
