package dev.durable.inngest.remote;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.Event;
import dev.durable.inngest.testsupport.JsReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Call requests answered by {@link RemoteCalls} against the official JavaScript SDK's
 * answers to the same signed requests, for the same functions ({@link StepsFunctions} and
 * {@code src/test/js/steps-app.mjs}), call after call of each run: status, the retry
 * headers, and the body (ops with their ids, names, display names, data and opts, or the
 * error), with only what must differ left out: stack traces (they name each language's
 * own frames), the official SDK's {@code timing} of each op and its {@code __serialized}
 * marker on errors (both for its own tracing and deserialization; the platform does not
 * need them).
 */
class RemoteCallsReferenceTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String KEY = "signkey-test-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void everyCallIsAnsweredAsTheOfficialSdkAnswersIt() throws Exception {
		List<JsonNode> posted = new CopyOnWriteArrayList<>();
		HttpServer eventApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		eventApi.createContext("/", (exchange) -> {
			posted.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
			byte[] answer = "{\"ids\":[\"01EVT\"],\"status\":200}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		eventApi.start();
		List<Event> sent = new CopyOnWriteArrayList<>();
		RemoteCalls calls = new RemoteCalls("steps", FunctionConfigsReferenceTests.registry(new StepsFunctions()), JSON,
				(events) -> {
					sent.addAll(events);
					return List.of("01EVT");
				}, new HttpRunPayloads(RestClient.create(), "http://127.0.0.1:9", SigningKey.of(KEY), null, null),
				Clock.systemUTC());
		try (JsReference js = JsReference.start("steps-app.mjs",
				Map.of("SIGNING_KEY", KEY, "EVENT_API", "http://127.0.0.1:" + eventApi.getAddress().getPort()))) {
			int compared = 0;
			for (Scenario scenario : scenarios()) {
				String body = RemoteCallsTests.body(scenario.attempt(), scenario.maxAttempts(), scenario.steps(),
						scenario.planOnly());
				HttpResponse<String> theirs = official(js, scenario, body);
				CallResponse ours = calls.call(new CallRequest("steps-" + scenario.function(), scenario.stepId(),
						body.getBytes(StandardCharsets.UTF_8)));
				String what = scenario + "\nofficial: " + theirs.body() + "\nours: " + ours.body();
				assertThat(ours.status()).as(what).isEqualTo(theirs.statusCode());
				for (String header : new String[] { RemoteCalls.NO_RETRY, "Retry-After" }) {
					assertThat(ours.headers().get(header)).as(header + " of " + what)
						.isEqualTo(theirs.headers().firstValue(header).orElse(null));
				}
				assertThat(normalized(JSON.readTree(ours.body()))).as(what)
					.isEqualTo(normalized(JSON.readTree(theirs.body())));
				compared++;
			}
			assertThat(compared).isEqualTo(scenarios().size());
			assertThat(posted).hasSize(1);
			JsonNode theirEvent = posted.get(0).isArray() ? posted.get(0).get(0) : posted.get(0);
			assertThat(sent).hasSize(1);
			assertThat(sent.get(0).name()).isEqualTo(theirEvent.get("name").asString());
			assertThat((JsonNode) JSON.valueToTree(sent.get(0).data())).isEqualTo(theirEvent.get("data"));
		}
		finally {
			eventApi.stop(0);
		}
	}

	private static HttpResponse<String> official(JsReference js, Scenario scenario, String body) throws Exception {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		String signature = SigningKey.of(KEY).signatureHeader(bytes, Instant.now().getEpochSecond());
		HttpRequest request = HttpRequest
			.newBuilder(URI
				.create(js.url("/api/inngest?fnId=steps-" + scenario.function() + "&stepId=" + scenario.stepId())))
			.header("Content-Type", "application/json")
			.header("X-Inngest-Signature", signature)
			.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static List<Scenario> scenarios() {
		List<Scenario> scenarios = new ArrayList<>();
		Map<String, Object> first = Map.of(StepIds.hash("first"), data(Map.of("n", 4, "label", "one")));
		scenarios.add(new Scenario("two-steps", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("two-steps", "step", 0, 5, first, false));
		scenarios.add(new Scenario("two-steps", "step", 0, 5, with(first, StepIds.hash("second"), data(5)), false));
		scenarios.add(new Scenario("two-steps", "step", 0, 5, Map.of(), true));
		scenarios.add(new Scenario("two-steps", StepIds.hash("second"), 0, 5, first, true));
		scenarios.add(new Scenario("two-steps", StepIds.hash("second"), 0, 5, Map.of(), true));
		Map<String, Object> charge = Map.of(StepIds.hash("charge"), Map.of("error",
				Map.of("name", "Error", "message", "gateway timeout", "stack", "Error: gateway timeout")));
		scenarios.add(new Scenario("flaky", "step", 0, 3, Map.of(), false));
		scenarios.add(new Scenario("flaky", "step", 1, 3, Map.of(), false));
		scenarios.add(new Scenario("flaky", "step", 2, 3, Map.of(), false));
		scenarios.add(new Scenario("flaky", "step", 0, 3, charge, false));
		scenarios.add(new Scenario("compensate", "step", 0, 1, Map.of(), false));
		scenarios.add(new Scenario("compensate", "step", 0, 1,
				Map.of(StepIds.hash("charge"),
						Map.of("error", Map.of("name", "Error", "message", "declined", "stack", "Error: declined"))),
				false));
		scenarios.add(new Scenario("sleeper", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("sleeper", "step", 0, 5, with(Map.of(), StepIds.hash("nap"), null), false));
		Map<String, Object> paid = Map.of(StepIds.hash("wait-pay"), Map.of("name", "shop/paid", "data",
				Map.of("id", "A1", "amount", 5), "user", Map.of(), "id", "E1", "ts", 1));
		scenarios.add(new Scenario("waiter", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("waiter", "step", 0, 5, paid, false));
		scenarios.add(new Scenario("waiter", "step", 0, 5, with(paid, StepIds.hash("wait-ship"), null), false));
		scenarios.add(new Scenario("waiter", "step", 0, 5,
				with(with(Map.of(), StepIds.hash("wait-pay"), null), StepIds.hash("wait-ship"), null), false));
		scenarios.add(new Scenario("fails", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("fails", "step", 4, 5, Map.of(), false));
		scenarios.add(new Scenario("fails-for-good", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("later", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("step-for-good", "step", 0, 5, Map.of(), false));
		Map<String, Object> loop = new LinkedHashMap<>();
		scenarios.add(new Scenario("loop", "step", 0, 5, Map.copyOf(loop), false));
		loop.put(StepIds.hash("item"), data(0));
		scenarios.add(new Scenario("loop", "step", 0, 5, Map.copyOf(loop), false));
		loop.put(StepIds.hash("item:1"), data(10));
		scenarios.add(new Scenario("loop", "step", 0, 5, Map.copyOf(loop), false));
		loop.put(StepIds.hash("item:2"), data(20));
		scenarios.add(new Scenario("loop", "step", 0, 5, Map.copyOf(loop), false));
		// A step named like a repeat takes that key, and the real repeat the next free
		// one.
		Map<String, Object> named = new LinkedHashMap<>();
		named.put(StepIds.hash("item"), data("first item"));
		scenarios.add(new Scenario("named-like-repeat", "step", 0, 5, Map.copyOf(named), false));
		named.put(StepIds.hash("item:1"), data("named item:1"));
		scenarios.add(new Scenario("named-like-repeat", "step", 0, 5, Map.copyOf(named), false));
		named.put(StepIds.hash("item:2"), data("repeated item"));
		scenarios.add(new Scenario("named-like-repeat", "step", 0, 5, Map.copyOf(named), false));
		scenarios.add(new Scenario("sender", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("sender", "step", 0, 5,
				Map.of(StepIds.hash("notify"), data(Map.of("ids", List.of("E9")))), false));
		scenarios.add(new Scenario("nothing", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("step-later", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("step-later", "step", 4, 5, Map.of(), false));
		scenarios.add(new Scenario("until", "step", 0, 5, Map.of(), false));
		scenarios.add(new Scenario("sender", "step", 0, 5, Map.of(), true));
		scenarios.add(new Scenario("waiter", "step", 0, 5, Map.of(), true));
		scenarios.add(new Scenario("compensate", "step", 0, 1,
				Map.of(StepIds.hash("charge"), Map.of("error", Map.of("name", "Error", "message", "declined")),
						StepIds.hash("refund"), data("refunded after declined")),
				false));
		return scenarios;
	}

	private static Map<String, Object> data(Object value) {
		return Map.of("data", value);
	}

	private static Map<String, Object> with(Map<String, Object> steps, String hash, Object memo) {
		Map<String, Object> more = new LinkedHashMap<>(steps);
		more.put(hash, memo);
		return more;
	}

	private static JsonNode normalized(JsonNode node) {
		if (node instanceof ObjectNode object) {
			object.remove(List.of("stack", "timing", "__serialized"));
			object.properties().forEach((entry) -> normalized(entry.getValue()));
		}
		else if (node instanceof ArrayNode array) {
			array.forEach(RemoteCallsReferenceTests::normalized);
		}
		return node;
	}

	record Scenario(String function, String stepId, int attempt, int maxAttempts, Map<String, Object> steps,
			boolean planOnly) {

	}

}
