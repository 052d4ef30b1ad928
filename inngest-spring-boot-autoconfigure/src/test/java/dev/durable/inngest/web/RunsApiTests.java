package dev.durable.inngest.web;

import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runs and cancellations API over real HTTP, on a real engine.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.signing-key=signkey-test-12345678", "inngest.signing-key-fallback=signkey-test-abcd",
				"inngest.event-key=evt-key-example" })
class RunsApiTests {

	static final String KEY = "Bearer signkey-test-12345678";

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	private HttpApiClient http;

	private final String key = UUID.randomUUID().toString();

	@BeforeEach
	void client() {
		this.http = new HttpApiClient(this.port);
	}

	private String startReminder() {
		return this.probe.startSleepingReminder(this.inngest, this.key);
	}

	private Answer get(String path) {
		return this.http.call("GET", path, KEY, null);
	}

	private Answer delete(String path) {
		return this.http.call("DELETE", path, KEY, null);
	}

	private Answer post(String path, String body) {
		return this.http.call("POST", path, KEY, body);
	}

	@Test
	void aQueryTheServletContainerCannotReadIsRefusedWithAnErrorThatSaysSo() {
		for (String path : new String[] { "/inngest/v1/cancellations?=x&limit=2", "/inngest/v1/stats?=x",
				"/inngest/v1/replays?limit=2&=" }) {
			Answer answer = get(path);
			assertThat(answer.status()).as(path).isEqualTo(400);
			assertThat(answer.json().get("error").asString()).as(path)
				.startsWith("The query string cannot be read as parameters: '");
		}
	}

