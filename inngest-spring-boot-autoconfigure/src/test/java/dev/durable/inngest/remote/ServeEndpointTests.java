package dev.durable.inngest.remote;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.remote.app.RecordingCallHandler;
import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakeInngestExecutor;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Exchange;
import dev.durable.inngest.testsupport.FakePlatform;
import dev.durable.inngest.testsupport.FakePlatform.Register;
import dev.durable.inngest.testsupport.FakePlatform.Reply;
import dev.durable.inngest.testsupport.HttpApiClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serve endpoint over real HTTP, in cloud mode, as the platform and others reach it.
 */
@ServeEndpointTest
class ServeEndpointTests {

	static final SigningKey KEY = SigningKey.of(RemoteTestApplication.SIGNING_KEY);

	static final SigningKey FALLBACK = SigningKey.of(RemoteTestApplication.FALLBACK_KEY);

	static final SigningKey STRANGER = SigningKey.of("signkey-prod-ffffffffffffffffffffffffffffffff");

	static final String CALL_BODY = "{\"ctx\":{\"attempt\":0,\"run_id\":\"01RUN\",\"stack\":{\"current\":0,\"stack\":[]},"
			+ "\"step_id\":\"step\"},\"event\":{\"data\":{},\"name\":\"test/greet\"},\"events\":[],\"steps\":{}}";

	@LocalServerPort
	int port;

	@Autowired
	RecordingCallHandler handler;

	@Autowired
	FakePlatform platform;

	@BeforeEach
	void forget() {
		this.handler.clear();
	}

	private String url(String query) {
		return "http://localhost:" + this.port + "/api/inngest" + query;
	}

	private FakeInngestExecutor signedWith(SigningKey key) {
		return new FakeInngestExecutor(url(""), key, Clock.systemUTC());
	}

