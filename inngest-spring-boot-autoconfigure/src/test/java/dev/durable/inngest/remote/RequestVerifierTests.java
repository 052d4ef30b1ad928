package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifying the signatures of requests from the Inngest platform.
 */
class RequestVerifierTests {

	private static final byte[] BODY = SigningKeyTests.VECTOR_A_BODY.getBytes(StandardCharsets.UTF_8);

	private static final String HEADER = "t=1735689600&s=be94d423ca22f6aad886357f9e8e78a047bcd0d478bce5c694334bf2a28f1c9e";

	private static final SigningKey OTHER = SigningKey.of("signkey-prod-00000000000000000000000000000000");

	private static RequestVerifier at(long unixSeconds, SigningKey key, SigningKey fallback) {
		return new RequestVerifier(key, fallback, Clock.fixed(Instant.ofEpochSecond(unixSeconds), ZoneOffset.UTC));
	}

	@Test
	void aFreshSignatureOfTheKeyVerifies() {
		assertThat(at(1735689600L, SigningKeyTests.VECTOR_A, null).verify(HEADER, BODY))
			.containsSame(SigningKeyTests.VECTOR_A);
	}

	@Test
	void aSignatureOfTheFallbackKeyVerifiesAndIsNamedAsTheOneThatSigned() {
		assertThat(at(1735689600L, OTHER, SigningKeyTests.VECTOR_A).verify(HEADER, BODY))
			.containsSame(SigningKeyTests.VECTOR_A);
	}

	@Test
	void aSignatureOfAnotherKeyDoesNotVerify() {
		assertThat(at(1735689600L, OTHER, null).verify(HEADER, BODY)).isEmpty();
	}

	@Test
	void aSignatureMoreThanFiveMinutesOldOrAheadDoesNotVerify() {
		assertThat(at(1735689600L + 300, SigningKeyTests.VECTOR_A, null).verify(HEADER, BODY)).isPresent();
		assertThat(at(1735689600L + 301, SigningKeyTests.VECTOR_A, null).verify(HEADER, BODY)).isEmpty();
		assertThat(at(1735689600L - 300, SigningKeyTests.VECTOR_A, null).verify(HEADER, BODY)).isPresent();
		assertThat(at(1735689600L - 301, SigningKeyTests.VECTOR_A, null).verify(HEADER, BODY)).isEmpty();
	}

	@Test
	void aMissingOrMalformedHeaderDoesNotVerify() {
		RequestVerifier verifier = at(1735689600L, SigningKeyTests.VECTOR_A, null);
		assertThat(verifier.verify(null, BODY)).isEmpty();
		assertThat(verifier.verify("", BODY)).isEmpty();
		assertThat(verifier.verify("t=1735689600", BODY)).isEmpty();
		assertThat(verifier.verify("s=be94d423", BODY)).isEmpty();
		assertThat(verifier.verify("t=soon&s=be94d423ca22f6aad886357f9e8e78a047bcd0d478bce5c694334bf2a28f1c9e", BODY))
			.isEmpty();
		assertThat(verifier.verify("t=1735689600&s=", BODY)).isEmpty();
	}

	@Test
	void aChangedBodyDoesNotVerify() {
		byte[] changed = SigningKeyTests.VECTOR_A_BODY.replace("4200", "4201").getBytes(StandardCharsets.UTF_8);
		assertThat(at(1735689600L, SigningKeyTests.VECTOR_A, null).verify(HEADER, changed)).isEmpty();
	}

	@Test
	void aBodySentInAnotherFormVerifiesByItsCanonicalForm() {
		String pretty = SigningKeyTests.VECTOR_A_BODY.replace(",", ", ").replace(":", ": ");
		assertThat(
				at(1735689600L, SigningKeyTests.VECTOR_A, null).verify(HEADER, pretty.getBytes(StandardCharsets.UTF_8)))
			.isPresent();
	}

