package dev.durable.inngest.web;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the events API refuses, and that a refused request stores nothing, over real HTTP
 * with small limits.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.signing-key=signkey-test-12345678", "inngest.event-key=evt-key-example",
				"management.endpoints.web.exposure.include=inngest", "management.endpoint.inngest.access=unrestricted",
				"inngest.dashboard.enabled=true", "inngest.limits.request-size=64KB", "inngest.limits.event-size=16KB",
				"inngest.limits.events-per-request=10" })
class EventsApiTests {

	static final String EVENTS = "/inngest/e/evt-key-example";

	@LocalServerPort
	int port;

	@Autowired
	RunProbe probe;

	private HttpApiClient http;

	private final String marker = UUID.randomUUID().toString();

	@BeforeEach
	void client() {
		this.http = new HttpApiClient(this.port);
	}

	private Answer post(String body) {
		return this.http.send("POST", EVENTS, List.of("Content-Type", "application/json"),
				BodyPublishers.ofString(body));
	}

	private Answer assertRefused(Answer answer, int status, String message) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
		assertThat(answer.json().get("status").asInt()).isEqualTo(status);
		assertThat(answer.json().get("ids").isEmpty()).isTrue();
		assertThat(answer.json().get("error").asString()).contains(message);
		return answer;
	}

	private String event(String fields) {
		return "{\"name\": \"test/nobody-listens\", \"data\": {\"marker\": \"" + this.marker + "\"}" + fields + "}";
	}

	private void assertNothingStored() {
		assertThat(this.probe.eventIds("test/nobody-listens", this.marker)).isEmpty();
	}

	@Test
	void anEventWithinTheLimitsIsStored() {
		Answer answer = post(
				"[" + event(", \"id\": \"" + this.marker + "\", \"ts\": 1735689600000, \"v\": \"1\"") + "]");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(this.probe.eventIds("test/nobody-listens", this.marker)).containsExactly(this.marker);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					blank id              | , "id": ""                           | Event 1 has a blank id
					id over its column    | , "id": "%s"                          | Event 1: id has 65 characters; the longest allowed is 64 (inngest.limits.event-id-length)
					v over its column     | , "v": "%s"                           | Event 1: v has 65 characters; the longest allowed is 64
					negative ts           | , "ts": -1                            | Event 1: ts is -1, but it must be milliseconds since the epoch between 1980 and 2100
					ts before 1980        | , "ts": 1000                          | Event 1: ts is 1000
					fractional ts         | , "ts": 1735689600000.5               | Event 1: ts must be whole milliseconds since the epoch
					ts beyond a long      | , "ts": 99999999999999999999999999    | Event 1: ts must be whole milliseconds since the epoch
					ts as text            | , "ts": "yesterday"                   | Event 1: ts must be whole milliseconds since the epoch
					id as a number        | , "id": 12                            | Event 1: id must be a string, but was 12
					""")
	void anInvalidEventIsRefusedWithTheOthersSentWithIt(String problem, String fields, String message) {
		String second = event(fields.formatted("x".repeat(65)));
		assertRefused(post("[" + event("") + ", " + second + "]"), 400, message);
		assertNothingStored();
	}

	@Test
	void aSendRetriedWithItsIdSeedGivesItsEventsTheSameIds() {
		String seed = "1796604661160,AAECAwQFBgcICQ==";
		String batch = "[" + event("") + "," + event("") + "," + event(", \"id\": \"own-" + this.marker + "\"") + "]";
		Answer first = this.http.send("POST", EVENTS,
				List.of("Content-Type", "application/json", "X-Inngest-Event-Id-Seed", seed),
				BodyPublishers.ofString(batch));
		Answer retried = this.http.send("POST", EVENTS,
				List.of("Content-Type", "application/json", "X-Inngest-Event-Id-Seed", seed),
				BodyPublishers.ofString(batch));
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		List<String> ids = first.json().get("ids").valueStream().map((id) -> id.asString()).toList();
		assertThat(ids).hasSize(3).doesNotHaveDuplicates();
		assertThat(ids.get(0)).isEqualTo(Ids.seeded(seed, 0)).startsWith("01M96ZQ3D8");
		assertThat(ids.get(2)).isEqualTo("own-" + this.marker);
		assertThat(retried.json().get("ids").valueStream().map((id) -> id.asString()).toList()).isEqualTo(ids);
		assertThat(this.probe.eventIds("test/nobody-listens", this.marker)).containsExactlyInAnyOrderElementsOf(ids);
		Answer unseeded = post("[" + event("") + "]");
		assertThat(unseeded.json().get("ids").get(0).asString()).isNotIn(ids);
	}

	@Test
	void aWholeTimestampWrittenAsADecimalIsKept() {
		Answer answer = post(event(", \"id\": \"" + this.marker + "\", \"ts\": 1.7356896E12"));
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(this.probe.count("inngest_event WHERE id = '" + this.marker + "' AND ts = 1735689600000"))
			.isEqualTo(1);
	}

	@Test
	void anEventLargerThanTheEventSizeIsTooLarge() {
		String large = event(", \"user\": {\"blob\": \"" + "x".repeat(16 * 1024) + "\"}");
		assertRefused(post("[" + event("") + ", " + large + "]"), 413,
				"Event 1 takes more than 16384 bytes as JSON; the largest allowed is 16384 bytes "
						+ "(inngest.limits.event-size)");
		assertNothingStored();
	}

	@Test
	void anEventPastTheLimitOnlyWithTheIdItIsGivenIsTooLargeAsWell() {
		String prefix = "{\"name\": \"test/nobody-listens\", \"data\": {\"marker\": \"" + this.marker
				+ "\", \"pad\": \"";
		String suffix = "\"}}";
		// Within the limit as sent; past it once given an id and a time.
		String event = prefix + "x".repeat(16 * 1024 - 8 - prefix.length() - suffix.length()) + suffix;
		assertRefused(post(event), 413, "Event 0 takes more than 16384 bytes as JSON");
		assertNothingStored();
	}

	@Test
	void moreEventsThanAllowedInOneRequestAreRefused() {
		String events = String.join(",", Collections.nCopies(11, event("")));
		assertRefused(post("[" + events + "]"), 400,
				"The request carries 11 events; the most allowed is 10 (inngest.limits.events-per-request)");
		assertNothingStored();
	}

	@Test
	void aBodyLargerThanTheRequestSizeIsRefusedByItsLength() {
		String body = "[" + event("") + ", \"" + "x".repeat(64 * 1024) + "\"]";
		assertRefused(post(body), 413, "The body has " + body.length() + " bytes; the largest allowed is 65536 bytes "
				+ "(inngest.limits.request-size)");
		assertNothingStored();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/inngest/e;a=b/evt-key-example", "/inngest;a/e/evt-key-example",
			"/inngest/%65/evt-key-example" })
	void aPathThatRoutesToTheApiOnlyOnceDecodedIsLimitedAsWell(String path) {
		String body = "[" + event("") + ", \"" + "x".repeat(64 * 1024) + "\"]";
		Answer answer = this.http.send("POST", path, List.of("Content-Type", "application/json"),
				BodyPublishers.ofString(body));
		assertRefused(answer, 413, "The body has " + body.length() + " bytes");
		assertNothingStored();
	}

	@Test
	void aChunkedBodyLargerThanTheRequestSizeIsRefusedOnceItPassesIt() {
		byte[] body = ("[" + event("") + ", \"" + "x".repeat(64 * 1024) + "\"]").getBytes();
		Answer answer = this.http.send("POST", EVENTS, List.of("Content-Type", "application/json"),
				BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
		assertRefused(answer, 413, "The body has more than 65536 bytes; the largest allowed is 65536 bytes");
		assertNothingStored();
	}

	@Test
	void aChunkedBodyWithinTheRequestSizeIsRead() {
		byte[] body = ("[" + event("") + "]").getBytes();
		Answer answer = this.http.send("POST", EVENTS, List.of("Content-Type", "application/json"),
				BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(this.probe.eventIds("test/nobody-listens", this.marker)).hasSize(1);
	}

	@Test
	void aBodyThatIsNotJsonIsUnsupported() {
		for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
			Answer answer = this.http.send("POST", EVENTS, List.of("Content-Type", type),
					BodyPublishers.ofString(event("")));
			assertRefused(answer, 415, "must be JSON: send Content-Type: application/json");
		}
		assertNothingStored();
	}

	@Test
	void jsonNestedDeeperThanTheReaderGoesSaysSo() {
		String nested = "[".repeat(2000) + "]".repeat(2000);
		assertRefused(post(nested), 400, "The body goes past a limit of the JSON reader: Document nesting depth");
	}

	@Test
	void truncatedJsonIsRefusedAsInvalid() {
		assertRefused(post("[" + event("").substring(0, 20)), 400, "The body is not valid JSON");
		assertNothingStored();
	}

	@Test
	void aRefusalQuotesAHugeValueOnlyInPart() {
		String huge = "y".repeat(5000);
		Answer answer = assertRefused(post(event(", \"v\": [\"" + huge + "\"]")), 400,
				"Event 0: v must be a string, but was");
		assertThat(answer.body()).doesNotContain(huge).contains("characters)");
	}

	@Test
	void otherMethodsAreNotAllowed() {
		for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
			Answer answer = this.http.send(method, EVENTS, List.of(), BodyPublishers.noBody());
			assertRefused(answer, 405, method + " is not allowed on /inngest/e/{eventKey}; it takes POST");
			assertThat(answer.header("Allow")).isEqualTo("POST");
			assertThat(answer.body()).doesNotContain("evt-key-example");
		}
	}

}