	@Test
	void aRunIsReadWithItsStatus() {
		String runId = startReminder();
		Answer answer = get("/inngest/v1/runs/" + runId);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().at("/data/run_id").asString()).isEqualTo(runId);
		assertThat(answer.json().at("/data/function_id").asString()).isEqualTo("reminder");
		assertThat(answer.json().at("/data/status").asString()).isEqualTo("Running");
		assertThat(answer.json().at("/data/run_started_at").asString()).isNotBlank();
		assertThat(answer.json().at("/data/ended_at").isNull()).isTrue();
		assertThat(answer.json().at("/metadata/fetchedAt").asString()).isNotBlank();
	}

	@Test
	void withoutTheRightKeyEveryCallIsRefused() {
		String runId = startReminder();
		for (String authorization : new String[] { null, "Bearer wrong", "signkey-test-12345678", "Basic abc" }) {
			Answer answer = this.http.call("DELETE", "/inngest/v1/runs/" + runId, authorization, null);
			assertThat(answer.status()).as(String.valueOf(authorization)).isEqualTo(401);
			assertThat(answer.json().get("error").asString()).contains("signing key");
			assertThat(answer.json().get("status").asInt()).isEqualTo(401);
		}
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(this.http.call("POST", "/inngest/v1/cancellations", "Bearer wrong", "{}").status()).isEqualTo(401);
		assertThat(this.http.call("GET", "/inngest/v1/cancellations", null, null).status()).isEqualTo(401);
	}

	@Test
	void theFallbackKeyAndTheHashedFormAreAccepted() {
		String runId = startReminder();
		assertThat(this.http.call("GET", "/inngest/v1/runs/" + runId, "Bearer signkey-test-abcd", null).status())
			.isEqualTo(200);
		// signkey-test- followed by SHA-256 of the bytes 0x12345678, as Inngest's SDKs
		// send it.
		String hashed = "Bearer signkey-test-b2ed992186a5cb19f6668aade821f502c1d00970dfd0e35128d51bac4649916c";
		assertThat(this.http.call("GET", "/inngest/v1/runs/" + runId, hashed, null).status()).isEqualTo(200);
	}

	@Test
	void anUnknownRunIsNotFound() {
		Answer read = get("/inngest/v1/runs/01NOSUCHRUN0000000000000000");
		assertThat(read.status()).isEqualTo(404);
		assertThat(read.json().get("error").asString()).contains("01NOSUCHRUN0000000000000000");
		assertThat(delete("/inngest/v1/runs/01NOSUCHRUN0000000000000000").status()).isEqualTo(404);
	}

	@Test
	void deletingARunCancelsIt() {
		String runId = startReminder();
		Answer answer = delete("/inngest/v1/runs/" + runId);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().at("/data/status").asString()).isEqualTo("Cancelled");
		assertThat(answer.json().at("/data/cancelled_by").asString()).isEqualTo("api");
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void deletingARunThatEndedIsAConflictAndChangesNothing() {
		String runId = startReminder();
		assertThat(delete("/inngest/v1/runs/" + runId).status()).isEqualTo(200);
		Instant endedAt = this.runs.find(runId).orElseThrow().endedAt();
		Answer again = delete("/inngest/v1/runs/" + runId);
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.json().get("error").asString()).contains("has already ended (Cancelled)");
		assertThat(this.runs.find(runId).orElseThrow().endedAt()).isEqualTo(endedAt);
	}

	@Test
	void aBulkCancellationCancelsTheMatchingRunsAndIsListedAndStoppable() {
		Instant from = Instant.now().minusMillis(5);
		String first = startReminder();
		String second = startReminder();
		String body = """
				{"app_id": "engine-tests", "function_id": "reminder", "started_after": "%s",
				 "started_before": "%s", "if": "event.data.key == '%s'", "name": "bad deploy"}
				""".formatted(from, Instant.now(), this.key);
		Answer started = post("/inngest/v1/cancellations", body);
		assertThat(started.status()).as(started.toString()).isEqualTo(200);
		String id = started.json().at("/data/id").asString();
		assertThat(started.json().at("/data/function_id").asString()).isEqualTo("reminder");
		assertThat(started.json().at("/data/name").asString()).isEqualTo("bad deploy");
		assertThat(started.json().at("/data/if").asString()).contains(this.key);
		assertThat(started.json().at("/data/started_after").asString()).isEqualTo(from.toString());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.runs.find(first).orElseThrow().status() == RunStatus.CANCELLED
					&& this.runs.find(second).orElseThrow().status() == RunStatus.CANCELLED);

		Answer list = get("/inngest/v1/cancellations?limit=100");
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.json().get("data").valueStream().map((c) -> c.get("id").asString()).toList()).contains(id);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> get("/inngest/v1/cancellations?limit=100").json()
				.get("data")
				.valueStream()
				.anyMatch((c) -> c.get("id").asString().equals(id) && c.get("cancelled").asLong() == 2));

		Answer one = get("/inngest/v1/cancellations/" + id);
		assertThat(one.status()).as(one.toString()).isEqualTo(200);
		assertThat(one.json().at("/data/id").asString()).isEqualTo(id);
		assertThat(one.json().at("/data/name").asString()).isEqualTo("bad deploy");
		assertThat(get("/inngest/v1/cancellations/01NOSUCH").json().get("error").asString())
			.isEqualTo("No bulk cancellation with id '01NOSUCH'");
		Answer stopped = delete("/inngest/v1/cancellations/" + id);
		assertThat(stopped.status()).as(stopped.toString()).isEqualTo(200);
		assertThat(stopped.json().at("/data/id").asString()).isEqualTo(id);
		assertThat(this.runs.find(first).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					not JSON                  | {"app_id":                                                                                   | not valid JSON
					not an object             | ["reminder"]                                                                                 | must be a JSON object
					unknown field             | {"app_id":"engine-tests","function_id":"reminder","started_before":"2026-01-01T00:00:00Z","startedAfter":"x"} | Unknown field 'startedAfter'
					no function               | {"app_id":"engine-tests","started_before":"2026-01-01T00:00:00Z"}                             | function_id is required
					no started_before         | {"app_id":"engine-tests","function_id":"reminder"}                                            | started_before is required
					bad time                  | {"app_id":"engine-tests","function_id":"reminder","started_before":"yesterday"}               | 'yesterday', which is not an RFC 3339 time
					future                    | {"app_id":"engine-tests","function_id":"reminder","started_before":"2999-01-01T00:00:00Z"}    | is in the future
					reversed range            | {"app_id":"engine-tests","function_id":"reminder","started_after":"2026-01-02T00:00:00Z","started_before":"2026-01-01T00:00:00Z"} | must be before started_before
					invalid CEL               | {"app_id":"engine-tests","function_id":"reminder","started_before":"2026-01-01T00:00:00Z","if":"event.data.x =="} | if:
					unknown function          | {"app_id":"engine-tests","function_id":"nope","started_before":"2026-01-01T00:00:00Z"}        | No function 'nope'
					wrong app                 | {"app_id":"other-app","function_id":"reminder","started_before":"2026-01-01T00:00:00Z"}       | this application is 'engine-tests'
					""")
	void aBadBulkCancellationIsRefusedAndRecordsNothing(String problem, String body, String message) {
		int before = get("/inngest/v1/cancellations?limit=100").json().get("data").size();
		Answer answer = post("/inngest/v1/cancellations", body);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
		assertThat(answer.json().get("error").asString()).contains(message);
		assertThat(get("/inngest/v1/cancellations?limit=100").json().get("data").size()).isEqualTo(before);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					year -999999999       | {"app_id":"engine-tests","function_id":"reminder","started_after":"-999999999-01-01T00:00:00Z","started_before":"2026-01-01T00:00:00Z"} | started_after (-999999999-01-01T00:00:00Z) is out of range
					name over its column  | {"app_id":"engine-tests","function_id":"reminder","started_before":"2026-01-01T00:00:00Z","name":"%s"} | name has 256 characters; the longest allowed is 255
					deep nesting          | %s | The body goes past a limit of the JSON reader: Document nesting depth
					empty body            | `` | The body is empty
					""")
	void aBulkCancellationBeyondWhatIsStoredIsRefusedAndRecordsNothing(String problem, String body, String message) {
		int before = this.probe.count("inngest_cancellation");
		String sent = problem.equals("deep nesting") ? "[".repeat(2000) + "]".repeat(2000)
				: body.formatted("n".repeat(256));
		Answer answer = post("/inngest/v1/cancellations", sent);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
		assertThat(answer.json().get("error").asString()).contains(message);
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void aBulkCancellationThatIsNotJsonIsUnsupportedAndRecordsNothing() {
		int before = this.probe.count("inngest_cancellation");
		Answer answer = this.http.send("POST", "/inngest/v1/cancellations",
				List.of("Authorization", KEY, "Content-Type", "text/plain"), BodyPublishers.ofString("""
						{"app_id":"engine-tests","function_id":"reminder","started_before":"2026-01-01T00:00:00Z"}"""));
		assertThat(answer.status()).as(answer.toString()).isEqualTo(415);
		assertThat(answer.json().get("error").asString()).contains("Content-Type is text/plain");
		assertThat(answer.json().get("status").asInt()).isEqualTo(415);
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void otherMethodsOnTheRoutesAreNotAllowed() {
		String runId = startReminder();
		for (String[] call : new String[][] {
				{ "POST", "/inngest/v1/runs/" + runId, "/inngest/v1/runs/{runId}", "DELETE, GET, HEAD" },
				{ "PUT", "/inngest/v1/cancellations", "/inngest/v1/cancellations", "GET, HEAD, POST" },
				{ "PUT", "/inngest/v1/cancellations/01NOSUCH", "/inngest/v1/cancellations/{id}", "DELETE, GET, HEAD" },
				{ "POST", "/inngest/v1/stats", "/inngest/v1/stats", "GET, HEAD" } }) {
			Answer answer = this.http.send(call[0], call[1], List.of("Authorization", KEY), BodyPublishers.noBody());
			assertThat(answer.status()).as(answer.toString()).isEqualTo(405);
			assertThat(answer.header("Allow")).isEqualTo(call[3]);
			assertThat(answer.json().get("error").asString())
				.isEqualTo(call[0] + " is not allowed on " + call[2] + "; it takes " + call[3]);
		}
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void headIsAnsweredWhereGetIsWithoutABody() {
		String runId = startReminder();
		Answer head = this.http.send("HEAD", "/inngest/v1/runs/" + runId, List.of("Authorization", KEY),
				BodyPublishers.noBody());
		assertThat(head.status()).as(head.toString()).isEqualTo(200);
		assertThat(head.body()).isEmpty();
		assertThat(head.header("Content-Type")).startsWith("application/json");
		assertThat(this.http.send("HEAD", "/inngest/v1/runs/" + runId, List.of(), BodyPublishers.noBody()).status())
			.isEqualTo(401);
		assertThat(this.http
			.send("HEAD", "/inngest/v1/runs/01NOSUCHRUN", List.of("Authorization", KEY), BodyPublishers.noBody())
			.status()).isEqualTo(404);
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void anUnknownRouteUnderTheApiIsNotFound() {
		Answer answer = get("/inngest/v1/nothing/here");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
		assertThat(answer.json().get("error").asString()).contains("No such route: /inngest/v1/nothing/here");
	}

	@Test
	void aRefusalQuotesAHugeValueOnlyInPart() {
		String huge = "z".repeat(3000);
		Answer answer = get("/inngest/v1/runs/" + huge);
		assertThat(answer.status()).isEqualTo(404);
		assertThat(answer.body()).doesNotContain(huge).contains("(3000 characters)");
	}

	@Test
	void aBulkCancellationThatMatchesNoRunIsRefused() {
		int before = get("/inngest/v1/cancellations?limit=100").json().get("data").size();
		Answer answer = post("/inngest/v1/cancellations", """
				{"app_id":"engine-tests","function_id":"reminder","started_after":"2020-01-01T00:00:00Z",
				 "started_before":"2020-01-02T00:00:00Z"}""");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
		assertThat(answer.json().get("error").asString()).contains("No run of function 'reminder'");
		assertThat(get("/inngest/v1/cancellations?limit=100").json().get("data").size()).isEqualTo(before);
	}

	@Test
	void aQueryWithANulCharacterIsABadRequest() {
		for (String path : new String[] { "/inngest/v1/cancellations?cursor=%00",
				"/inngest/v1/cancellations?x=a%00b" }) {
			Answer answer = get(path);
			assertThat(answer.status()).as(path).isEqualTo(400);
			assertThat(answer.json().get("error").asString()).contains("NUL character");
		}
	}

	@Test
	void aQueryParameterARouteDoesNotTakeIsABadRequestNamingIt() {
		for (String[] call : new String[][] {
				{ "/inngest/v1/stats?function=reminder", "'function'; /inngest/v1/stats takes function_id, window" },
				{ "/inngest/v1/cancellations?limit=10&page=2",
						"'page'; /inngest/v1/cancellations takes limit, cursor" },
				{ "/inngest/v1/replays?after=01X", "'after'; /inngest/v1/replays takes limit, cursor" } }) {
			Answer answer = get(call[0]);
			assertThat(answer.status()).as(call[0]).isEqualTo(400);
			assertThat(answer.json().get("error").asString()).isEqualTo("Unknown query parameter " + call[1]);
		}
		assertThat(get("/inngest/v1/stats?function_id=reminder&window=day").status()).isEqualTo(200);
	}

	@Test
	void theLastPageOfCancellationsHasNoCursorEvenWhenFull() {
		Instant from = Instant.now().minusMillis(5);
		startReminder();
		Answer started = post("/inngest/v1/cancellations", """
				{"app_id": "engine-tests", "function_id": "reminder", "started_after": "%s",
				 "started_before": "%s", "if": "event.data.key == '%s'"}
				""".formatted(from, Instant.now(), this.key));
		assertThat(started.status()).as(started.toString()).isEqualTo(200);
		// Page by one to the end: every page has an item, and the last says it is the
		// last rather than lead to an empty one.
		String cursor = null;
		int pages = 0;
		do {
			Answer page = get("/inngest/v1/cancellations?limit=1" + ((cursor != null) ? "&cursor=" + cursor : ""));
			assertThat(page.status()).isEqualTo(200);
			assertThat(page.json().get("data").size()).as("page %d", pages).isOne();
			JsonNode next = page.json().at("/metadata/cursor");
			cursor = next.isNull() ? null : next.asString();
			pages++;
		}
		while (cursor != null && pages < 10_000);
		assertThat(cursor).isNull();
	}

	@Test
	void theCancellationListIsPagedWithinItsLimits() {
		for (String limit : List.of("0", "101", "many")) {
			Answer answer = get("/inngest/v1/cancellations?limit=" + limit);
			assertThat(answer.status()).isEqualTo(400);
			assertThat(answer.json().get("error").asString()).contains("limit is '" + limit + "'");
		}
		assertThat(delete("/inngest/v1/cancellations/01NOSUCHCANCELLATION000000").status()).isEqualTo(404);
	}

	@Test
	void eventsSentOverHttpStartRuns() {
		String reminderId = UUID.randomUUID().toString();
		Answer answer = this.http.call("POST", "/inngest/e/evt-key-example", null, """
				[{"name": "test/reminder.created", "data": {"reminderId": "%s"}},
				 {"name": "test/reminder.created", "data": {"reminderId": "%s-2"}, "id": "http-%s"}]
				""".formatted(reminderId, reminderId, reminderId));
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().get("ids").size()).isEqualTo(2);
		assertThat(answer.json().get("ids").get(1).asString()).isEqualTo("http-" + reminderId);
		this.probe.awaitRunId(answer.json().get("ids").get(0).asString(), "reminder");
	}

	@Test
	void aBadEventOverHttpIsRefusedAndNothingIsStored() {
		String marker = UUID.randomUUID().toString();
		Answer answer = this.http.call("POST", "/inngest/e/evt-key-example", null, """
				[{"name": "test/reminder.created", "data": {"reminderId": "%s"}},
				 {"name": "test/reminder.created", "data": "not an object"}]""".formatted(marker));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.json().get("error").asString()).contains("Event 1: data must be a JSON object");
		assertThat(this.probe.eventIds("test/reminder.created", marker)).isEmpty();
		Answer reserved = this.http.call("POST", "/inngest/e/evt-key-example", null,
				"{\"name\": \"inngest/function.failed\"}");
		assertThat(reserved.status()).isEqualTo(400);
		assertThat(reserved.json().get("error").asString()).contains("reserved");
		Answer wrongKey = this.http.call("POST", "/inngest/e/not-the-key", null, "{\"name\": \"test/x\"}");
		assertThat(wrongKey.status()).isEqualTo(401);
	}

	private String failedCharge() {
		Event event = Event.of("test/charge", Map.of("key", this.key, "decline", true));
		String runId = this.probe.awaitEnded(this.inngest.send(event).get(0), "charge-order").id();
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
		return runId;
	}

	@Test
	void theRunsOfAnEventAreThoseItStartedAndTheirReruns() {
		String failed = failedCharge();
		String eventId = this.runs.find(failed).orElseThrow().event().id();
		Answer before = get("/inngest/v1/events/" + eventId + "/runs");
		assertThat(before.status()).as(before.toString()).isEqualTo(200);
		assertThat(before.json().get("data").valueStream().map((run) -> run.get("run_id").asString()))
			.containsExactly(failed);
		String rerun = post("/inngest/v1/runs/" + failed + "/rerun", null).json().at("/data/run_id").asString();
		assertThat(get("/inngest/v1/events/" + eventId + "/runs").json()
			.get("data")
			.valueStream()
			.map((run) -> run.get("run_id").asString())).containsExactly(failed, rerun);
		Answer none = get("/inngest/v1/events/01NOSUCHEVENT/runs");
		assertThat(none.status()).isEqualTo(200);
		assertThat(none.json().get("data").isEmpty()).isTrue();
		assertThat(this.http.call("GET", "/inngest/v1/events/" + eventId + "/runs", null, null).status())
			.isEqualTo(401);
	}

	@Test
	void anEndedRunIsRerunAndTheRunsNameEachOther() {
		String failed = failedCharge();
		Answer rerun = post("/inngest/v1/runs/" + failed + "/rerun", null);
		assertThat(rerun.status()).as(rerun.toString()).isEqualTo(200);
		String newRunId = rerun.json().at("/data/run_id").asString();
		assertThat(newRunId).isNotEqualTo(failed);
		assertThat(rerun.json().at("/data/rerun_of").asString()).isEqualTo(failed);
		assertThat(rerun.json().at("/data/event_id").asString())
			.isEqualTo(this.runs.find(failed).orElseThrow().event().id());
		Answer original = get("/inngest/v1/runs/" + failed);
		assertThat(original.json().at("/data/reruns/0").asString()).isEqualTo(newRunId);
		Answer running = post("/inngest/v1/runs/" + startReminder() + "/rerun", null);
		assertThat(running.status()).isEqualTo(409);
		assertThat(running.json().get("error").asString()).contains("only a run that has ended");
		assertThat(post("/inngest/v1/runs/01NOSUCHRUN0000000000000000/rerun", null).status()).isEqualTo(404);
		assertThat(get("/inngest/v1/runs/" + failed + "/rerun").status()).isEqualTo(405);
	}

	@Test
	void aBulkReplayIsCountedStartedListedReadAndStopped() {
		Instant from = Instant.now().minusSeconds(1);
		String first = failedCharge();
		String second = failedCharge();
		String filter = "\"app_id\": \"engine-tests\", \"function_id\": \"charge-order\", \"started_after\": \"" + from
				+ "\", \"started_before\": \"" + Instant.now().plusSeconds(1) + "\", \"if\": \"event.data.key == '"
				+ this.key + "'\"";
		Answer preview = post("/inngest/v1/replays", "{" + filter + ", \"preview\": true}");
		assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
		assertThat(preview.json().at("/data/matching").asLong()).isEqualTo(2);
		assertThat(preview.json().at("/data/complete").asBoolean()).isTrue();
		Answer started = post("/inngest/v1/replays", "{" + filter + ", \"name\": \"again\"}");
		assertThat(started.status()).as(started.toString()).isEqualTo(200);
		String id = started.json().at("/data/id").asString();
		assertThat(started.json().at("/data/matched").asLong()).isEqualTo(2);
		assertThat(started.json().at("/data/statuses/0").asString()).isEqualTo("Failed");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> get("/inngest/v1/replays/" + id).json().at("/data/state").asString().equals("COMPLETED"));
		assertThat(get("/inngest/v1/replays/" + id).json().at("/data/replayed").asLong()).isEqualTo(2);
		assertThat(this.runs.find(first).orElseThrow().reruns()).hasSize(1);
		assertThat(this.runs.find(second).orElseThrow().reruns()).hasSize(1);
		Answer list = get("/inngest/v1/replays?limit=100");
		assertThat(list.json().get("data").valueStream().map((r) -> r.get("id").asString())).contains(id);
		Answer stop = delete("/inngest/v1/replays/" + id);
		assertThat(stop.status()).isEqualTo(200);
		assertThat(stop.json().at("/data/state").asString()).isEqualTo("COMPLETED");
		assertThat(get("/inngest/v1/replays/no-such").status()).isEqualTo(404);
		Answer wrongStatus = post("/inngest/v1/replays", "{" + filter + ", \"statuses\": [\"Completed\"]}");
		assertThat(wrongStatus.status()).isEqualTo(400);
		assertThat(wrongStatus.json().get("error").asString()).contains("Failed");
		assertThat(this.http.call("POST", "/inngest/v1/replays", "Bearer wrong", "{" + filter + "}").status())
			.isEqualTo(401);
	}

	@Test
	void aRunsTimelineShowsItsStepsSleepAndCancellation() {
		String runId = startReminder();
		Answer sleeping = get("/inngest/v1/runs/" + runId + "/timeline");
		assertThat(sleeping.status()).as(sleeping.toString()).isEqualTo(200);
		assertThat(sleeping.json().at("/data/event/data/key").asString()).isEqualTo(this.key);
		assertThat(sleeping.json().at("/data/spans/0/type").asString()).isEqualTo("queued");
		assertThat(
				sleeping.json()
					.at("/data/spans")
					.valueStream()
					.map((span) -> span.get("type").asString() + ":" + span.get("label").asString() + ":"
							+ span.get("status").asString(null)))
			.contains("step:before:COMPLETED", "sleep:nap:SLEEPING");
		assertThat(sleeping.json()
			.at("/data/spans")
			.valueStream()
			.filter((span) -> span.get("type").asString().equals("sleep"))
			.findFirst()
			.orElseThrow()
			.get("note")
			.asString()).startsWith("Sleeping until");
		delete("/inngest/v1/runs/" + runId);
		Answer cancelled = get("/inngest/v1/runs/" + runId + "/timeline");
		assertThat(cancelled.json()
			.at("/data/spans")
			.valueStream()
			.filter((span) -> span.get("type").asString().equals("cancelled"))
			.findFirst()
			.orElseThrow()
			.get("note")
			.asString()).startsWith("By api");
		assertThat(get("/inngest/v1/runs/01NOSUCHRUN0000000000000000/timeline").status()).isEqualTo(404);
	}

	@Test
	void theStatsOfTheLastHourCountTheRunsStarted() {
		startReminder();
		Answer hour = get("/inngest/v1/stats?function_id=reminder&window=hour");
		assertThat(hour.status()).as(hour.toString()).isEqualTo(200);
		assertThat(hour.json().at("/data/bucket_seconds").asLong()).isEqualTo(60);
		assertThat(hour.json().at("/data/buckets").size()).isBetween(60, 61);
		long started = hour.json()
			.at("/data/buckets")
			.valueStream()
			.mapToLong((bucket) -> bucket.get("started").asLong())
			.sum();
		assertThat(started).isPositive();
		assertThat(hour.json().at("/data/buckets/0/end_to_end_ms").propertyNames()).containsExactly("count", "p50",
				"p90", "p99");
		assertThat(hour.json().at("/data/buckets/0/queue_ms/count").isNumber()).isTrue();
		Answer week = get("/inngest/v1/stats?window=week");
		assertThat(week.json().at("/data/bucket_seconds").asLong()).isEqualTo(7200);
		assertThat(week.json().at("/data/function_id").isNull()).isTrue();
		Answer wrong = get("/inngest/v1/stats?window=year");
		assertThat(wrong.status()).isEqualTo(400);
		assertThat(wrong.json().get("error").asString()).contains("hour, day or week");
	}

}
