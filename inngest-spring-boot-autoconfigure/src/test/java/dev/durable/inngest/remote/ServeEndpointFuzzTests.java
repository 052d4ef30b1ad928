package dev.durable.inngest.remote;

import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.durable.inngest.remote.app.RecordingCallHandler;
import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakePlatform;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated malformed requests to the serve endpoint of remote mode, in
 * cloud mode: none gets a 5xx except the one the protocol mandates (a signed call for a
 * function the application does not serve), every answer is JSON with the SDK's headers,
 * none that is refused reaches a function or syncs, and a valid call still works
 * afterwards. The requests follow a seed, printed, which {@code -Dinngest.fuzz.seed=}
 * replays.
 */
@SpringBootTest(classes = RemoteTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.app-id=orders",
				"inngest.signing-key=" + RemoteTestApplication.SIGNING_KEY, "inngest.event-key=evt-key-example",
				"inngest.sync.on-startup=false", "inngest.limits.serve-request-size=64KB",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class ServeEndpointFuzzTests {

	private static final int REQUESTS = 3000;

	private static final Duration TIME = Duration.ofSeconds(20);

	private static final int LIMIT = 64 * 1024;

	static final FakePlatform platform = FakePlatform.start();

	private static final SigningKey KEY = SigningKey.of(RemoteTestApplication.SIGNING_KEY);

	private static final SigningKey STRANGER = SigningKey.of("signkey-prod-ffffffffffffffffffffffffffffffff");

	private static final String[] METHODS = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" };

	private static final String[] CONTENT_TYPES = { "application/json", "text/plain",
			"application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
			"???", "" };

	// With an empty name, a query the servlet container cannot read as parameters.
	private static final String[] PARAMS = { "fnId", "stepId", "probe", "deployId", "x", "" };

	private static final String[] VALUES = { "", " ", "orders-greet", "greet", "orders-nightly", "nope", "step",
			"trust", "TRUST", "\u0000", "\uD83D\uDE00", "é", "%", "null", "orders-greet-failure" };

	private static final String CALL_BODY = "{\"ctx\":{\"attempt\":0,\"run_id\":\"01RUN\",\"stack\":{\"current\":0,"
			+ "\"stack\":[]},\"step_id\":\"step\"},\"event\":{\"data\":{},\"name\":\"test/greet\"},\"events\":[],"
			+ "\"steps\":{}}";

	private static final String[] WRONG_VALUES = { "1", "\"x\"", "[]", "null", "true", "{\"a\":[1,{}]}", "-1e999" };

	@LocalServerPort
	int port;

	@Autowired
	RecordingCallHandler handler;

	@DynamicPropertySource
	static void platform(DynamicPropertyRegistry registry) {
		registry.add("inngest.api-base-url", platform::origin);
	}

	@AfterAll
	static void stopPlatform() {
		platform.close();
	}

	@Test
	void malformedRequestsGetNoServerErrorAndChangeNothing() {
		long seed = Long.getLong("inngest.fuzz.seed", System.nanoTime());
		System.out.println("ServeEndpointFuzzTests seed: " + seed + " (replay with -Dinngest.fuzz.seed=" + seed + ")");
		Random random = new Random(seed);
		HttpApiClient http = new HttpApiClient(this.port);
		Instant end = Instant.now().plus(TIME);
		List<String> failures = new ArrayList<>();
		int sent = 0;
		while (sent < REQUESTS && Instant.now().isBefore(end) && failures.size() < 20) {
			String method = pick(random, METHODS);
			String query = query(random);
			byte[] body = body(random);
			int signing = random.nextInt(7);
			List<String> headers = new ArrayList<>();
			String type = pick(random, CONTENT_TYPES);
			if (!type.isEmpty()) {
				headers.add("Content-Type");
				headers.add(type);
			}
			String signature = signature(random, signing, body);
			if (signature != null) {
				headers.add("X-Inngest-Signature");
				headers.add(signature);
			}
			int calls = this.handler.requests().size();
			int registers = platform.registers().size();
			Answer answer = http.send(method, "/api/inngest" + query, headers,
					(body.length == 0) ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
			sent++;
			String problem = problem(method, answer, signing == 0, body);
			if (problem == null && answer.status() >= 400 && this.handler.requests().size() != calls) {
				problem = "a refused request reached the function";
			}
			if (problem == null && !"PUT".equals(method) && platform.registers().size() != registers) {
				problem = "a " + method + " synced the application";
			}
			if (problem != null) {
				failures.add(method + " " + query + " signing=" + signing + " body="
						+ abbreviate(new String(body, StandardCharsets.UTF_8)) + ": " + problem + " -> "
						+ abbreviate(answer.body()));
			}
		}
		System.out.println("ServeEndpointFuzzTests sent " + sent + " requests");
		assertThat(failures).as("seed " + seed).isEmpty();
		assertThat(sent).isGreaterThan(200);
		// Still serves a valid, signed call.
		byte[] valid = CALL_BODY.getBytes(StandardCharsets.UTF_8);
		Answer call = http.send(
				"POST", "/api/inngest?fnId=orders-greet&stepId=step", List.of("Content-Type", "application/json",
						"X-Inngest-Signature", KEY.signatureHeader(valid, Instant.now().getEpochSecond())),
				BodyPublishers.ofByteArray(valid));
		assertThat(call.status()).isEqualTo(206);
		assertThat(call.json().isArray()).isTrue();
	}

	private static String problem(String method, Answer answer, boolean validlySigned, byte[] body) {
		if (answer.status() >= 500) {
			// The protocol's one 500: a signed call for a function not served here, which
			// the platform retries (the endpoint answers it before reading the body), or
			// a
			// signed call request the function itself failed on.
			if (!validlySigned || !"POST".equals(method)) {
				return "server error";
			}
			if (answer.json() == null || !answer.json().path("error").isString()) {
				return "server error without a JSON error";
			}
			if (!answer.json().path("error").asString().startsWith("No function") && !isCallRequest(body)) {
				return "server error for a body that is no call request";
			}
		}
		if (answer.header("X-Inngest-SDK") == null || answer.header("X-Inngest-Req-Version") == null) {
			return "missing SDK headers";
		}
		if ("HEAD".equals(method)) {
			return null;
		}
		if (answer.json() == null || !String.valueOf(answer.header("Content-Type")).startsWith("application/json")) {
			return "not JSON";
		}
		if (answer.status() >= 400 && !answer.json().path("error").isString()) {
			return "an error without an error message";
		}
		if (answer.body().contains("\tat ") || answer.body().contains("Exception:")) {
			return "stack trace in body";
		}
		return null;
	}

	private static boolean isCallRequest(byte[] body) {
		try {
			return tools.jackson.databind.json.JsonMapper.builder().build().readTree(body).isObject();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * A signature: 0 valid, 1 none, 2 garbage, 3 expired, 4 wrong key, 5 valid over other
	 * bytes, 6 future.
	 */
	private static String signature(Random random, int kind, byte[] body) {
		long now = Instant.now().getEpochSecond();
		return switch (kind) {
			case 0 -> KEY.signatureHeader(body, now);
			case 1 -> null;
			case 2 -> pick(random, new String[] { "", "t=&s=", "t=abc&s=zz", "s=00", "t=1", "garbage", "t=" + now,
					"t=" + now + "&s=" + "0".repeat(64), "t=99999999999999999999&s=aa", "\u00e9" });
			case 3 -> KEY.signatureHeader(body, now - 301 - random.nextInt(100000));
			case 4 -> STRANGER.signatureHeader(body, now);
			case 5 -> KEY.signatureHeader((new String(body, StandardCharsets.UTF_8) + " ").getBytes(), now);
			default -> KEY.signatureHeader(body, now + 301 + random.nextInt(100000));
		};
	}

	private static String query(Random random) {
		StringBuilder query = new StringBuilder();
		int count = random.nextInt(4);
		for (int i = 0; i < count; i++) {
			query.append((i == 0) ? '?' : '&');
			String name = pick(random, PARAMS);
			String value = switch (random.nextInt(5)) {
				// Huge, yet under the container's limit on the request line.
				case 0 -> "x".repeat(random.nextInt(2000));
				case 1 -> garbage(random, 20);
				default -> pick(random, VALUES);
			};
			query.append(encode(name));
			if (random.nextInt(8) != 0) {
				query.append('=').append(encode(value));
			}
		}
		return query.toString();
	}

	private static byte[] body(Random random) {
		String body = switch (random.nextInt(10)) {
			case 0 -> "";
			case 1 -> garbage(random, 200);
			case 2 -> "[".repeat(1 + random.nextInt(5000)) + "]".repeat(random.nextInt(5000));
			case 3 -> "{\"a\":".repeat(1 + random.nextInt(3000)) + "1" + "}".repeat(random.nextInt(3000));
			case 4 -> {
				// Near and over the limit.
				int size = LIMIT - 200 + random.nextInt(400);
				String start = "{\"ctx\":{},\"event\":{\"name\":\"test/greet\",\"data\":{\"pad\":\"";
				yield start + "x".repeat(Math.max(0, size - start.length() - 5)) + "\"}}}";
			}
			case 5 -> "x".repeat(LIMIT + 1 + random.nextInt(LIMIT));
			case 6, 7 ->
				CALL_BODY.replace(
						pick(random,
								new String[] { "{\"attempt\":0", "{\"data\":{}", "\"steps\":{}", "\"events\":[]",
										"\"stack\":[]", "\"current\":0" }),
						pick(random, new String[] { "{\"attempt\":", "{\"data\":", "\"steps\":", "\"events\":",
								"\"stack\":", "\"current\":" }) + pick(random, WRONG_VALUES));
			case 8 -> pick(random, WRONG_VALUES);
			default -> CALL_BODY;
		};
		return body.getBytes(StandardCharsets.UTF_8);
	}

	private static String garbage(Random random, int max) {
		StringBuilder text = new StringBuilder();
		int length = random.nextInt(max + 1);
		String punctuation = "\"\\/{}[]:, .%&?#=+'\u0000\u00e9";
		for (int i = 0; i < length; i++) {
			text.append((random.nextBoolean()) ? punctuation.charAt(random.nextInt(punctuation.length()))
					: (char) (32 + random.nextInt(95)));
		}
		return text.toString();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String pick(Random random, String[] values) {
		return values[random.nextInt(values.length)];
	}

	private static String abbreviate(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

}