	@Test
	void aSignatureMadeByARealInngestServerVerifies() {
		SigningKey key = SigningKey.of("signkey-test-f00f3005a3666b359a79c2bc3380ce2715e62727ac461ae1a2618f8766029c9f");
		String body = "{\"ctx\":{\"fn_id\":\"local-testing-local-cron\",\"run_id\":\"01GQ3HTEZ01M7R8Z9PR1DMHDN1\","
				+ "\"step_id\":\"step\"},\"event\":{\"data\":{},\"id\":\"\",\"name\":\"demo/event.sent\","
				+ "\"ts\":1674082830001,\"v\":\"1\"},\"events\":[{\"data\":{},\"id\":\"\",\"name\":\"demo/event.sent\","
				+ "\"ts\":1674082830001,\"v\":\"1\"}],\"steps\":{},\"use_api\":false}";
		assertThat(at(1687306735L, key, null).verify(
				"t=1687306735&s=a060f245a5d0c3c779ef65fd15b2ac06e4ab98dd8cc9860aa0722c8481ae02ab",
				body.getBytes(StandardCharsets.UTF_8)))
			.containsSame(key);
	}

	@Test
	void aResponseSignedOverItsBytesVerifies() {
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		String header = "t=1735689605&s=8afe29cf0f47ef59c86ea2218c3693618ff9c8baa22b993dd796c6d7f80e31d7";
		assertThat(at(1735689605L, SigningKeyTests.VECTOR_A, null).verifyResponse(header, body))
			.isEqualTo(RequestVerifier.Verdict.VERIFIED);
		assertThat(at(1735689605L, OTHER, SigningKeyTests.VECTOR_A).verifyResponse(header, body))
			.isEqualTo(RequestVerifier.Verdict.VERIFIED);
	}

	@Test
	void aResponseSignedWithItsTimeInMillisecondsVerifiesWithinTheWindow() {
		byte[] body = "[{\"op\":\"StepRun\"}]".getBytes(StandardCharsets.UTF_8);
		String header = SigningKeyTests.VECTOR_A.signatureHeader(body, 1735689605123L);
		assertThat(header).startsWith("t=1735689605123&");
		assertThat(at(1735689605L, SigningKeyTests.VECTOR_A, null).verifyResponse(header, body))
			.isEqualTo(RequestVerifier.Verdict.VERIFIED);
		assertThat(at(1735689605L + 301, SigningKeyTests.VECTOR_A, null).verifyResponse(header, body))
			.isEqualTo(RequestVerifier.Verdict.STALE);
		assertThat(at(1735689605L - 301, SigningKeyTests.VECTOR_A, null).verifyResponse(header, body))
			.isEqualTo(RequestVerifier.Verdict.STALE);
		// The platform signs requests in seconds.
		assertThat(at(1735689605L, SigningKeyTests.VECTOR_A, null).verify(header, body)).isEmpty();
	}

	@Test
	void aResponseIsCheckedOverItsExactBytesNotItsCanonicalForm() {
		String pretty = SigningKeyTests.VECTOR_A_BODY.replace(",", ", ");
		assertThat(at(1735689600L, SigningKeyTests.VECTOR_A, null).verifyResponse(HEADER,
				pretty.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(RequestVerifier.Verdict.MISMATCH);
	}

	@Test
	void aResponseSignatureSaysWhyItDoesNotVerify() {
		RequestVerifier verifier = at(1735689600L, SigningKeyTests.VECTOR_A, null);
		assertThat(verifier.verifyResponse(null, BODY)).isEqualTo(RequestVerifier.Verdict.MISSING);
		assertThat(verifier.verifyResponse("", BODY)).isEqualTo(RequestVerifier.Verdict.MISSING);
		assertThat(verifier.verifyResponse("t=1735689600", BODY)).isEqualTo(RequestVerifier.Verdict.MALFORMED);
		assertThat(at(1735689600L + 301, SigningKeyTests.VECTOR_A, null).verifyResponse(HEADER, BODY))
			.isEqualTo(RequestVerifier.Verdict.STALE);
		assertThat(at(1735689600L, OTHER, null).verifyResponse(HEADER, BODY))
			.isEqualTo(RequestVerifier.Verdict.MISMATCH);
		assertThat(verifier.verifyResponse(HEADER, BODY)).isEqualTo(RequestVerifier.Verdict.VERIFIED);
	}

}
