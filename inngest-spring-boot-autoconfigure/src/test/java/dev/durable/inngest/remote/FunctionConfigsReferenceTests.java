package dev.durable.inngest.remote;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.CancelOn;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Timeouts;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.remote.SyncClient.RegisterRequest;
import dev.durable.inngest.testsupport.JsReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration an application syncs, against what the official JavaScript SDK syncs
 * for the same functions: both serve them, the official SDK is asked to sync, and what it
 * sends to a stand-in for the platform must match what this SDK would send, function by
 * function.
 */
class FunctionConfigsReferenceTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String KEY = "signkey-test-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	@Test
	void everyFunctionIsSyncedAsTheOfficialSdkSyncsIt() throws Exception {
		CompletableFuture<String> registered = new CompletableFuture<>();
		CompletableFuture<String> authorization = new CompletableFuture<>();
		HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		platform.createContext("/fn/register", (exchange) -> {
			authorization.complete(exchange.getRequestHeaders().getFirst("Authorization"));
			registered.complete(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			byte[] answer = "{\"ok\":true,\"modified\":true}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		platform.start();
		try (JsReference js = JsReference.start("shop-app.mjs",
				Map.of("API", "http://127.0.0.1:" + platform.getAddress().getPort(), "SIGNING_KEY", KEY))) {
			HttpResponse<String> sync = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(js.url("/api/inngest")))
					.PUT(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
			JsonNode official = JSON.readTree(registered.get(10, TimeUnit.SECONDS));

			Map<String, JsonNode> expected = byId(official.get("functions"));
			expected.values().forEach(FunctionConfigsReferenceTests::defaultRetries);
			FunctionRegistry functions = registry(new ShopFunctions());
			JsonNode ours = JSON.valueToTree(RegisterRequest.of(js.url("/api/inngest"), "shop",
					FunctionConfigs.of("shop", js.url("/api/inngest"), functions)));
			for (String field : new String[] { "url", "deployType", "appName", "v" }) {
				assertThat(ours.get(field)).as(field).isEqualTo(official.get(field));
			}
			assertThat(ours.at("/capabilities/trust_probe")).isEqualTo(official.at("/capabilities/trust_probe"));
			assertThat(authorization.get()).isEqualTo("Bearer " + SigningKey.of(KEY).bearerToken());

			Map<String, JsonNode> actual = byId(ours.get("functions"));
			assertThat(expected).hasSize(5);
			assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
			expected.forEach((id, function) -> assertThat(actual.get(id)).as(id).isEqualTo(function));
		}
		finally {
			platform.stop(0);
		}
	}

	static FunctionRegistry registry(Object bean) {
		FunctionDiscoverer discoverer = new FunctionDiscoverer();
		discoverer.postProcessAfterInitialization(bean, "functions");
		discoverer.afterSingletonsInstantiated();
		return discoverer.registry();
	}

	private static Map<String, JsonNode> byId(JsonNode functions) {
		Map<String, JsonNode> byId = new LinkedHashMap<>();
		functions.forEach((function) -> byId.put(function.get("id").asString(), function));
		return byId;
	}

	// The official SDK leaves out the retries it was not given; the platform then gives
	// 4.
	private static void defaultRetries(JsonNode function) {
		ObjectNode step = (ObjectNode) function.at("/steps/step");
		if (!step.has("retries")) {
			step.putObject("retries").put("attempts", 4);
		}
	}

	/** The functions of {@code src/test/js/shop-app.mjs}, in Java. */
	static class ShopFunctions {

		@InngestFunction(id = "process-order", name = "Process order", event = "shop/order.placed",
				condition = "event.data.amount > 10")
		@Retries(3)
		@CancelOn(event = "shop/order.cancelled", match = "data.orderId", timeout = "1h")
		@CancelOn(event = "shop/order.voided", condition = "event.data.orderId == async.data.id")
		@Timeouts(start = "10m", finish = "2h")
		String process() {
			return "ok";
		}

		@OnFailure(function = "process-order")
		String handle(FailureContext failure) {
			return "handled";
		}

		@OnCancel(function = "process-order")
		String cleanUp(FunctionCancelledEvent cancelled) {
			return "cleaned";
		}

		@InngestFunction(id = "nightly", cron = "TZ=Europe/Paris 0 3 * * *")
		String nightly() {
			return "n";
		}

		@InngestFunction(id = "two-events", event = { "a/one", "a/two" })
		String twoEvents() {
			return "t";
		}

	}

}
