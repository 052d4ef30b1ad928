package dev.durable.inngest.web;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated malformed and edge-case requests to every HTTP surface of the
 * starter (the events API, the runs, cancellations, replays and stats API, the
 * {@code inngest} Actuator endpoint with write access, the dashboard, the executor's
 * register API): none gets a 5xx, none that is refused changes what is stored, and valid
 * requests still work afterwards. The requests follow a seed, printed, which
 * {@code -Dinngest.fuzz.seed=} replays.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.signing-key=signkey-test-12345678", "inngest.event-key=evt-key-example",
				"management.endpoints.web.exposure.include=inngest", "management.endpoint.inngest.access=unrestricted",
				"inngest.dashboard.enabled=true", "inngest.limits.request-size=64KB", "inngest.limits.event-size=16KB",
				"inngest.limits.events-per-request=10", "inngest.executor.enabled=true",
				"inngest.executor.signing-key=" + HttpFuzzTests.EXECUTOR_KEY })
class HttpFuzzTests {

	private static final int REQUESTS = 3000;

	private static final Duration TIME = Duration.ofSeconds(20);

	private static final String KEY = "Bearer signkey-test-12345678";

	static final String EXECUTOR_KEY = "signkey-test-0123456789abcdef0123456789abcdef";

	private static final String[] METHODS = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" };

	private static final String[] CONTENT_TYPES = { "text/plain", "application/x-www-form-urlencoded",
			"application/json; charset=utf-16", "application/vnd.api+json", "application/*", "*/*", "???",
			"multipart/form-data; boundary=x", "" };

	private static final String[] FIELDS = { "name", "data", "user", "id", "ts", "v", "app_id", "function_id",
			"started_after", "started_before", "if", "functionId", "startedAfter", "startedBefore", "condition",
			"preview", "statuses", "url", "appName", "functions", "framework", "deployType", "" };

	private static final String[] STRINGS = { "", " ", "reminder", "nope", "engine-tests", "fuzz/x", "inngest/x",
			"2001-01-01T00:00:00Z", "2001-01-02T00:00:00Z", "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
			"yesterday", "event.data.x ==", "event.data.items.all(i, true)", "\u0000", "\uD83D\uDE00", "\uD800", "é",
			"null", "RUNNING", "01NOSUCHRUN0000000000000000", "hour", "week", "FAILED", "http://127.0.0.1:9/api" };

	private static final String PUNCTUATION = "\"\\/{}[]:, .%&?#=+'";

	@LocalServerPort
	int port;

	@Autowired
	RunProbe probe;

	@Autowired
	InngestClient inngest;

	@Test
	void malformedRequestsGetNoServerErrorAndChangeNothing() {
		long seed = Long.getLong("inngest.fuzz.seed", System.nanoTime());
		System.out.println("HttpFuzzTests seed: " + seed + " (replay with -Dinngest.fuzz.seed=" + seed + ")");
		Random random = new Random(seed);
		HttpApiClient http = new HttpApiClient(this.port);
		List<String> failures = new ArrayList<>();
		long deadline = System.nanoTime() + TIME.toNanos();
		int sent = 0;
		Map<Integer, Integer> statuses = new TreeMap<>();
		State state = state();
		while (sent < REQUESTS && System.nanoTime() < deadline) {
			Request request = request(random);
			Answer answer;
			try {
				answer = http.send(request.method, request.path, request.headers, request.body.get());
			}
			catch (RuntimeException ex) {
				failures.add(request + " failed: " + ex);
				state = state();
				continue;
			}
			finally {
				sent++;
			}
			statuses.merge(answer.status(), 1, Integer::sum);
			if (answer.status() >= 500) {
				failures.add(request + " answered " + abbreviated(answer.toString()));
			}
			State after = state();
			if (answer.status() >= 400 && !after.equals(state)) {
				failures
					.add(request + " was refused with " + answer.status() + " but changed " + state + " to " + after);
			}
			state = after;
		}
		System.out.println("HttpFuzzTests answers by status: " + statuses);
		System.out.println("HttpFuzzTests sent " + sent + " requests");
		assertThat(failures).as("seed " + seed).isEmpty();
		assertThat(sent).isGreaterThanOrEqualTo(200);
		validRequestsStillWork(http);
	}