	private FakeInngestExecutor unsigned() {
		return new FakeInngestExecutor(url(""), null, Clock.systemUTC());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static void assertSdkHeaders(Exchange exchange) {
		assertThat(exchange.header("Content-Type")).startsWith("application/json");
		assertThat(exchange.header("X-Inngest-SDK")).matches("inngest-spring-boot:v.+");
		assertThat(exchange.header("X-Inngest-Req-Version")).isEqualTo("2");
		assertThat(exchange.header("X-Inngest-Framework")).isEqualTo("springboot");
	}

	private static void assertSignedBy(SigningKey key, Exchange exchange) {
		String header = exchange.header("X-Inngest-Signature");
		assertThat(header).as("response signature").isNotNull();
		long t = Long.parseLong(header.substring(2, header.indexOf('&')));
		assertThat(Math.abs(Instant.now().getEpochSecond() - t)).isLessThan(60);
		assertThat(key.verifies(exchange.body(), t, header.substring(header.indexOf("&s=") + 3))).isTrue();
	}

	@Test
	void anUnsignedIntrospectionGetsTheUnauthenticatedBody() {
		Exchange exchange = unsigned().send("GET", url(""), new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(200);
		assertSdkHeaders(exchange);
		JsonNode body = exchange.json();
		assertThat(body.propertyNames()).containsExactlyInAnyOrder("authentication_succeeded", "extra",
				"function_count", "has_event_key", "has_signing_key", "has_signing_key_fallback", "mode",
				"schema_version");
		assertThat(body.get("authentication_succeeded").isNull()).isTrue();
		// The application's three and the two that publish the Spring events of runs'
		// ends.
		assertThat(body.get("function_count").asInt()).isEqualTo(5);
		assertThat(body.get("has_event_key").asBoolean()).isTrue();
		assertThat(body.get("has_signing_key_fallback").asBoolean()).isTrue();
		assertThat(body.get("mode").asString()).isEqualTo("cloud");
		assertThat(body.get("schema_version").asString()).isEqualTo("2024-05-24");
	}

	@Test
	void theBranchEnvironmentIsToldOnlyInAnswersToSignedRequests() {
		assertThat(unsigned().send("GET", url(""), new byte[0], Map.of()).header("X-Inngest-Env")).isNull();
		Exchange refused = signedWith(STRANGER).send("POST", url("?fnId=orders-greet&stepId=step"), bytes(CALL_BODY),
				Map.of());
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.header("X-Inngest-Env")).isNull();
		assertThat(signedWith(KEY).send("GET", url(""), new byte[0], Map.of()).header("X-Inngest-Env"))
			.isEqualTo("feature-x");
	}

	@Test
	void aWronglySignedIntrospectionSaysAuthenticationFailed() {
		Exchange exchange = signedWith(STRANGER).send("GET", url(""), new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(200);
		assertThat(exchange.json().get("authentication_succeeded").asBoolean()).isFalse();
		assertThat(exchange.json().has("app_id")).isFalse();
		assertThat(exchange.header("X-Inngest-Signature")).isNull();
	}

	@Test
	void aCallHandlerThatThrowsIsAnsweredWithARetriableErrorThatHidesTheMessage() {
		Exchange exchange = signedWith(KEY).send("POST", url("?fnId=orders-greet&stepId=step"),
				bytes(CALL_BODY.replace("test/greet", "test/boom")), Map.of());
		assertThat(exchange.status()).isEqualTo(500);
		assertSdkHeaders(exchange);
		assertThat(exchange.header("X-Inngest-No-Retry")).isEqualTo("false");
		assertThat(exchange.json().get("error").asString()).contains("IllegalStateException")
			.doesNotContain("on purpose");
	}

	@Test
	void anInBandPutWithoutAUrlIs400() {
		int before = this.platform.registers().size();
		Exchange exchange = signedWith(KEY).send("PUT", url(""), bytes("{\"nope\":1}"),
				Map.of("X-Inngest-Sync-Kind", "in_band"));
		assertThat(exchange.status()).isEqualTo(400);
		assertThat(exchange.json().get("error").asString()).contains("url");
		assertThat(this.platform.registers()).hasSize(before);
	}

	@Test
	void aSignedIntrospectionGetsTheDetailsSignedWithTheKeyThatSigned() {
		Exchange exchange = signedWith(FALLBACK).send("GET", url(""), new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(200);
		assertSdkHeaders(exchange);
		JsonNode body = exchange.json();
		assertThat(body.get("authentication_succeeded").asBoolean()).isTrue();
		assertThat(body.get("app_id").asString()).isEqualTo("orders");
		assertThat(body.get("api_origin").asString()).isEqualTo(this.platform.origin());
		assertThat(body.get("event_api_origin").asString()).isEqualTo("https://inn.gs");
		assertThat(body.get("event_key_hash").asString())
			.isEqualTo("51614129677943910500b120334413915d6e3bf933780a38ff24294986eea90b");
		assertThat(body.get("capabilities").get("trust_probe").asString()).isEqualTo("v1");
		assertThat(body.get("sdk_language").asString()).isEqualTo("java");
		assertThat(body.get("serve_path").isNull()).isTrue();
		assertThat(exchange.text()).doesNotContain(KEY.bearerToken())
			.doesNotContain("8f3a1c5e9b2d4f6071a3c5e7092b4d6f");
		assertSignedBy(FALLBACK, exchange);
	}

	@Test
	void aSignedCallRequestReachesTheCallHandlerWithItsExactBytes() {
		byte[] body = bytes(CALL_BODY);
		Exchange exchange = signedWith(KEY).send("POST", url("?fnId=orders-greet&stepId=step"), body, Map.of());
		assertThat(exchange.status()).isEqualTo(206);
		assertSdkHeaders(exchange);
		assertThat(exchange.json().get(0).get("op").asString()).isEqualTo("StepRun");
		assertSignedBy(KEY, exchange);
		List<CallRequest> requests = this.handler.requests();
		assertThat(requests).hasSize(1);
		assertThat(requests.get(0).functionId()).isEqualTo("orders-greet");
		assertThat(requests.get(0).stepId()).isEqualTo("step");
		assertThat(requests.get(0).body()).isEqualTo(body);
	}

	@Test
	void aCallRequestSignedWithTheFallbackKeyIsTaken() {
		Exchange exchange = signedWith(FALLBACK).send("POST", url("?fnId=orders-greet&stepId=step"), bytes(CALL_BODY),
				Map.of());
		assertThat(exchange.status()).isEqualTo(206);
		assertSignedBy(FALLBACK, exchange);
	}

	@Test
	void unsignedStaleOrForeignCallRequestsAreRefusedWith401AndChangeNothing() {
		Exchange unsigned = unsigned().send("POST", url("?fnId=orders-greet&stepId=step"), bytes(CALL_BODY), Map.of());
		Exchange foreign = signedWith(STRANGER).send("POST", url("?fnId=orders-greet&stepId=step"), bytes(CALL_BODY),
				Map.of());
		long stale = Instant.now().getEpochSecond() - 301;
		Exchange old = signedWith(KEY).send("POST", url("?fnId=orders-greet&stepId=step"), bytes(CALL_BODY),
				Map.of("X-Inngest-Signature", "t=" + stale + "&s=" + KEY.sign(bytes(CALL_BODY), stale)));
		for (Exchange exchange : List.of(unsigned, foreign)) {
			assertThat(exchange.status()).isEqualTo(401);
			assertSdkHeaders(exchange);
			assertThat(exchange.json().get("error").asString()).contains("signing key");
			assertThat(exchange.header("X-Inngest-Signature")).isNull();
		}
		assertThat(old.status()).isEqualTo(401);
		assertThat(this.handler.requests()).isEmpty();
	}

	@Test
	void aBodyChangedAfterSigningIsRefused() {
		byte[] signed = bytes(CALL_BODY);
		long now = Instant.now().getEpochSecond();
		Exchange exchange = unsigned().send("POST", url("?fnId=orders-greet&stepId=step"),
				bytes(CALL_BODY.replace("test/greet", "test/other")),
				Map.of("X-Inngest-Signature", KEY.signatureHeader(signed, now)));
		assertThat(exchange.status()).isEqualTo(401);
		assertThat(this.handler.requests()).isEmpty();
	}

	@Test
	void aCallRequestWithoutFnIdIs400AndOneForAnUnknownFunctionIs500() {
		Exchange missing = signedWith(KEY).send("POST", url("?stepId=step"), bytes(CALL_BODY), Map.of());
		assertThat(missing.status()).isEqualTo(400);
		assertSdkHeaders(missing);
		assertThat(missing.json().get("error").asString()).contains("fnId");
		assertThat(missing.header("X-Inngest-No-Retry")).isEqualTo("true");
		Exchange unknown = signedWith(KEY).send("POST", url("?fnId=orders-nope&stepId=step"), bytes(CALL_BODY),
				Map.of());
		assertThat(unknown.status()).isEqualTo(500);
		assertThat(unknown.json().get("error").asString()).contains("orders-nope");
		assertThat(unknown.header("X-Inngest-No-Retry")).isEqualTo("false");
		assertThat(this.handler.requests()).isEmpty();
	}

	@Test
	void theFailureHandlerIsCalledByItsCompositeId() {
		Exchange exchange = signedWith(KEY).send("POST", url("?fnId=orders-greet-failure&stepId=step"),
				bytes(CALL_BODY), Map.of());
		assertThat(exchange.status()).isEqualTo(206);
		assertThat(this.handler.requests()).extracting(CallRequest::functionId).containsExactly("orders-greet-failure");
	}

	@Test
	void theTrustProbeIsAnsweredSignedOnlyWhenSigned() {
		Exchange signed = signedWith(KEY).send("POST", url("?probe=trust"), bytes("{}"), Map.of());
		assertThat(signed.status()).isEqualTo(200);
		assertThat(signed.text()).isEqualTo("{}");
		assertSdkHeaders(signed);
		assertSignedBy(KEY, signed);
		Exchange unsigned = unsigned().send("POST", url("?probe=trust"), bytes("{}"), Map.of());
		assertThat(unsigned.status()).isEqualTo(401);
		Exchange unknown = signedWith(KEY).send("POST", url("?probe=other"), bytes("{}"), Map.of());
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.json().get("error").asString()).contains("trust");
		assertSignedBy(KEY, unknown);
		assertThat(this.handler.requests()).isEmpty();
	}

	@Test
	void otherMethodsAre405WithTheHeaders() {
		for (String method : List.of("DELETE", "PATCH")) {
			Exchange exchange = unsigned().send(method, url(""), new byte[0], Map.of());
			assertThat(exchange.status()).isEqualTo(405);
			assertSdkHeaders(exchange);
			assertThat(exchange.header("Allow")).isEqualTo("GET, POST, PUT");
		}
	}

	@Test
	void aFormBodyIsLeftToTheEndpointRatherThanDecodedBeforeIt() {
		HttpApiClient http = new HttpApiClient(this.port);
		List<String> form = List.of("Content-Type", "application/x-www-form-urlencoded");
		for (String method : List.of("DELETE", "PATCH", "PUT")) {
			HttpApiClient.Answer answer = http.send(method, "/api/inngest", form,
					HttpRequest.BodyPublishers.ofString("%E0%A4%A=x"));
			// The endpoint's own answers: an unsigned PUT syncs nothing without a serve
			// origin.
			assertThat(answer.status()).as(method).isEqualTo("PUT".equals(method) ? 401 : 405);
			assertThat(answer.header("X-Inngest-SDK")).as(method).startsWith("inngest-spring-boot:v");
			assertThat(answer.header("Content-Type")).as(method).startsWith("application/json");
		}
	}

	@Test
	void aQueryTheServletContainerCannotReadIsRefusedWithTheHeaders() {
		HttpApiClient http = new HttpApiClient(this.port);
		int registers = this.platform.registers().size();
		for (String method : List.of("POST", "PUT")) {
			HttpApiClient.Answer answer = http.send(method, "/api/inngest?fnId=orders-greet&=x",
					List.of("Content-Type", "application/json"), HttpRequest.BodyPublishers.ofString("{}"));
			assertThat(answer.status()).as(method).isEqualTo(400);
			assertThat(answer.header("X-Inngest-SDK")).as(method).startsWith("inngest-spring-boot:v");
			assertThat(answer.header("X-Inngest-No-Retry")).as(method).isEqualTo("true");
			assertThat(answer.json().path("error").asString()).as(method)
				.isEqualTo("The query string cannot be read as parameters: 'fnId=orders-greet&=x'");
		}
		assertThat(this.handler.requests()).isEmpty();
		assertThat(this.platform.registers()).hasSize(registers);
	}

	@Test
	void aBodyLargerThanTheLimitIsRefusedWith413() {
		byte[] huge = new byte[5 * 1024 * 1024 + 1];
		java.util.Arrays.fill(huge, (byte) ' ');
		Exchange exchange = signedWith(KEY).send("POST", url("?fnId=orders-greet&stepId=step"), huge, Map.of());
		assertThat(exchange.status()).isEqualTo(413);
		assertSdkHeaders(exchange);
		assertThat(exchange.json().get("error").asString()).contains("inngest.limits.serve-request-size");
		HttpApiClient.Answer chunked = new HttpApiClient(this.port).send("POST", "/api/inngest?fnId=orders-greet",
				List.of("Content-Type", "application/json"),
				HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge)));
		assertThat(chunked.status()).isEqualTo(413);
		assertThat(this.handler.requests()).isEmpty();
	}

