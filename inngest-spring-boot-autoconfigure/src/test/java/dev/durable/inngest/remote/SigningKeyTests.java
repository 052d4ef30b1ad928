package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing keys against the test vectors of Inngest's SDK protocol.
 */
class SigningKeyTests {

	static final SigningKey VECTOR_A = SigningKey.of("signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6f");

	static final String VECTOR_A_BODY = "{\"ctx\":{\"attempt\":0,\"disable_immediate_execution\":false,\"env\":\"\","
			+ "\"fn_id\":\"3f1b2c4d-0000-4000-8000-000000000001\",\"max_attempts\":5,\"qi_id\":\"\","
			+ "\"run_id\":\"01JGZ00000000000000000RUN1\",\"stack\":{\"current\":0,\"stack\":[]},\"step_id\":\"step\","
			+ "\"use_api\":false},\"event\":{\"data\":{\"orderId\":\"A-1001\",\"total\":4200},"
			+ "\"id\":\"01JGZ0000000000000000000AB\",\"name\":\"shop/order.placed\",\"ts\":1735689600000,\"user\":{}},"
			+ "\"events\":[{\"data\":{\"orderId\":\"A-1001\",\"total\":4200},\"id\":\"01JGZ0000000000000000000AB\","
			+ "\"name\":\"shop/order.placed\",\"ts\":1735689600000,\"user\":{}}],\"steps\":{},\"use_api\":false,"
			+ "\"version\":-1}";

	@Test
	void aCallRequestIsSignedWithTheKeysTextNotItsDecodedBytes() {
		byte[] body = VECTOR_A_BODY.getBytes(StandardCharsets.UTF_8);
		assertThat(body).hasSize(570);
		assertThat(VECTOR_A.sign(body, 1735689600L))
			.isEqualTo("be94d423ca22f6aad886357f9e8e78a047bcd0d478bce5c694334bf2a28f1c9e");
		assertThat(VECTOR_A.signatureHeader(body, 1735689600L))
			.isEqualTo("t=1735689600&s=be94d423ca22f6aad886357f9e8e78a047bcd0d478bce5c694334bf2a28f1c9e");
	}

	@Test
	void anEmptyBodyAndAResponseAreSignedTheSameWay() {
		assertThat(VECTOR_A.sign(new byte[0], 1735689600L))
			.isEqualTo("7df0afb048e0a3e1b9fb24f0f708659a424020a726af2414360bd456ea8f2f51");
		assertThat(VECTOR_A.sign("{}".getBytes(StandardCharsets.UTF_8), 1735689605L))
			.isEqualTo("8afe29cf0f47ef59c86ea2218c3693618ff9c8baa22b993dd796c6d7f80e31d7");
	}

	@Test
	void theBearerTokenIsThePrefixAndTheSha256OfTheDecodedKey() {
		assertThat(VECTOR_A.bearerToken())
			.isEqualTo("signkey-prod-21cecd62cf49f1a43d2d23c3a5f4abb500d03ec6acd24fa54e0608bda762a8f1");
		assertThat(SigningKey.of("signkey-prod-12345678").bearerToken())
			.isEqualTo("signkey-prod-b2ed992186a5cb19f6668aade821f502c1d00970dfd0e35128d51bac4649916c");
	}

	@Test
	void aMacIsVerifiedAndAnyOtherRefused() {
		byte[] body = VECTOR_A_BODY.getBytes(StandardCharsets.UTF_8);
		String mac = "be94d423ca22f6aad886357f9e8e78a047bcd0d478bce5c694334bf2a28f1c9e";
		assertThat(VECTOR_A.verifies(body, 1735689600L, mac)).isTrue();
		assertThat(VECTOR_A.verifies(body, 1735689600L, mac.toUpperCase())).isTrue();
		assertThat(VECTOR_A.verifies(body, 1735689601L, mac)).isFalse();
		assertThat(VECTOR_A.verifies(body, 1735689600L, mac.replace('b', 'c'))).isFalse();
		assertThat(VECTOR_A.verifies(body, 1735689600L, null)).isFalse();
		assertThat(SigningKey.of("signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6e").verifies(body, 1735689600L, mac))
			.isFalse();
	}

	@Test
	void theKeyIsNeverShown() {
		assertThat(VECTOR_A.toString()).doesNotContain("8f3a1c5e").contains("signkey-prod-");
		assertThat(VECTOR_A.fingerprint()).doesNotContain("8f3a1c5e").hasSize(64);
	}

}