	private void validRequestsStillWork(HttpApiClient http) {
		String reminderId = UUID.randomUUID().toString();
		Answer sent = http.call("POST", "/inngest/e/evt-key-example", null,
				"{\"name\": \"test/reminder.created\", \"data\": {\"reminderId\": \"" + reminderId + "\"}}");
		assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
		String runId = this.probe.awaitRunId(sent.json().get("ids").get(0).asString(), "reminder");
		assertThat(http.call("GET", "/inngest/v1/runs/" + runId, KEY, null).status()).isEqualTo(200);
		assertThat(http.call("GET", "/actuator/inngest/runs/" + runId, null, null).status()).isEqualTo(200);
		assertThat(http.call("GET", "/actuator/inngest/runs?function=reminder&limit=5", null, null).status())
			.isEqualTo(200);
		Answer preview = http.call("POST", "/actuator/inngest/cancellations", null,
				"{\"functionId\": \"reminder\", \"startedAfter\": \"2001-01-01T00:00:00Z\", \"startedBefore\": \""
						+ Instant.now().plusSeconds(1) + "\", \"preview\": true}");
		assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
		assertThat(http.send("GET", "/inngest/dashboard/", List.of(), BodyPublishers.noBody()).status()).isEqualTo(200);
		this.inngest.send(Event.of("test/nobody-listens", Map.of("after", "fuzz")));
	}

	private State state() {
		return new State(this.probe.count("inngest_event WHERE name LIKE 'fuzz/%'"),
				this.probe.count("inngest_cancellation"), this.probe.count("inngest_replay"),
				this.probe.count("inngest_rerun"), this.probe.count("inngest_app"));
	}

	private Request request(Random random) {
		String method = METHODS[random.nextInt(METHODS.length)];
		String path = path(random);
		List<String> headers = new ArrayList<>();
		if (random.nextInt(10) < 8) {
			headers.add("Authorization");
			headers.add(switch (random.nextInt(10)) {
				case 0 -> "Bearer " + UUID.randomUUID();
				case 1, 2 -> "Bearer " + EXECUTOR_KEY;
				default -> KEY;
			});
		}
		String contentType = (random.nextInt(10) < 7) ? "application/json"
				: CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
		if (!contentType.isEmpty()) {
			headers.add("Content-Type");
			headers.add(contentType);
		}
		byte[] body = body(random, path).getBytes(StandardCharsets.UTF_8);
		boolean chunked = random.nextInt(5) == 0;
		Supplier<HttpRequest.BodyPublisher> publisher = (body.length == 0) ? BodyPublishers::noBody
				: chunked ? () -> BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
						: () -> BodyPublishers.ofByteArray(body);
		return new Request(method, path, headers, publisher, body.length, chunked);
	}

	private String path(Random random) {
		String id = segment(random);
		return switch (random.nextInt(24)) {
			case 16 -> "/inngest/v1/runs/" + id + "/" + (random.nextBoolean() ? "rerun" : "timeline");
			case 17 -> "/inngest/v1/replays" + (random.nextBoolean() ? "" : "?" + query(random));
			case 18 -> "/inngest/v1/replays/" + id;
			case 19 -> "/inngest/v1/stats?" + query(random);
			case 20 -> "/actuator/inngest/" + (random.nextBoolean() ? "replays" : "stats")
					+ (random.nextBoolean() ? "" : "?" + query(random));
			case 21 -> "/actuator/inngest/" + (random.nextBoolean() ? "replays/" + id
					: "runs/" + id + "/" + (random.nextBoolean() ? "rerun" : "timeline"));
			case 22, 23 -> "/fn/register";
			case 0, 1, 2 -> "/inngest/e/evt-key-example";
			case 3 -> "/inngest/e/" + id;
			case 4 -> "/inngest/v1/runs/" + id;
			case 5, 6 -> "/inngest/v1/cancellations" + (random.nextBoolean() ? "" : "?" + query(random));
			case 7 -> "/inngest/v1/cancellations/" + id;
			case 8 -> "/inngest/v1/" + id + "/" + segment(random);
			case 9 -> "/actuator/inngest" + (random.nextBoolean() ? "" : "/" + id);
			case 10, 11 -> "/actuator/inngest/runs?" + query(random);
			case 12 -> "/actuator/inngest/" + (random.nextBoolean() ? "runs/" : "cancellations/") + id;
			case 13 -> "/actuator/inngest/cancellations" + (random.nextBoolean() ? "" : "?" + query(random));
			case 14 -> "/inngest/dashboard" + (random.nextBoolean() ? "/" : "/config.json");
			default -> "/inngest/dashboard/" + id;
		};
	}