	@Test
	void aPutSyncsOutOfBandCopyingTheDeployId() {
		int before = this.platform.registers().size();
		Exchange exchange = signedWith(KEY).send("PUT", url("?deployId=dep-42"), new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(200);
		assertSdkHeaders(exchange);
		assertThat(exchange.header("X-Inngest-Sync-Kind")).isEqualTo("out_of_band");
		assertSignedBy(KEY, exchange);
		assertThat(exchange.json().get("message").asString()).isEqualTo("Successfully synced.");
		assertThat(exchange.json().get("modified").asBoolean()).isTrue();
		List<Register> registers = this.platform.registers();
		assertThat(registers).hasSize(before + 1);
		Register register = registers.get(before);
		assertThat(register.query()).isEqualTo("deployId=dep-42");
		assertThat(register.headers().get("Authorization")).isEqualTo("Bearer " + KEY.bearerToken());
		assertThat(register.headers().get("X-Inngest-Expected-Server-Kind")).isEqualTo("cloud");
		JsonNode payload = register.payload();
		assertThat(payload.get("url").asString()).isEqualTo(url(""));
		assertThat(payload.get("appName").asString()).isEqualTo("orders");
		assertThat(payload.toString()).doesNotContain("dep-42");
		assertThat(payload.get("functions").valueStream().map((f) -> f.get("id").asString())).containsExactlyInAnyOrder(
				"orders-greet", "orders-greet-failure", "orders-nightly", "orders-" + SystemEventFunctions.FAILED_ID,
				"orders-" + SystemEventFunctions.CANCELLED_ID);
	}

	@Test
	void anUnsignedPutWithoutAServeOriginSyncsNothing() {
		int before = this.platform.registers().size();
		// Its Host header would name the URL the platform calls.
		Exchange exchange = new FakeInngestExecutor("http://127.0.0.1:" + this.port + "/api/inngest", null,
				Clock.systemUTC())
			.send("PUT", "http://127.0.0.1:" + this.port + "/api/inngest", new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(401);
		assertThat(exchange.json().get("error").asString()).contains("inngest.serve-origin");
		assertThat(exchange.header("X-Inngest-No-Retry")).isEqualTo("true");
		assertThat(this.platform.registers()).hasSize(before);
		assertThat(signedWith(STRANGER).send("PUT", url(""), new byte[0], Map.of()).status()).isEqualTo(401);
		assertThat(this.platform.registers()).hasSize(before);
	}

	@Test
	void aPutThePlatformRefusesIsAnswered500WithItsError() {
		this.platform.thenAnswer(new Reply(400, "{\"error\":\"function orders-greet: invalid trigger\"}"));
		Exchange exchange = signedWith(KEY).send("PUT", url(""), new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(500);
		assertSdkHeaders(exchange);
		assertThat(exchange.json().get("message").asString()).contains("invalid trigger");
		assertThat(exchange.json().get("modified").asBoolean()).isFalse();
	}

	@Test
	void aSignedInBandPutIsAnsweredWithTheConfigurationSigned() {
		int before = this.platform.registers().size();
		FakeInngestExecutor executor = signedWith(KEY);
		Exchange exchange = executor.syncInBand();
		assertThat(exchange.status()).isEqualTo(200);
		assertSdkHeaders(exchange);
		assertThat(exchange.header("X-Inngest-Sync-Kind")).isEqualTo("in_band");
		assertSignedBy(KEY, exchange);
		JsonNode body = exchange.json();
		assertThat(body.get("app_id").asString()).isEqualTo("orders");
		assertThat(body.get("url").asString()).isEqualTo(url(""));
		assertThat(body.get("inspection").get("authentication_succeeded").asBoolean()).isTrue();
		assertThat(executor.functions()).containsKeys("orders-greet", "orders-greet-failure", "orders-nightly");
		assertThat(executor.functions().get("orders-greet").at("/steps/step/runtime/url").asString())
			.isEqualTo(url("?fnId=orders-greet&stepId=step"));
		assertThat(this.platform.registers()).hasSize(before);
	}

	@Test
	void anUnsignedInBandPutIsRefused() {
		int before = this.platform.registers().size();
		Exchange exchange = unsigned().send("PUT", url(""), bytes("{\"url\":\"" + url("") + "\"}"),
				Map.of("X-Inngest-Sync-Kind", "in_band"));
		assertThat(exchange.status()).isEqualTo(401);
		assertThat(this.platform.registers()).hasSize(before);
	}

}
