package dev.durable.inngest.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.durable.inngest.testsupport.JsReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One run of {@code two-steps}, and one step error of {@code flaky}, answered over HTTP
 * by the application's serve endpoint against the official JavaScript SDK's answers to
 * the same signed requests: status, headers and body. Where
 * {@link RemoteCallsReferenceTests} compares the call handler alone, this compares what
 * the platform receives, so that the endpoint's headers and signature are covered too.
 * What must differ is left out as there: stack traces, the official SDK's {@code timing},
 * and the SDK's name and version.
 */
@SpringBootTest(classes = ServeEndpointReferenceTests.StepsApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.app-id=steps", "inngest.event-key=test-event-key",
				"inngest.signing-key=" + ServeEndpointReferenceTests.KEY, "inngest.sync.on-startup=false",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class ServeEndpointReferenceTests {

	static final String KEY = "signkey-test-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	/** The headers compared, beside the SDK's, whose value names each SDK. */
	private static final List<String> HEADERS = List.of("X-Inngest-No-Retry", "Retry-After", "X-Inngest-Req-Version");

	static final FakeEventApi eventApi = startEventApi();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void eventApi(DynamicPropertyRegistry registry) {
		registry.add("inngest.event-api-base-url", eventApi::origin);
		registry.add("inngest.api-base-url", () -> "http://127.0.0.1:9");
	}

	@AfterAll
	static void stopEventApi() {
		eventApi.close();
	}

	@Test
	void theServeEndpointAnswersAsTheOfficialSdkDoes() throws Exception {
		Map<String, Object> first = Map.of(StepIds.hash("first"), Map.of("data", Map.of("n", 4, "label", "one")));
		Map<String, Object> both = new LinkedHashMap<>(first);
		both.put(StepIds.hash("second"), Map.of("data", 5));
		List<Call> calls = List.of(new Call("two-steps", 0, 5, Map.of()), new Call("two-steps", 0, 5, first),
				new Call("two-steps", 0, 5, both), new Call("flaky", 0, 3, Map.of()));
		try (JsReference js = JsReference.start("steps-app.mjs",
				Map.of("SIGNING_KEY", KEY, "EVENT_API", eventApi.origin()))) {
			for (Call call : calls) {
				byte[] body = RemoteCallsTests.body(call.attempt(), call.maxAttempts(), call.steps(), false)
					.getBytes(StandardCharsets.UTF_8);
				String query = "/api/inngest?fnId=steps-" + call.function() + "&stepId=step";
				HttpResponse<String> theirs = post(js.url(query), body);
				HttpResponse<String> ours = post("http://localhost:" + this.port + query, body);
				String what = call + "\nofficial: " + theirs.headers().map() + " " + theirs.body() + "\nours: "
						+ ours.headers().map() + " " + ours.body();
				assertThat(ours.statusCode()).as(what).isEqualTo(theirs.statusCode());
				for (String header : HEADERS) {
					assertThat(ours.headers().firstValue(header)).as(header + " of " + what)
						.isEqualTo(theirs.headers().firstValue(header));
				}
				assertThat(mediaType(ours)).as(what).isEqualTo(mediaType(theirs)).isEqualTo("application/json");
				assertThat(sdk(ours)).as(what).isEqualTo(sdk(theirs)).isEqualTo("<name>:v<version>");
				assertThat(signed(ours)).as("X-Inngest-Signature of " + what).isEqualTo(signed(theirs));
				assertThat(normalized(JSON.readTree(ours.body()))).as(what)
					.isEqualTo(normalized(JSON.readTree(theirs.body())));
			}
		}
	}

	private static HttpResponse<String> post(String url, byte[] body) throws Exception {
		String signature = SigningKey.of(KEY).signatureHeader(body, Instant.now().getEpochSecond());
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.header("X-Inngest-Signature", signature)
			.header("X-Inngest-Server-Kind", "cloud")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String mediaType(HttpResponse<String> response) {
		return response.headers().firstValue("Content-Type").map((value) -> value.split(";")[0].trim()).orElse(null);
	}

	/** The SDK header's shape, each SDK's own name and version left out. */
	private static String sdk(HttpResponse<String> response) {
		return response.headers()
			.firstValue("X-Inngest-SDK")
			.map((value) -> value.matches("[^:]+:v[^:]+") ? "<name>:v<version>" : value)
			.orElse(null);
	}

	/**
	 * Whether the answer is signed, and if so, whether the signature holds for its body.
	 */
	private static Optional<Boolean> signed(HttpResponse<String> response) {
		return response.headers().firstValue("X-Inngest-Signature").map((header) -> {
			String timestamp = header.replaceAll("^t=(\\d+)&.*$", "$1");
			byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
			return header.equals(SigningKey.of(KEY).signatureHeader(body, Long.parseLong(timestamp)));
		});
	}

	private static JsonNode normalized(JsonNode node) {
		if (node instanceof ObjectNode object) {
			object.remove(List.of("stack", "timing", "__serialized"));
			object.properties().forEach((entry) -> normalized(entry.getValue()));
		}
		else if (node instanceof ArrayNode array) {
			array.forEach(ServeEndpointReferenceTests::normalized);
		}
		return node;
	}

	private static FakeEventApi startEventApi() {
		try {
			return new FakeEventApi();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	record Call(String function, int attempt, int maxAttempts, Map<String, Object> steps) {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class StepsApplication {

		@Bean
		StepsFunctions stepsFunctions() {
			return new StepsFunctions();
		}

	}

}
