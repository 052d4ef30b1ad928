package dev.durable.inngest.actuate;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code inngest} Actuator endpoint and the health indicator over real HTTP, with the
 * endpoint's write operations on and its values shown.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=inngest,health",
				"management.endpoint.health.show-details=always", "management.endpoint.inngest.access=unrestricted",
				"management.endpoint.inngest.show-values=always", "inngest.limits.request-size=32KB" })
class InngestEndpointHttpTests {

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

	private JsonNode ok(Answer answer) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		return answer.json();
	}

	@Test
	void functionsAreListedWithTheirConfigurationAndCounts() {
		startReminder();
		JsonNode functions = ok(this.http.call("GET", "/actuator/inngest", null, null)).get("functions");
		JsonNode reminder = functions.valueStream()
			.filter((f) -> f.get("id").asString().equals("reminder"))
			.findFirst()
			.orElseThrow();
		assertThat(reminder.get("events").get(0).asString()).isEqualTo("test/reminder.created");
		assertThat(reminder.get("retries").asInt()).isEqualTo(4);
		assertThat(reminder.get("cancelOn").get(0).get("event").asString()).isEqualTo("test/reminder.deleted");
		assertThat(reminder.get("runs").get("SLEEPING").asLong()).isPositive();
	}

	@Test
	void runsAreListedByFunctionAndStatusAndOneRunShowsItsSteps() {
		String runId = startReminder();
		JsonNode page = ok(this.http.call("GET", "/actuator/inngest/runs?function=reminder&status=SLEEPING&limit=100",
				null, null));
		assertThat(page.get("runs").valueStream().map((r) -> r.get("id").asString())).contains(runId);
		assertThat(page.get("runs").valueStream().map((r) -> r.get("status").asString())).containsOnly("SLEEPING");
		JsonNode none = ok(this.http.call("GET",
				"/actuator/inngest/runs?function=reminder&status=FAILED&from=" + Instant.now().minusSeconds(60), null,
				null));
		assertThat(none.get("runs").valueStream().map((r) -> r.get("id").asString())).doesNotContain(runId);

		JsonNode detail = ok(this.http.call("GET", "/actuator/inngest/runs/" + runId, null, null));
		assertThat(detail.at("/run/id").asString()).isEqualTo(runId);
		assertThat(detail.at("/run/event/name").asString()).isEqualTo("test/reminder.created");
		assertThat(detail.at("/run/event/data/key").asString()).isEqualTo(this.key);
		assertThat(detail.get("steps")
			.valueStream()
			.map((s) -> s.get("key").asString() + ":" + s.get("status").asString()))
			.contains("before:COMPLETED", "nap:SLEEPING");
		assertThat(this.http.call("GET", "/actuator/inngest/runs/01NOSUCHRUN", null, null).status()).isEqualTo(404);
	}

	@Test
	void aRunIsCancelledWithDelete() {
		String runId = startReminder();
		JsonNode result = ok(this.http.call("DELETE", "/actuator/inngest/runs/" + runId, null, null));
		assertThat(result.get("cancelled").asBoolean()).isTrue();
		assertThat(result.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
		JsonNode again = ok(this.http.call("DELETE", "/actuator/inngest/runs/" + runId, null, null));
		assertThat(again.get("cancelled").asBoolean()).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					DELETE | /runs/01NOSUCHRUN                | No run has the id '01NOSUCHRUN'
					DELETE | /cancellations/nope              | No bulk cancellation has the id 'nope'
					DELETE | /replays/nope                    | No bulk replay has the id 'nope'
					DELETE | /bogus/nope                      | No such section 'bogus': runs, cancellations or replays
					GET    | /runs/01NOSUCHRUN                | No run has the id '01NOSUCHRUN'
					GET    | /replays/nope                    | No bulk replay has the id 'nope'
					GET    | /runs/01NOSUCHRUN/timeline       | No run has the id '01NOSUCHRUN'
					GET    | /runs/01NOSUCHRUN/bogus          | No such view 'runs/{id}/bogus': a run has one, runs/{id}/timeline
					GET    | /cancellations/x/timeline        | No such view 'cancellations/{id}/timeline': a run has one, runs/{id}/timeline
					""")
	void whatIsNotFoundIsNamedWithA404(String method, String path, String error) {
		Answer answer = this.http.call(method, "/actuator/inngest" + path, null, null);
		assertThat(answer.status()).isEqualTo(404);
		JsonNode body = answer.json();
		assertThat(body.get("error").asString()).isEqualTo(error);
		assertThat(body.get("status").asInt()).isEqualTo(404);
	}

	@Test
	void aBulkCancellationIsPreviewedThenStartedAndListed() {
		Instant from = Instant.now().minusMillis(5);
		String first = startReminder();
		String second = startReminder();
		String filter = "\"functionId\": \"reminder\", \"startedAfter\": \"%s\", \"startedBefore\": \"%s\", "
			.formatted(from, Instant.now()) + "\"condition\": \"event.data.key == '" + this.key + "'\"";
		JsonNode preview = ok(
				this.http.call("POST", "/actuator/inngest/cancellations", null, "{" + filter + ", \"preview\": true}"));
		assertThat(preview.get("matching").asLong()).isEqualTo(2);
		assertThat(preview.get("complete").asBoolean()).isTrue();
		assertThat(this.runs.find(first).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);

		JsonNode started = ok(this.http.call("POST", "/actuator/inngest/cancellations", null,
				"{" + filter + ", \"name\": \"from actuator\"}"));
		String id = started.get("id").asString();
		assertThat(started.get("name").asString()).isEqualTo("from actuator");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.runs.find(first).orElseThrow().status() == RunStatus.CANCELLED
					&& this.runs.find(second).orElseThrow().status() == RunStatus.CANCELLED);
		JsonNode history = ok(this.http.call("GET", "/actuator/inngest/cancellations?limit=100", null, null));
		assertThat(history.valueStream().map((c) -> c.get("id").asString())).contains(id);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			unknown status     | status=BAD                      | status is 'BAD'; it must be one of [QUEUED, RUNNING,
			limit zero         | limit=0                         | limit is 0; it must be 1 to 100
			limit too large    | limit=101                       | limit is 101; it must be 1 to 100
			limit not a number | limit=many                      | limit is 'many'; it must be a number from 1 to 100
			bad time           | from=yesterday                  | from = 'yesterday' is not an RFC 3339 time
			time out of range  | to=-999999999-01-01T00:00:00Z   | to = '-999999999-01-01T00:00:00Z' is out of range
			""")
	void aRunsListWithInputItCannotUseIsABadRequestNamingTheProblem(String problem, String query, String message) {
		Answer answer = this.http.call("GET", "/actuator/inngest/runs?" + query, null, null);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
		assertThat(answer.json().get("error").asString()).contains(message);
		assertThat(answer.json().get("status").asInt()).isEqualTo(400);
	}

	@Test
	void aPreviewThatIsNeitherTrueNorFalseIsNamed() {
		int before = this.probe.count("inngest_cancellation");
		Answer answer = this.http.call("POST", "/actuator/inngest/cancellations", null,
				"{\"functionId\": \"reminder\", \"startedAfter\": \"2026-01-01T00:00:00Z\", "
						+ "\"startedBefore\": \"2026-01-02T00:00:00Z\", \"name\": \"n\", \"preview\": \"maybe\"}");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
		assertThat(answer.json().get("error").asString()).isEqualTo("preview is 'maybe'; it must be true or false");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					CEL typo          | "functionId": "reminder", "startedAfter": "2026-01-01T00:00:00Z", "startedBefore": "2026-01-02T00:00:00Z", "condition": "event.data.x =="       | condition: Invalid CEL expression
					unknown function  | "functionId": "nope", "startedAfter": "2026-01-01T00:00:00Z", "startedBefore": "2026-01-02T00:00:00Z"                                              | No function 'nope' is declared
					bad time          | "functionId": "reminder", "startedAfter": "monday", "startedBefore": "2026-01-02T00:00:00Z"                                                       | startedAfter = 'monday' is not an RFC 3339 time
					empty range       | "functionId": "reminder", "startedAfter": "2026-01-02T00:00:00Z", "startedBefore": "2026-01-01T00:00:00Z"                                        | startedAfter (2026-01-02T00:00:00Z) must be before startedBefore
					no function       | "startedAfter": "2026-01-01T00:00:00Z", "startedBefore": "2026-01-02T00:00:00Z"                                                                   | functionId is required
					no startedBefore  | "functionId": "reminder", "startedAfter": "2026-01-01T00:00:00Z"                                                                                  | startedBefore is required
					long name         | "functionId": "reminder", "startedAfter": "2026-01-01T00:00:00Z", "startedBefore": "2026-01-02T00:00:00Z", "name": "%s"                          | name has 256 characters; the longest allowed is 255
					mistyped field    | "functionId": "reminder", "startedAfter": "2026-01-01T00:00:00Z", "startedBefore": "2026-01-02T00:00:00Z", "if": "event.data.x == 1"             | Unknown field 'if'; the fields are condition, functionId, name, preview, startedAfter, startedBefore, statuses
					replay's statuses | "functionId": "reminder", "startedAfter": "2026-01-01T00:00:00Z", "startedBefore": "2026-01-02T00:00:00Z", "statuses": "SLEEPING"                | statuses is a field of a bulk replay: a bulk cancellation cancels the runs of its range that have not ended
					""")
	void aBulkCancellationWithInputItCannotUseIsABadRequestAndRecordsNothing(String problem, String fields,
			String message) {
		int before = this.probe.count("inngest_cancellation");
		for (String preview : new String[] { "", ", \"preview\": true" }) {
			Answer answer = this.http.call("POST", "/actuator/inngest/cancellations", null,
					"{" + fields.formatted("n".repeat(256)) + preview + "}");
			assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
			assertThat(answer.json().get("error").asString()).contains(message);
		}
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					truncated JSON  | {"functionId": "rem             | The body is not valid JSON
					an array        | ["reminder"]                     | The body must be a JSON object
					deep nesting    | %s                               | The body goes past a limit of the JSON reader: Document nesting depth
					""")
	void aBodyThatIsNotAJsonObjectIsABadRequestSayingWhy(String problem, String body, String message) {
		int before = this.probe.count("inngest_cancellation");
		Answer answer = this.http.call("POST", "/actuator/inngest/cancellations", null,
				body.formatted("{\"a\": [".repeat(600) + "]}".repeat(600)));
		assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
		assertThat(answer.json().get("error").asString()).contains(message);
		assertThat(answer.json().get("status").asInt()).isEqualTo(400);
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void aBulkCancellationThatMatchesNoRunIsUnprocessable() {
		int before = this.probe.count("inngest_cancellation");
		Answer answer = this.http.call("POST", "/actuator/inngest/cancellations", null,
				"""
						{"functionId": "reminder", "startedAfter": "2001-01-01T00:00:00Z", "startedBefore": "2001-01-02T00:00:00Z"}""");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
		assertThat(answer.json().get("error").asString()).contains("No run of function 'reminder'");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void aBodyLargerThanTheRequestSizeIsTooLarge() {
		int before = this.probe.count("inngest_cancellation");
		Answer answer = this.http.call("POST", "/actuator/inngest/cancellations", null,
				"{\"functionId\": \"reminder\", \"name\": \"" + "x".repeat(40 * 1024) + "\"}");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(413);
		assertThat(answer.json().get("error").asString()).contains("the largest allowed is 32768 bytes");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

	@Test
	void aPageOfRunsLeavesOutLargeValuesThatTheRunsDetailKeeps() {
		String blob = "b".repeat(10_000);
		String runId = this.probe.awaitRunId(
				this.inngest.send(Event.of("test/reminder.created",
						Map.of("key", this.key, "reminderId", UUID.randomUUID().toString(), "blob", blob)))
					.get(0),
				"reminder");
		JsonNode page = ok(this.http.call("GET", "/actuator/inngest/runs?function=reminder&limit=100", null, null));
		JsonNode listed = page.get("runs")
			.valueStream()
			.filter((r) -> r.get("id").asString().equals(runId))
			.findFirst()
			.orElseThrow();
		assertThat(listed.get("truncated").valueStream().map(JsonNode::asString)).containsExactly("event.data");
		assertThat(listed.at("/event/data").isEmpty()).isTrue();
		assertThat(listed.at("/event/name").asString()).isEqualTo("test/reminder.created");
		JsonNode detail = ok(this.http.call("GET", "/actuator/inngest/runs/" + runId, null, null));
		assertThat(detail.at("/run/event/data/blob").asString()).isEqualTo(blob);
	}

	@Test
	void aPageOfSmallRunsKeepsEverything() {
		String runId = startReminder();
		JsonNode page = ok(this.http.call("GET", "/actuator/inngest/runs?function=reminder&limit=100", null, null));
		JsonNode listed = page.get("runs")
			.valueStream()
			.filter((r) -> r.get("id").asString().equals(runId))
			.findFirst()
			.orElseThrow();
		assertThat(listed.get("truncated").isEmpty()).isTrue();
		assertThat(listed.at("/event/data/key").asString()).isEqualTo(this.key);
	}

	@Test
	void otherMethodsOnTheEndpointsPathsAreNotAllowed() {
		String runId = startReminder();
		for (String[] call : new String[][] { { "PUT", "/actuator/inngest", "GET" },
				{ "PATCH", "/actuator/inngest/runs", "GET,POST" },
				{ "POST", "/actuator/inngest/runs/" + runId, "DELETE,GET" } }) {
			Answer answer = this.http.send(call[0], call[1], List.of(), BodyPublishers.noBody());
			assertThat(answer.status()).as(answer.toString()).isEqualTo(405);
			assertThat(answer.header("Allow").replace(" ", "").split(","))
				.containsExactlyInAnyOrder(call[2].split(","));
		}
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void healthShowsTheEngineAndItsBacklog() {
		JsonNode health = ok(this.http.call("GET", "/actuator/health", null, null));
		JsonNode inngest = health.at("/components/inngest");
		assertThat(inngest.get("status").asString()).isEqualTo("UP");
		assertThat(inngest.at("/details/engine").asString()).isEqualTo("running");
		assertThat(inngest.at("/details/backlog").isNumber()).isTrue();
		assertThat(inngest.at("/details/expiredLeases").asLong()).isZero();
	}

	@Test
	void aRunIsRerunAndFailedRunsReplayedThroughTheEndpoint() {
		Instant from = Instant.now().minusSeconds(1);
		Event event = Event.of("test/charge", Map.of("key", this.key, "decline", true));
		String failed = this.probe.awaitEnded(this.inngest.send(event).get(0), "charge-order").id();
		JsonNode rerun = ok(this.http.call("POST", "/actuator/inngest/runs/" + failed + "/rerun", null, "{}"));
		assertThat(rerun.at("/run/rerunOf").asString()).isEqualTo(failed);
		JsonNode original = ok(this.http.call("GET", "/actuator/inngest/runs/" + failed, null, null));
		assertThat(original.at("/run/reruns/0").asString()).isEqualTo(rerun.at("/run/id").asString());
		Answer notEnded = this.http.call("POST", "/actuator/inngest/runs/" + startReminder() + "/rerun", null, "{}");
		assertThat(notEnded.status()).isEqualTo(409);
		assertThat(notEnded.body()).contains("only a run that has ended can be run again");
		assertThat(this.http.call("POST", "/actuator/inngest/runs/no-such-run/rerun", null, "{}").status())
			.isEqualTo(404);
		this.probe.awaitEnded(rerun.at("/run/id").asString(), Duration.ofSeconds(10));

		String filter = "\"functionId\": \"charge-order\", \"startedAfter\": \"" + from + "\", \"startedBefore\": \""
				+ Instant.now().plusSeconds(1) + "\", \"condition\": \"event.data.key == '" + this.key + "'\"";
		JsonNode preview = ok(
				this.http.call("POST", "/actuator/inngest/replays", null, "{" + filter + ", \"preview\": true}"));
		// The original and its rerun both failed.
		assertThat(preview.get("matching").asLong()).isEqualTo(2);
		JsonNode started = ok(this.http.call("POST", "/actuator/inngest/replays", null,
				"{" + filter + ", \"statuses\": \"FAILED\"}"));
		String id = started.get("id").asString();
		assertThat(started.get("matched").asLong()).isEqualTo(2);
		JsonNode history = ok(this.http.call("GET", "/actuator/inngest/replays?limit=100", null, null));
		assertThat(history.valueStream().map((r) -> r.get("id").asString())).contains(id);
		assertThat(
				ok(this.http.call("GET", "/actuator/inngest/replays/" + id, null, null)).get("functionId").asString())
			.isEqualTo("charge-order");
		assertThat(ok(this.http.call("DELETE", "/actuator/inngest/replays/" + id, null, null)).get("state").asString())
			.isIn("STOPPED", "COMPLETED");
		assertThat(this.http.call("POST", "/actuator/inngest/replays", null, "{" + filter + ", \"statuses\": \"DONE\"}")
			.status()).isEqualTo(400);
	}

}
