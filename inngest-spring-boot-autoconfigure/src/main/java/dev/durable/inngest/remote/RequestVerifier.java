package dev.durable.inngest.remote;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Verifies the {@code X-Inngest-Signature} of a request from the Inngest platform, or of
 * an SDK's response to a signed request: a {@code t=<unix seconds>&s=<hex HMAC>} header,
 * fresh within five minutes either way, whose MAC is the signing key's (or, while keys
 * rotate, the fallback key's) over the body followed by {@code t}. The platform signs the
 * canonical form of a request's body (RFC 8785), which its call requests already are; a
 * body that is not, such as a sync request's, is checked in that form too. A response is
 * signed over its exact bytes.
 */
public final class RequestVerifier {

	/** How far a signature's time may be from now, either way. */
	public static final Duration WINDOW = Duration.ofMinutes(5);

	/**
	 * The least {@code t} of a response signature read as milliseconds: 1973 in
	 * milliseconds, the year 5138 in seconds.
	 */
	private static final long MILLISECONDS_FROM = 100_000_000_000L;

	private final List<SigningKey> keys = new ArrayList<>();

	private final Clock clock;

	/**
	 * Creates a verifier.
	 * @param signingKey the signing key
	 * @param fallbackKey the key that also verifies while keys rotate, or {@code null}
	 * @param clock the clock that tells whether a signature is fresh
	 */
	public RequestVerifier(SigningKey signingKey, @Nullable SigningKey fallbackKey, Clock clock) {
		this.keys.add(signingKey);
		if (fallbackKey != null) {
			this.keys.add(fallbackKey);
		}
		this.clock = clock;
	}

	/**
	 * The key that signed a request, if one did.
	 * @param header the {@code X-Inngest-Signature} header, or {@code null}
	 * @param body the request's body as received (empty for a GET)
	 * @return the key whose signature it carries, to sign the response with; empty if the
	 * header is missing, malformed or stale, or no key's MAC matches
	 */
	public Optional<SigningKey> verify(@Nullable String header, byte[] body) {
		Signature signature = Signature.parse(header);
		if (signature == null) {
			return Optional.empty();
		}
		if (!isFresh(signature.unixSeconds())) {
			return Optional.empty();
		}
		byte[] canonical = null;
		for (SigningKey key : this.keys) {
			if (key.verifies(body, signature.unixSeconds(), signature.mac())) {
				return Optional.of(key);
			}
			if (body.length > 0) {
				if (canonical == null) {
					canonical = canonicalOrNull(body);
				}
				if (canonical != null && key.verifies(canonical, signature.unixSeconds(), signature.mac())) {
					return Optional.of(key);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Checks the signature of a response to a request signed with one of the keys, as an
	 * SDK signs its answers (§4.3 of the SDK protocol): over the exact bytes received,
	 * not their canonical form, within the same window as a request's. A {@code t} in
	 * milliseconds is read as such: the JavaScript SDK wrote the time of its responses'
	 * signatures so until its versions 3.54.1 and 4.2.5, and the Inngest server, which
	 * checks only that a signature is not too old, took them.
	 * @param header the response's {@code X-Inngest-Signature} header, or {@code null}
	 * @param body the response's body as received
	 * @return how the check came out
	 */
	public Verdict verifyResponse(@Nullable String header, byte[] body) {
		if (header == null || header.isBlank()) {
			return Verdict.MISSING;
		}
		Signature signature = Signature.parse(header);
		if (signature == null) {
			return Verdict.MALFORMED;
		}
		long t = signature.unixSeconds();
		if (!isFresh((t >= MILLISECONDS_FROM) ? t / 1000 : t)) {
			return Verdict.STALE;
		}
		for (SigningKey key : this.keys) {
			if (key.verifies(body, signature.unixSeconds(), signature.mac())) {
				return Verdict.VERIFIED;
			}
		}
		return Verdict.MISMATCH;
	}

	/** Whether a time is within the window of now, either way. */
	private boolean isFresh(long unixSeconds) {
		return Math.abs(this.clock.instant().getEpochSecond() - unixSeconds) <= WINDOW.toSeconds();
	}

	private static byte @Nullable [] canonicalOrNull(byte[] body) {
		try {
			return CanonicalJson.canonicalize(body);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * How the check of a signature came out.
	 */
	public enum Verdict {

		/** A key's MAC over the body, made within the window. */
		VERIFIED,

		/** No {@code X-Inngest-Signature} header. */
		MISSING,

		/** A header that is not {@code t=<unix seconds>&s=<hex MAC>}. */
		MALFORMED,

		/** A time further from now than the window, either way. */
		STALE,

		/** No key's MAC over the body at that time. */
		MISMATCH

	}

	/**
	 * A parsed {@code X-Inngest-Signature} header.
	 *
	 * @param unixSeconds its {@code t}
	 * @param mac its {@code s}
	 */
	record Signature(long unixSeconds, String mac) {

		static @Nullable Signature parse(@Nullable String header) {
			if (header == null) {
				return null;
			}
			String t = null;
			String s = null;
			for (String pair : header.trim().split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					String name = pair.substring(0, equals);
					String value = pair.substring(equals + 1);
					if (name.equals("t")) {
						t = value;
					}
					else if (name.equals("s")) {
						s = value;
					}
				}
			}
			if (t == null || s == null || s.isEmpty() || !t.matches("-?\\d{1,18}")) {
				return null;
			}
			return new Signature(Long.parseLong(t), s);
		}

	}

}
