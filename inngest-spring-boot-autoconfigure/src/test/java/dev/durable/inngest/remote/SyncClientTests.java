package dev.durable.inngest.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.remote.SyncClient.RegisterRequest;
import dev.durable.inngest.remote.SyncClient.SyncResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Out-of-band syncs, against a stand-in for the platform's register API on a real port.
 */
class SyncClientTests {

	private static final SigningKey KEY = SigningKeyTests.VECTOR_A;

	private static final SigningKey FALLBACK = SigningKey.of("signkey-prod-0123456789abcdef0123456789abcdef");

	private final ConcurrentLinkedDeque<Received> received = new ConcurrentLinkedDeque<>();

	private final List<Answer> answers = new ArrayList<>();

	private HttpServer platform;

	record Received(String uri, Headers headers, JsonNode body) {

	}

	record Answer(int status, String body) {

	}

	@BeforeEach
	void startPlatform() throws IOException {
		this.platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.platform.createContext("/", (exchange) -> {
			this.received.add(new Received(exchange.getRequestURI().toString(), exchange.getRequestHeaders(),
					JsonMapper.shared().readTree(exchange.getRequestBody().readAllBytes())));
			Answer answer = (this.answers.size() > 1) ? this.answers.remove(0) : this.answers.get(0);
			byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(answer.status(), body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.platform.start();
	}

	@AfterEach
	void stopPlatform() {
		this.platform.stop(0);
	}

	private SyncClient client(SigningKey key, SigningKey fallback, String env) {
		return new SyncClient(RestClient.create(), "http://127.0.0.1:" + this.platform.getAddress().getPort(), key,
				fallback, env);
	}

	private RegisterRequest request() {
		return RegisterRequest.of("https://shop.example/api/inngest", "shop",
				FunctionConfigs.of("shop", "https://shop.example/api/inngest",
						FunctionConfigsReferenceTests.registry(new FunctionConfigsReferenceTests.ShopFunctions())));
	}

	@Test
	void theFunctionsArePostedWithTheHashedKeyAndTheSdksHeaders() {
		this.answers.add(new Answer(200, "{\"ok\":true,\"modified\":true}"));
		SyncResult result = client(KEY, null, "feature-x").sync(request(), null, "cloud");
		assertThat(result).isEqualTo(new SyncResult(200, true, null));
		Received sync = this.received.getFirst();
		assertThat(sync.uri()).isEqualTo("/fn/register");
		assertThat(sync.headers().getFirst("Authorization")).isEqualTo("Bearer " + KEY.bearerToken());
		assertThat(sync.headers().getFirst("X-Inngest-SDK")).isEqualTo(Sdk.ID).matches("inngest-spring-boot:v.+");
		assertThat(sync.headers().getFirst("X-Inngest-Sync-Kind")).isEqualTo("out_of_band");
		assertThat(sync.headers().getFirst("X-Inngest-Expected-Server-Kind")).isEqualTo("cloud");
		assertThat(sync.headers().getFirst("X-Inngest-Env")).isEqualTo("feature-x");
		assertThat(sync.headers().getFirst("Content-Type")).startsWith("application/json");
		assertThat(sync.body().get("url").asString()).isEqualTo("https://shop.example/api/inngest");
		assertThat(sync.body().get("appName").asString()).isEqualTo("shop");
		assertThat(sync.body().get("sdk").asString()).isEqualTo(Sdk.ID);
		assertThat(sync.body().get("deployType").asString()).isEqualTo("ping");
		// As the official SDKs tell the platform, which may then probe the application.
		assertThat(sync.body().at("/capabilities/trust_probe").asString()).isEqualTo("v1");
		assertThat(sync.body().get("functions")).extracting((function) -> function.get("id").asString())
			.containsExactlyInAnyOrder("shop-two-events", "shop-process-order", "shop-process-order-failure",
					"shop-process-order-cancel", "shop-nightly");
	}

	@Test
	void aDeployIdWithBracesAndPercentSignsIsEncodedWhole() {
		this.answers.add(new Answer(200, "{\"ok\":true,\"modified\":false}"));
		SyncResult result = client(KEY, null, null).sync(request(), "}{f%}{y=C", null);
		assertThat(result.succeeded()).isTrue();
		assertThat(this.received).extracting(Received::uri)
			.containsExactly("/fn/register?deployId=%7D%7Bf%25%7D%7By%3DC");
	}

	@Test
	void theDeployIdOfThePlatformsRequestIsPassedOnButNeverTheWordUndefined() {
		this.answers.add(new Answer(200, "{\"ok\":true,\"modified\":false}"));
		assertThat(client(KEY, null, null).sync(request(), "d-01J&x", null).modified()).isFalse();
		client(KEY, null, null).sync(request(), "undefined", null);
		assertThat(this.received).extracting(Received::uri)
			.containsExactly("/fn/register?deployId=d-01J%26x", "/fn/register");
		assertThat(this.received.getFirst().headers().containsKey("X-Inngest-Env")).isFalse();
	}

	@Test
	void aRefusedKeyIsFollowedByTheFallbackKey() {
		this.answers.add(new Answer(401, "{\"error\":\"unauthorized\"}"));
		this.answers.add(new Answer(200, "{\"ok\":true,\"modified\":true}"));
		SyncResult result = client(KEY, FALLBACK, null).sync(request(), null, null);
		assertThat(result.succeeded()).isTrue();
		assertThat(this.received).extracting((sync) -> sync.headers().getFirst("Authorization"))
			.containsExactly("Bearer " + KEY.bearerToken(), "Bearer " + FALLBACK.bearerToken());
	}

	@Test
	void aRefusalSaysWhatThePlatformAnswered() {
		this.answers.add(new Answer(400, "{\"error\":\"function shop-nightly: invalid cron\"}"));
		SyncResult result = client(KEY, FALLBACK, null).sync(request(), null, null);
		assertThat(result.succeeded()).isFalse();
		assertThat(result.error()).isEqualTo("the platform answered 400: function shop-nightly: invalid cron");
		assertThat(this.received).hasSize(1);
	}

	@Test
	void aSuccessWithoutThePlatformsAnswerIsNotTakenForASync() {
		this.answers.add(new Answer(200, "<html><body>Welcome</body></html>"));
		this.answers.add(new Answer(200, ""));
		this.answers.add(new Answer(200, "{\"status\":400,\"error\":\"invalid function config\"}"));
		SyncResult page = client(KEY, null, null).sync(request(), null, null);
		assertThat(page.succeeded()).isFalse();
		assertThat(page.error()).isEqualTo("the platform answered 200 without the JSON object of a sync, so it may "
				+ "not have taken it: <html><body>Welcome</body></html>; check that inngest.api-base-url "
				+ "(INNGEST_API_BASE_URL) is the platform's API");
		assertThat(client(KEY, null, null).sync(request(), null, null).succeeded()).isFalse();
		SyncResult refused = client(KEY, null, null).sync(request(), null, null);
		assertThat(refused).isEqualTo(
				new SyncResult(400, false, "the platform answered 200 with a status of 400: invalid function config"));
	}

	@Test
	void anAnswerThatIsNotJsonIsQuotedShort() {
		this.answers.add(new Answer(502, "<html>" + "x".repeat(1000) + "</html>"));
		SyncResult result = client(KEY, null, null).sync(request(), null, null);
		assertThat(result.error()).startsWith("the platform answered 502: <html>xxx")
			.endsWith("…")
			.hasSizeLessThan(SyncResult.QUOTED + 40);
	}

	@Test
	void aDevServerWithoutAKeyIsSyncedWithoutAuthorization() {
		this.answers.add(new Answer(200, "{\"ok\":true}"));
		assertThat(client(null, null, null).sync(request(), null, "dev").succeeded()).isTrue();
		assertThat(this.received.getFirst().headers().containsKey("Authorization")).isFalse();
	}

}