	private String query(Random random) {
		StringBuilder query = new StringBuilder();
		String[] names = { "function", "function_id", "status", "from", "to", "limit", "cursor", "window", "x" };
		for (int i = random.nextInt(4); i >= 0; i--) {
			String value = switch (random.nextInt(5)) {
				case 0 -> String.valueOf(random.nextLong());
				case 1 -> STRINGS[random.nextInt(STRINGS.length)];
				case 2 -> String.valueOf(random.nextInt(200) - 50);
				default -> text(random, 1 + random.nextInt(30));
			};
			query.append((query.length() > 0) ? "&" : "")
				.append(names[random.nextInt(names.length)])
				.append('=')
				.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
		}
		return query.toString();
	}

	private String segment(Random random) {
		return switch (random.nextInt(4)) {
			case 0 ->
				URLEncoder.encode(text(random, 1 + random.nextInt(40)), StandardCharsets.UTF_8).replace("+", "%20");
			case 1 -> "x".repeat(1 + random.nextInt(3000));
			case 2 -> "01NOSUCH" + random.nextInt(1000);
			default -> UUID.randomUUID().toString();
		};
	}

	private String body(Random random, String path) {
		return switch (random.nextInt(12)) {
			case 0 -> "";
			case 1 -> truncated(random, event(random));
			case 2 -> "[".repeat(400 + random.nextInt(3000)) + "]".repeat(random.nextInt(2) * 3000);
			case 3 -> "{\"data\": " + "{\"a\": ".repeat(600) + "1" + "}".repeat(600) + "}";
			case 4 -> "[" + event(random) + ", \"" + "x".repeat(60 * 1024 + random.nextInt(8 * 1024)) + "\"]";
			case 5 -> event(random).replace("\"data\": {", "\"data\": {\"big\": \"" + "é".repeat(9000) + "\", ");
			case 6 -> "[" + String.join(",", Collections.nCopies(1 + random.nextInt(14), event(random))) + "]";
			case 7 -> cancellation(random);
			case 8 -> json(random, 3);
			case 9 -> text(random, random.nextInt(200));
			default -> path.contains("/e/") ? event(random)
					: path.equals("/fn/register") ? register(random) : cancellation(random);
		};
	}

	private String event(Random random) {
		StringBuilder event = new StringBuilder("{\"name\": ");
		event.append(random.nextInt(5) == 0 ? json(random, 1) : quoted("fuzz/" + text(random, random.nextInt(300))));
		event.append(", \"data\": ")
			.append(random.nextInt(4) == 0 ? json(random, 2) : "{\"k\": " + json(random, 2) + "}");
		for (String field : new String[] { "user", "id", "ts", "v" }) {
			if (random.nextBoolean()) {
				event.append(", \"").append(field).append("\": ").append(value(random));
			}
		}
		return event.append('}').toString();
	}

