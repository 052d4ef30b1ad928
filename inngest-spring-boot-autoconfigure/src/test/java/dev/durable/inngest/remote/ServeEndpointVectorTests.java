package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.remote.app.RecordingCallHandler;
import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakeInngestExecutor;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Exchange;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serve endpoint against the protocol's signature test vector A, over HTTP: an
 * endpoint whose clock stands at the vector's time takes the vector's signed call request
 * and GET, and signs its answer to the trust probe exactly as the vector says.
 */
@SpringBootTest(classes = RemoteTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.app-id=orders",
				"inngest.signing-key=" + RemoteTestApplication.SIGNING_KEY, "inngest.sync.on-startup=false",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@Import(ServeEndpointVectorTests.VectorEndpoint.class)
class ServeEndpointVectorTests {

	static final String BODY = "{\"ctx\":{\"attempt\":0,\"disable_immediate_execution\":false,\"env\":\"\","
			+ "\"fn_id\":\"3f1b2c4d-0000-4000-8000-000000000001\",\"max_attempts\":5,\"qi_id\":\"\","
			+ "\"run_id\":\"01JGZ00000000000000000RUN1\",\"stack\":{\"current\":0,\"stack\":[]},\"step_id\":\"step\","
			+ "\"use_api\":false},\"event\":{\"data\":{\"orderId\":\"A-1001\",\"total\":4200},"
			+ "\"id\":\"01JGZ0000000000000000000AB\",\"name\":\"shop/order.placed\",\"ts\":1735689600000,\"user\":{}},"
			+ "\"events\":[{\"data\":{\"orderId\":\"A-1001\",\"total\":4200},\"id\":\"01JGZ0000000000000000000AB\","
			+ "\"name\":\"shop/order.placed\",\"ts\":1735689600000,\"user\":{}}],\"steps\":{},\"use_api\":false,"
			+ "\"version\":-1}";

	@LocalServerPort
	int port;

	@Autowired
	RecordingCallHandler handler;

	private Exchange send(String method, String query, String body, String signature) {
		FakeInngestExecutor raw = new FakeInngestExecutor("unused", null, Clock.systemUTC());
		return raw.send(method, "http://localhost:" + this.port + "/vector/inngest" + query,
				body.getBytes(StandardCharsets.UTF_8), Map.of("X-Inngest-Signature", signature));
	}

	@Test
	void theVectorsCallRequestIsTaken() {
		assertThat(BODY).hasSize(570);
		Exchange exchange = send("POST", "?fnId=orders-greet&stepId=step", BODY,
				"t=1735689600&s=be94d423ca22f6aad886357f9e8e78a047bcd0d478bce5c694334bf2a28f1c9e");
		assertThat(exchange.status()).isEqualTo(206);
		assertThat(this.handler.requests())
			.anySatisfy((request) -> assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(BODY));
	}

	@Test
	void theVectorsWrongSignaturesAreRefused() {
		String hexDecodedKey = "t=1735689600&s=cdf3f751" + "0".repeat(56);
		assertThat(send("POST", "?fnId=orders-greet&stepId=step", BODY, hexDecodedKey).status()).isEqualTo(401);
	}

	@Test
	void theVectorsGetIsAuthenticated() {
		Exchange exchange = send("GET", "", "",
				"t=1735689600&s=7df0afb048e0a3e1b9fb24f0f708659a424020a726af2414360bd456ea8f2f51");
		assertThat(exchange.status()).isEqualTo(200);
		assertThat(exchange.json().get("authentication_succeeded").asBoolean()).isTrue();
		assertThat(exchange.json().get("serve_path").asString()).isEqualTo("/vector/inngest");
	}

	@Test
	void theTrustProbesAnswerIsSignedAsTheVectorSays() {
		Exchange exchange = send("POST", "?probe=trust", BODY,
				"t=1735689600&s=be94d423ca22f6aad886357f9e8e78a047bcd0d478bce5c694334bf2a28f1c9e");
		assertThat(exchange.status()).isEqualTo(200);
		assertThat(exchange.text()).isEqualTo("{}");
		assertThat(exchange.header("X-Inngest-Signature"))
			.isEqualTo("t=1735689605&s=8afe29cf0f47ef59c86ea2218c3693618ff9c8baa22b993dd796c6d7f80e31d7");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class VectorEndpoint {

		@Bean
		RouterFunction<ServerResponse> vectorServeEndpoint(FunctionDiscoverer functions, RecordingCallHandler handler,
				AppSync sync) {
			RemoteSettings settings = RemoteSettings.resolve("orders", null, null, null, null, "/vector/inngest", null,
					RemoteTestApplication.SIGNING_KEY, null, null, null, true, null);
			Clock vectorTime = Clock.fixed(Instant.ofEpochSecond(1735689605L), ZoneOffset.UTC);
			return new ServeEndpoint(settings, functions::registry, handler, sync, vectorTime, 5 * 1024 * 1024)
				.routes();
		}

	}

}