	/**
	 * A register request as an SDK sends it, with one of its values replaced now and then
	 * by a generated one.
	 */
	private String register(Random random) {
		String[] values = { quoted("http://127.0.0.1:9/api/inngest"), quoted("fuzz-app"), quoted("fuzz-app-fn"),
				quoted("fuzz/go"), quoted("http://127.0.0.1:9/api/inngest?fnId=fuzz-app-fn&stepId=step"),
				"{\"attempts\": 3}" };
		int replaced = random.nextInt(values.length + 2);
		if (replaced < values.length) {
			values[replaced] = value(random);
		}
		return "{\"url\": " + values[0] + ", \"v\": \"0.1\", \"deployType\": \"ping\", \"sdk\": \"js:v4.24.0\", "
				+ "\"framework\": \"nodejs\", \"appName\": " + values[1] + ", \"functions\": [{\"id\": " + values[2]
				+ ", \"name\": \"fuzz\", \"triggers\": [{\"event\": " + values[3] + "}], \"steps\": {\"step\": "
				+ "{\"id\": \"step\", \"name\": \"step\", \"runtime\": {\"type\": \"http\", \"url\": " + values[4]
				+ "}, \"retries\": " + values[5] + "}}}]}";
	}

	private String cancellation(Random random) {
		StringBuilder body = new StringBuilder("{");
		for (int i = random.nextInt(8); i >= 0; i--) {
			body.append((body.length() > 1) ? ", " : "")
				.append(quoted(FIELDS[random.nextInt(FIELDS.length)]))
				.append(": ")
				.append(value(random));
		}
		return body.append('}').toString();
	}

	private String value(Random random) {
		return switch (random.nextInt(10)) {
			case 0 -> "99999999999999999999999999999999";
			case 1 -> "-" + random.nextInt(1000) + "." + random.nextInt(1000) + "e308";
			case 2 -> String.valueOf(random.nextLong());
			case 3 -> quoted("x".repeat(random.nextInt(2000)));
			case 4, 5 -> quoted(STRINGS[random.nextInt(STRINGS.length)]);
			default -> json(random, 2);
		};
	}

	private String json(Random random, int depth) {
		int kind = (depth <= 0) ? random.nextInt(5) : random.nextInt(7);
		return switch (kind) {
			case 0 -> "null";
			case 1 -> String.valueOf(random.nextBoolean());
			case 2 -> (random.nextBoolean()) ? String.valueOf(random.nextInt()) : String.valueOf(random.nextDouble());
			case 3, 4 -> quoted(text(random, random.nextInt(20)));
			case 5 -> {
				StringBuilder list = new StringBuilder("[");
				for (int i = random.nextInt(4); i > 0; i--) {
					list.append((list.length() > 1) ? "," : "").append(json(random, depth - 1));
				}
				yield list.append(']').toString();
			}
			default -> {
				StringBuilder map = new StringBuilder("{");
				for (int i = random.nextInt(4); i > 0; i--) {
					map.append((map.length() > 1) ? "," : "")
						.append(quoted(text(random, random.nextInt(8))))
						.append(':')
						.append(json(random, depth - 1));
				}
				yield map.append('}').toString();
			}
		};
	}

	private static String truncated(Random random, String text) {
		return text.substring(0, random.nextInt(Math.max(1, text.length())));
	}

	private static String text(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			int kind = random.nextInt(10);
			if (kind < 6) {
				text.append((char) ('a' + random.nextInt(26)));
			}
			else if (kind < 8) {
				text.append(PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
			}
			else {
				text.appendCodePoint(0xA0 + random.nextInt(0x2FFFF));
			}
		}
		return text.toString();
	}

	private static String quoted(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		text.codePoints().forEach((c) -> {
			if (c == '"' || c == '\\') {
				quoted.append('\\').appendCodePoint(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format("\\u%04x", c));
			}
			else {
				quoted.appendCodePoint(c);
			}
		});
		return quoted.append('"').toString();
	}

	private static String abbreviated(String text) {
		return (text.length() <= 500) ? text : text.substring(0, 500) + "...";
	}

	private record State(int fuzzEvents, int cancellations, int replays, int reruns, int apps) {

	}

	private record Request(String method, String path, List<String> headers, Supplier<HttpRequest.BodyPublisher> body,
			int length, boolean chunked) {

		@Override
		public String toString() {
			return this.method + " " + abbreviated(this.path) + " " + this.headers + " (" + this.length + " bytes"
					+ (this.chunked ? ", chunked" : "") + ")";
		}

	}

}
