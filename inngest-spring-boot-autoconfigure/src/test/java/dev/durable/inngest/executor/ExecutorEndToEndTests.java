package dev.durable.inngest.executor;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventData;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunView;
import dev.durable.inngest.Step;
import dev.durable.inngest.actuate.RunMetrics;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.remote.StepIds;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import dev.durable.inngest.testsupport.JsReference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * An app on the official Inngest JavaScript SDK, its {@code baseUrl} pointing at a Spring
 * application with the executor enabled: it syncs to the application, and its functions
 * run on the engine beside the application's own Java functions, with their steps
 * memoized in the engine's store.
 */
@SpringBootTest(classes = ExecutorEndToEndTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.executor.enabled=true", "inngest.executor.signing-key=" + ExecutorEndToEndTests.KEY,
				"inngest.signing-key=" + ExecutorEndToEndTests.KEY,
				"inngest.event-key=" + ExecutorEndToEndTests.EVENT_KEY, "spring.application.name=javaapp",
				"management.endpoints.web.exposure.include=inngest", "inngest.executor.max-call-payload=64KB" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutorEndToEndTests {

	static final String KEY = "signkey-test-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	static final String EVENT_KEY = "executor-test-event-key";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	JavaFunctions java;

	@Autowired
	FunctionDiscoverer functions;

	@Autowired
	ServedApps apps;

	@Autowired
	MeterRegistry meters;

	private JsReference js;

	@BeforeAll
	void startAndSync() throws Exception {
		this.js = JsReference.start("executor-app.mjs", Map.of("SIGNING_KEY", KEY, "EVENT_KEY", EVENT_KEY, "BASE_URL",
				"http://127.0.0.1:" + this.port + "/inngest/"));
		HttpResponse<String> sync = put(this.js.url("/api/inngest"));
		assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
	}

	@AfterAll
	void stop() throws Exception {
		if (this.js != null) {
			this.js.close();
		}
	}

	@Test
	void aSyncRegistersTheAppsFunctionsBesideTheJavaOnes() throws Exception {
		assertThat(this.functions.registry().find("jsapp-steps")).hasValueSatisfying((function) -> {
			assertThat(function.isServed()).isTrue();
			assertThat(function.events()).containsExactly("js/steps");
		});
		assertThat(this.functions.registry().find("jsapp-flaky").orElseThrow().retries()).isEqualTo(2);
		assertThat(this.functions.registry().find("jsapp-with-handler-failure").orElseThrow().events())
			.containsExactly("inngest/function.failed");
		assertThat(this.functions.registry().find("java-hello")).isPresent();
		HttpResponse<String> again = put(this.js.url("/api/inngest"));
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(again.body()).get("modified").asBoolean()).isFalse();
	}

	@Test
	void finishedStepsAreMemoizedAndNotRunAgain() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/steps", Map.of("key", key, "n", 4)));
		RunView run = completed("jsapp-steps", key);
		assertThat(outputOf(run)).isEqualTo("{\"first\":{\"n\":4},\"second\":5}");
		assertThat(count("first:" + key)).isEqualTo(1);
		assertThat(count("second:" + key)).isEqualTo(1);
	}

	@Test
	void aWildcardTriggerStartsTheFunctionForEveryNameItMatches() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/wild.one", Map.of("key", key)), Event.of("js/wild.two", Map.of("key", key)),
				Event.of("js/wilder", Map.of("key", key)));
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.runs
				.list(new RunQuery("jsapp-wildcard", RunStatus.COMPLETED, null, null, RunQuery.MAX_LIMIT, null))
				.runs()
				.stream()
				.filter((run) -> key.equals(run.event().data().get("key")))
				.map(ExecutorEndToEndTests::outputOf)).containsExactlyInAnyOrder("\"js/wild.one\"", "\"js/wild.two\""));
	}

	@Test
	void stepsTheAppBufferedAndReportedWithTheFunctionsEndAreStored() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/buffered", Map.of("key", key)));
		RunView run = completed("jsapp-buffered", key);
		assertThat(outputOf(run)).isEqualTo("3");
		assertThat(List.of(count("a:" + key), count("b:" + key))).containsExactly(1, 1);
		Answer detail = new HttpApiClient(this.port).call("GET", "/actuator/inngest/runs/" + run.id(), null, null);
		assertThat(detail.json().get("steps").valueStream().map((step) -> step.get("stepId").asString()))
			.containsExactly("a", "b");
	}

	@Test
	void aCallTooLargeToCarryItsStepsHasTheAppFetchThem() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/large", Map.of("key", key, "size", 40_000)));
		RunView run = completed("jsapp-large", key);
		assertThat(outputOf(run)).isEqualTo("{\"a\":40000,\"b\":40000,\"ends\":\"ab\",\"events\":[\"" + key + "\"]}");
		// One step's result fits in a call and both do not: the call after the second
		// step goes with use_api, and the app fetched the steps and the events rather
		// than
		// run the steps again.
		assertThat(counters().path("useApi").path(key).valueStream().map(JsonNode::asBoolean)).containsExactly(false,
				false, true);
		assertThat(List.of(count("big-a:" + key), count("big-b:" + key))).containsExactly(1, 1);
	}

	@Test
	void parallelStepsEachRunOnce() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/parallel", Map.of("key", key)));
		RunView run = completed("jsapp-parallel", key);
		assertThat(outputOf(run)).isEqualTo("{\"a\":1,\"b\":2,\"c\":3}");
		assertThat(List.of(count("a:" + key), count("b:" + key), count("c:" + key))).containsExactly(1, 1, 1);
	}

	@Test
	void theActuatorEndpointShowsServedFunctionsAndTheirRunsSteps() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/steps", Map.of("key", key, "n", 2)));
		RunView run = ended("jsapp-steps", key);
		HttpApiClient http = new HttpApiClient(this.port);
		Answer functions = http.call("GET", "/actuator/inngest", null, null);
		assertThat(functions.status()).isEqualTo(200);
		assertThat(functions.json().get("functions").valueStream().map((function) -> function.get("id").asString()))
			.contains("jsapp-steps", "jsapp-with-handler-failure", "java-hello");
		Answer detail = http.call("GET", "/actuator/inngest/runs/" + run.id(), null, null);
		assertThat(detail.status()).as(detail.toString()).isEqualTo(200);
		assertThat(detail.json().get("steps").valueStream().map((step) -> step.get("key").asString()))
			.containsExactly(StepIds.hash("first"), StepIds.hash("pause"), StepIds.hash("second"));
		assertThat(detail.json().get("steps").valueStream().map((step) -> step.get("stepId").asString()))
			.containsExactly("first", "pause", "second");
	}

	@Test
	void theTimelineShowsStepsByTheirNames() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/waiter", Map.of("key", key)));
		awaitStatus("jsapp-waiter", key, RunStatus.WAITING);
		this.inngest.send(Event.of("js/paid", Map.of("key", key, "amount", 7)));
		RunView run = completed("jsapp-waiter", key);
		assertThat(this.runs.timeline(run.id()).orElseThrow().spans()).filteredOn((span) -> span.type().equals("wait"))
			.extracting(RunTimeline.Span::label, RunTimeline.Span::stepKey)
			.containsExactly(tuple("wait-pay", StepIds.hash("wait-pay")),
					tuple("wait-late", StepIds.hash("wait-late")));
	}

	@Test
	void aFailingStepIsRetriedWithTheFunctionsRetries() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/flaky", Map.of("key", key)));
		RunView run = completed("jsapp-flaky", key);
		assertThat(run.output()).isEqualTo("charged");
		assertThat(count("charge:" + key)).isEqualTo(3);
	}

	@Test
	void eachDiscoveryAfterAStepGetsTheFunctionsRetries() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/flaky-body", Map.of("key", key)));
		RunView run = completed("jsapp-flaky-body", key);
		assertThat(run.output()).isEqualTo("ab");
		// The body fails twice after each step, and the third try of each discovery
		// goes on: the one after step a executes step b.
		assertThat(counters().path("attempts").path(key).valueStream().map(JsonNode::asInt)).containsExactly(0, 0, 1, 2,
				0, 1, 2);
		assertThat(count("after-b:" + key)).isEqualTo(3);
		assertThat(this.runs.timeline(run.id()).orElseThrow().spans())
			.filteredOn((span) -> span.type().equals("attempt"))
			.extracting(RunTimeline.Span::attempt, (span) -> span.error().message())
			.containsExactly(tuple(0, "not yet after a"), tuple(1, "not yet after a"), tuple(2, "not yet after b"),
					tuple(3, "not yet after b"));
	}

	@Test
	void aStepThatFailsForGoodIsThrownIntoTheBodyWhichRollsBack() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/compensate", Map.of("key", key)));
		RunView run = completed("jsapp-compensate", key);
		assertThat(run.output()).isEqualTo("refunded after declined");
		assertThat(count("declined:" + key)).isEqualTo(2);
	}

	@Test
	void aStepOutputOverInngestsLimitFailsTheStepNamingItsSizeAndTheLimit() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/too-large", Map.of("key", key, "size", 5_000_000)));
		RunView run = completed("jsapp-too-large", key);
		assertThat(JSON.valueToTree(run.output()).get("caught").asString())
			.endsWith("Step 'big' returned 5000002 bytes of JSON, more than 4194304 bytes (4 MiB), the most a step may "
					+ "return: step output size is greater than the limit. Store large data elsewhere and return a "
					+ "reference to it");
		assertThat(count("big:" + key)).isEqualTo(1);
	}

	@Test
	void aStepOutputOverTheAnswerLimitFailsTheStepForGoodWithoutRunningItAgain() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/too-large", Map.of("key", key, "size", 9_000_000)));
		RunView run = completed("jsapp-too-large", key);
		assertThat(JSON.valueToTree(run.output()).get("caught").asString())
			.contains("Step 'big' returned over " + FunctionCalls.MAX_ANSWER_BYTES + " bytes of JSON")
			.contains("step output size is greater than the limit");
		assertThat(count("big:" + key)).isEqualTo(1);
	}

	@Test
	void parallelStepsAreExecutedAtOnce() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/parallel-slow", Map.of("key", key)));
		RunView run = completed("jsapp-parallel-slow", key);
		assertThat(outputOf(run)).isEqualTo("[\"a\",\"b\"]");
		JsonNode times = counters().path("times");
		List<Long> a = List.of(times.path("a-began:" + key).get(0).asLong(),
				times.path("a-ended:" + key).get(0).asLong());
		List<Long> b = List.of(times.path("b-began:" + key).get(0).asLong(),
				times.path("b-ended:" + key).get(0).asLong());
		// Each began before the other ended, and each ran once.
		assertThat(a.get(0)).isLessThan(b.get(1));
		assertThat(b.get(0)).isLessThan(a.get(1));
		assertThat(List.of(count("a-began:" + key), count("b-began:" + key))).containsExactly(1, 1);
	}

	@Test
	void parallelStepsThatFailTogetherAreEachRetriedWithTheirNextAttempt() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/parallel-flaky", Map.of("key", key)));
		RunView run = completed("jsapp-parallel-flaky", key);
		assertThat(outputOf(run)).isEqualTo("[\"a\",\"b\"]");
		JsonNode attempts = counters().path("attempts");
		// Each step's failure counted against its own retries: its second execution is
		// its second attempt, the function's last.
		for (String step : List.of("a", "b")) {
			assertThat(attempts.path(step + ":" + key).valueStream().map(JsonNode::asInt)).as(step)
				.containsExactly(0, 1);
		}
	}

	@Test
	void aStepToRetryLaterBesideAWaitThatEndsFirstWaitsForItsRetry() throws Exception {
		String key = key();
		Instant woken = wakeBesideARetry("all", key);
		RunView run = completed("jsapp-retry-beside-wait-all", key);
		assertThat(outputOf(run)).isEqualTo("[\"a\",\"woken\"]");
		// Not executed by the call that discovered the wait's end, as its first attempt
		// again and before its retry was due, but at its retry, 8 s after it failed.
		assertThat(counters().path("attempts").path("a-all:" + key).valueStream().map(JsonNode::asInt))
			.containsExactly(0, 1);
		assertThat(Duration.between(woken, run.endedAt())).isGreaterThan(Duration.ofSeconds(4));
	}

	@Test
	void aWaitThatEndsBeforeTheRetryOfAStepItRacesWinsTheRace() throws Exception {
		String key = key();
		wakeBesideARetry("race", key);
		RunView run = completed("jsapp-retry-beside-wait-race", key);
		// The app learnt of the wait's end before the step's retry, whose call found the
		// race won, and did not execute the step again.
		assertThat(outputOf(run)).isEqualTo("\"woken\"");
		assertThat(counters().path("attempts").path("a-race:" + key).valueStream().map(JsonNode::asInt))
			.containsExactly(0);
	}

	/**
	 * Starts a run of a function whose step fails beside a wait, to be retried 8 s later,
	 * and ends the wait once the step failed.
	 * @return when the wait's event was sent
	 */
	private Instant wakeBesideARetry(String mode, String key) throws Exception {
		this.inngest.send(Event.of("js/retry-beside-wait-" + mode, Map.of("key", key)));
		await().atMost(WAIT).until(() -> count("a-" + mode + ":" + key) == 1);
		awaitStatus("jsapp-retry-beside-wait-" + mode, key, RunStatus.WAITING);
		Instant woken = Instant.now();
		this.inngest.send(Event.of("js/wake", Map.of("key", key)));
		return woken;
	}

	@Test
	void aRaceOfAWaitAndASleepGoesOnWithTheSleepWhenNoEventComes() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/race", Map.of("key", key, "deadline", "1s")));
		// The sleep won: the step after the race executes while the wait goes on.
		await().atMost(WAIT).until(() -> count("after-race:" + key + ":deadline") == 1);
		// The SDK reports the wait still pending in place of the run's end, so the run
		// ends once the wait ends too, as on Inngest.
		awaitStatus("jsapp-race", key, RunStatus.WAITING);
		this.inngest.send(Event.of("js/approve", Map.of("key", key)));
		RunView run = completed("jsapp-race", key);
		assertThat(run.output()).isEqualTo("deadline");
		assertThat(count("after-race:" + key + ":deadline")).isEqualTo(1);
		assertThat(count("after-race:" + key + ":approved")).isZero();
	}

	@Test
	void aRaceOfAWaitAndASleepGoesOnWithTheWaitWhenItsEventComesFirst() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/race", Map.of("key", key, "deadline", "1h")));
		RunView waiting = awaitStatus("jsapp-race", key, RunStatus.WAITING);
		this.inngest.send(Event.of("js/approve", Map.of("key", key)));
		await().atMost(WAIT).until(() -> count("after-race:" + key + ":approved") == 1);
		// Then, as on Inngest, the run sleeps out the hour of the step that lost.
		awaitStatus("jsapp-race", key, RunStatus.SLEEPING);
		assertThat(count("after-race:" + key + ":deadline")).isZero();
		this.runs.cancel(waiting.id());
	}

	@Test
	void waitsAwaitedTogetherEachTakeTheirEventInAnyOrder() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/all-waits", Map.of("key", key)));
		// Both waits begin as the step beside them executes, not one after the other.
		awaitStatus("jsapp-all-waits", key, RunStatus.WAITING);
		assertThat(count("x:" + key)).isEqualTo(1);
		this.inngest.send(Event.of("js/wb", Map.of("key", key, "n", 2)));
		this.inngest.send(Event.of("js/wa", Map.of("key", key, "n", 1)));
		RunView run = completed("jsapp-all-waits", key);
		assertThat(outputOf(run)).isEqualTo("{\"x\":1,\"a\":1,\"b\":2}");
		assertThat(count("x:" + key)).isEqualTo(1);
	}

	@Test
	void invokesAwaitedTogetherStartTheirRunsAtOnce() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/invoke-both", Map.of("key", key)));
		RunView caller = completed("jsapp-invoke-both", key);
		assertThat(outputOf(caller)).isEqualTo("{\"slowed\":\"late\",\"tripled\":6}");
		RunView slow = ended("jsapp-slow", key);
		RunView tripled = ended("jsapp-triple", key);
		// The second began beside the first, not once the first had ended.
		assertThat(tripled.createdAt()).isBefore(slow.endedAt());
	}

	@Test
	void aNonRetriableErrorFailsTheRunAtOnce() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/non-retriable", Map.of("key", key)));
		RunView run = ended("jsapp-non-retriable", key);
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().name()).isEqualTo("NonRetriableError");
		assertThat(run.error().message()).isEqualTo("no such order");
		assertThat(count("non-retriable:" + key)).isEqualTo(1);
	}

	@Test
	void aRetryAfterErrorDelaysTheRetry() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/retry-after", Map.of("key", key)));
		RunView run = completed("jsapp-retry-after", key);
		assertThat(run.output()).isEqualTo("through");
		JsonNode times = counters().path("times").path("throttled:" + key);
		assertThat(times.size()).isEqualTo(2);
		assertThat(times.get(1).asLong() - times.get(0).asLong()).isGreaterThanOrEqualTo(1900);
	}

	@Test
	void aFailedRunStartsItsFailureHandlerWithTheFailedEvent() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/with-handler", Map.of("key", key)));
		RunView failed = ended("jsapp-with-handler", key);
		assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
		assertThat(failed.error().message()).isEqualTo("boom");
		RunView handler = await().atMost(WAIT)
			.until(() -> find("jsapp-with-handler-failure",
					(view) -> key.equals(nested(view.event().data(), "event", "data", "key"))
							&& view.status().isFinal()),
					(view) -> view != null);
		assertThat(handler.event().name()).isEqualTo("inngest/function.failed");
		assertThat(handler.status()).as(String.valueOf(handler.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(outputOf(handler)).isEqualTo("{\"handled\":\"boom\",\"functionId\":\"jsapp-with-handler\"}");
		assertThat(count("on-failure:" + key)).isEqualTo(1);
	}

	@Test
	void anEventMatchingACancelRuleCancelsTheRun() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/cancellable", Map.of("key", key)));
		awaitStatus("jsapp-cancellable", key, RunStatus.SLEEPING);
		this.inngest.send(Event.of("js/cancel", Map.of("key", "another")));
		this.inngest.send(Event.of("js/cancel", Map.of("key", key)));
		assertThat(ended("jsapp-cancellable", key).status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void aCancelRuleWithAnInstantForItsTimeoutHoldsUntilThatInstant() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/cancellable", Map.of("key", key)));
		awaitStatus("jsapp-cancellable", key, RunStatus.SLEEPING);
		this.inngest.send(Event.of("js/cancel-expired", Map.of("key", key)));
		Thread.sleep(300);
		assertThat(run("jsapp-cancellable", key).status()).isEqualTo(RunStatus.SLEEPING);
		this.inngest.send(Event.of("js/cancel-by-date", Map.of("key", key)));
		assertThat(ended("jsapp-cancellable", key).status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void anEventMatchingACancelRulesConditionCancelsTheRun() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/cancellable", Map.of("key", key)));
		awaitStatus("jsapp-cancellable", key, RunStatus.SLEEPING);
		this.inngest.send(Event.of("js/stop", Map.of("key", key, "reason", "pause")));
		Thread.sleep(300);
		assertThat(run("jsapp-cancellable", key).status()).isEqualTo(RunStatus.SLEEPING);
		this.inngest.send(Event.of("js/stop", Map.of("key", key, "reason", "stop")));
		assertThat(ended("jsapp-cancellable", key).status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void theSystemEventsOfServedRunsCarryTheirFunctionsFullId() throws Exception {
		String failedKey = key();
		this.inngest.send(Event.of("js/non-retriable", Map.of("key", failedKey)));
		String cancelledKey = key();
		this.inngest.send(Event.of("js/cancellable", Map.of("key", cancelledKey)));
		awaitStatus("jsapp-cancellable", cancelledKey, RunStatus.SLEEPING);
		this.inngest.send(Event.of("js/cancel", Map.of("key", cancelledKey)));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.java.ended)
				.containsEntry(failedKey, "inngest/function.failed jsapp-non-retriable")
				.containsEntry(cancelledKey, "inngest/function.cancelled jsapp-cancellable"));
	}

	@Test
	void aRunIsCancelledThroughTheRestApi() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/cancellable", Map.of("key", key)));
		RunView sleeping = awaitStatus("jsapp-cancellable", key, RunStatus.SLEEPING);
		Answer answer = new HttpApiClient(this.port).call("DELETE", "/inngest/v1/runs/" + sleeping.id(),
				"Bearer " + KEY, null);
		assertThat(answer.status()).as(answer.toString()).isBetween(200, 204);
		assertThat(ended("jsapp-cancellable", key).status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void aWaitEndsWithTheMatchingEventOrItsTimeout() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/waiter", Map.of("key", key)));
		awaitStatus("jsapp-waiter", key, RunStatus.WAITING);
		this.inngest.send(Event.of("js/paid", Map.of("key", "another", "amount", 1)));
		this.inngest.send(Event.of("js/paid", Map.of("key", key, "amount", 42)));
		RunView run = completed("jsapp-waiter", key);
		assertThat(outputOf(run)).isEqualTo("{\"paid\":42,\"late\":\"timed out\"}");
	}

	@Test
	void aServedFunctionTriggersAJavaFunctionAndBack() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/sender", Map.of("key", key)));
		assertThat(ended("jsapp-sender", key).output()).isEqualTo(1);
		await().atMost(WAIT).until(() -> this.java.hellos.contains(key));
		this.inngest.send(Event.of("java/relay", Map.of("key", key)));
		RunView fromJava = ended("jsapp-from-java", key);
		assertThat(outputOf(fromJava)).isEqualTo("{\"got\":\"" + key + "\"}");
	}

	@Test
	void aServedFunctionInvokesAnotherAndGoesOnWithItsResult() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/invoker", Map.of("key", key)));
		RunView caller = completed("jsapp-invoker", key);
		assertThat((JsonNode) JSON.valueToTree(caller.output())).isEqualTo(JSON.readTree("{\"added\":{\"sum\":5,"
				+ "\"event\":\"inngest/function.invoked\",\"v\":\"2026-01\",\"correlated\":\"string\"},\"again\":50}"));
		RunView callee = ended("jsapp-add", key);
		assertThat(callee.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(callee.event().name()).isEqualTo("inngest/function.invoked");
		assertThat(callee.event().v()).isEqualTo("2026-01");
		assertThat(nested(callee.event().data(), "_inngest", "fn_id")).isEqualTo("jsapp-add");
		assertThat(nested(callee.event().data(), "_inngest", "correlation_id"))
			.isEqualTo(caller.id() + "." + StepIds.hash("add-them"));
		assertThat(count("add:" + key)).isEqualTo(1);
		// It started the one function it names, not every one triggered by its event.
		assertThat(this.java.invoked).doesNotContain(key);
		assertThat(this.runs.timeline(caller.id()).orElseThrow().spans())
			.filteredOn((span) -> span.type().equals("invoke"))
			.singleElement()
			.satisfies((span) -> {
				assertThat(span.label()).isEqualTo("add-them");
				assertThat(span.stepKey()).isEqualTo(StepIds.hash("add-them"));
				assertThat(span.status()).isEqualTo("COMPLETED");
				assertThat(span.note()).isEqualTo("The invoked run completed");
			});
		Answer detail = new HttpApiClient(this.port).call("GET", "/actuator/inngest/runs/" + caller.id(), null, null);
		assertThat(detail.json()
			.get("steps")
			.valueStream()
			.map((step) -> step.get("stepId").asString() + " " + step.get("kind").asString() + " "
					+ step.get("status").asString()))
			.containsExactly("add-them INVOKE COMPLETED", "after RUN COMPLETED");
	}

	@Test
	void aFunctionWithNoTriggersRunsWhenAnotherInvokesIt() throws Exception {
		assertThat(List.of("jsapp-triple", "jsapp-negate")).allSatisfy((id) -> {
			assertThat(this.functions.registry().find(id)).hasValueSatisfying((function) -> {
				assertThat(function.events()).isEmpty();
				assertThat(function.crons()).isEmpty();
			});
		});
		String key = key();
		this.inngest.send(Event.of("js/invoke-only", Map.of("key", key, "n", 7)));
		RunView caller = completed("jsapp-invoke-only", key);
		assertThat(outputOf(caller)).isEqualTo("{\"tripled\":21,\"negated\":-21}");
	}

	@Test
	void anInvokedRunThatFailsFailsTheStepWhichTheCallerCatches() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/invoke-failing", Map.of("key", key)));
		RunView caller = completed("jsapp-invoke-failing", key);
		assertThat(outputOf(caller)).isEqualTo("{\"caught\":\"NonRetriableError: out of stock\"}");
		assertThat(ended("jsapp-failing", key).status()).isEqualTo(RunStatus.FAILED);
		assertThat(count("failing:" + key)).isEqualTo(1);
		assertThat(this.runs.timeline(caller.id()).orElseThrow().spans())
			.filteredOn((span) -> span.type().equals("invoke"))
			.singleElement()
			.satisfies((span) -> {
				assertThat(span.label()).isEqualTo("call-failing");
				assertThat(span.status()).isEqualTo("FAILED");
				assertThat(span.error().name()).isEqualTo("NonRetriableError");
				assertThat(span.error().message()).isEqualTo("out of stock");
			});
	}

	@Test
	void anInvokeWhoseRunDoesNotEndInTimeFailsWithInngestsTimeoutError() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/invoke-slow", Map.of("key", key, "sleep", "3s", "timeout", "1s")));
		RunView caller = completed("jsapp-invoke-slow", key);
		String timedOut = "{\"caught\":\"InngestInvokeTimeoutError: "
				+ "Timed out waiting for invoked function to complete\"}";
		assertThat(outputOf(caller)).isEqualTo(timedOut);
		// The invoked run ends later, on its own, and changes nothing of the caller's.
		RunView late = ended("jsapp-slow", key);
		assertThat(late.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(count("slow:" + key)).isEqualTo(1);
		RunView after = this.runs.find(caller.id()).orElseThrow();
		assertThat(outputOf(after)).isEqualTo(timedOut);
		assertThat(this.runs.timeline(caller.id()).orElseThrow().spans())
			.filteredOn((span) -> span.type().equals("invoke"))
			.singleElement()
			.satisfies((span) -> {
				assertThat(span.status()).isEqualTo("FAILED");
				assertThat(span.error().name()).isEqualTo("InngestInvokeTimeoutError");
			});
	}

	@Test
	void aServedFunctionInvokesAJavaFunctionByItsFullId() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/invoke-java", Map.of("key", key, "n", 21)));
		RunView caller = completed("jsapp-invoke-java", key);
		assertThat(outputOf(caller)).isEqualTo("{\"doubled\":42}");
		RunView java = ended("java-double", key);
		assertThat(java.event().name()).isEqualTo("inngest/function.invoked");
		assertThat(nested(java.event().data(), "_inngest", "fn_id")).isEqualTo("javaapp-java-double");
	}

	@Test
	void anInvokeOfAFunctionThatDoesNotExistFailsTheStep() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/invoke-missing", Map.of("key", key)));
		RunView caller = completed("jsapp-invoke-missing", key);
		assertThat(outputOf(caller))
			.isEqualTo("{\"caught\":\"Error: could not find function with ID: jsapp-no-such-function\"}");
	}

	@Test
	void cancellingTheCallerEndsItsWaitAndTheInvokedRunEndsOnItsOwn() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/invoke-slow", Map.of("key", key, "sleep", "2s", "timeout", "1h")));
		RunView waiting = awaitStatus("jsapp-invoke-slow", key, RunStatus.WAITING);
		this.runs.cancel(waiting.id());
		assertThat(ended("jsapp-invoke-slow", key).status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(ended("jsapp-slow", key).status()).isEqualTo(RunStatus.COMPLETED);
		RunView caller = this.runs.find(waiting.id()).orElseThrow();
		assertThat(caller.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(this.runs.timeline(caller.id()).orElseThrow().spans())
			.filteredOn((span) -> span.type().equals("invoke"))
			.singleElement()
			.satisfies((span) -> assertThat(span.status()).isEqualTo("CANCELLED"));
	}

	@Test
	void aSyncWithAWrongKeyIsRefusedAndChangesNothing() {
		Map<String, ?> before = this.apps.apps();
		String body = "{\"appName\":\"jsapp\",\"url\":\"http://127.0.0.1:1/api/inngest\",\"functions\":[]}";
		Answer answer = new HttpApiClient(this.port).call("POST", "/fn/register",
				"Bearer signkey-test-0000000000000000000000000000000000000000000000000000000000000000", body);
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.json().get("error").asString()).startsWith("Unauthorized");
		assertThat(this.apps.apps()).isEqualTo(before);
		assertThat(this.functions.registry().find("jsapp-steps")).isPresent();
	}

	@Test
	void aFunctionAnAppNoLongerRegistersStartsNoRuns() throws Exception {
		HttpApiClient http = new HttpApiClient(this.port);
		String url = "http://127.0.0.1:" + JsReference.freePort() + "/api";
		String twoFunctions = "{\"appName\":\"short-lived\",\"url\":\"" + url + "\",\"functions\":["
				+ function("short-lived-kept", url) + "," + function("short-lived-removed", url) + "]}";
		Answer first = http.call("POST", "/fn/register", "Bearer " + KEY, twoFunctions);
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		assertThat(first.json().get("modified").asBoolean()).isTrue();
		assertThat(this.functions.registry().find("short-lived-removed")).isPresent();
		String oneFunction = "{\"appName\":\"short-lived\",\"url\":\"" + url + "\",\"functions\":["
				+ function("short-lived-kept", url) + "]}";
		assertThat(http.call("POST", "/fn/register", "Bearer " + KEY, oneFunction).status()).isEqualTo(200);
		assertThat(this.functions.registry().find("short-lived-kept")).isPresent();
		assertThat(this.functions.registry().find("short-lived-removed")).isEmpty();
		this.inngest.send(Event.of("short-lived/short-lived-removed", Map.of("key", key())));
		assertThat(this.runs.list(new RunQuery("short-lived-removed", null, null, null, 10, null)).runs()).isEmpty();
	}

	private static String function(String id, String url) {
		return "{\"id\":\"" + id + "\",\"triggers\":[{\"event\":\"short-lived/" + id + "\"}],"
				+ "\"steps\":{\"step\":{\"runtime\":{\"url\":\"" + url + "?fnId=" + id + "&stepId=step\"}}}}";
	}

	@Test
	void servedFunctionsCountInTheMetrics() throws Exception {
		String key = key();
		this.inngest.send(Event.of("js/steps", Map.of("key", key, "n", 1)));
		ended("jsapp-steps", key);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(
					this.meters.find(RunMetrics.RUNS_COMPLETED).tag("function", "jsapp-steps").counter())
				.isNotNull()
				.satisfies((counter) -> assertThat(counter.count()).isPositive()));
		assertThat(this.meters.find(RunMetrics.STEPS_ATTEMPTS).tag("function", "jsapp-steps").counters()).isNotEmpty();
	}

	@Test
	void anInvalidSyncIsRefusedNamingTheField() {
		String body = "{\"appName\":\"other\",\"url\":\"http://127.0.0.1:1/api\",\"functions\":[{\"id\":\"other-f\","
				+ "\"triggers\":[{\"event\":\"a\"}],\"steps\":{\"step\":{\"runtime\":{\"url\":\"ftp://x\"}}}}]}";
		Answer answer = new HttpApiClient(this.port).call("POST", "/fn/register", "Bearer " + KEY, body);
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.json().get("error").asString()).startsWith("functions[0].steps.step.runtime.url:");
		String taken = "{\"appName\":\"other\",\"url\":\"http://127.0.0.1:1/api\",\"functions\":[{\"id\":\"jsapp-steps\","
				+ "\"triggers\":[{\"event\":\"a\"}],\"steps\":{\"step\":{\"runtime\":{\"url\":\"http://127.0.0.1:1/api\"}}}}]}";
		Answer clash = new HttpApiClient(this.port).call("POST", "/fn/register", "Bearer " + KEY, taken);
		assertThat(clash.status()).isEqualTo(400);
		assertThat(clash.json().get("error").asString()).contains("app 'jsapp'");
		assertThat(this.apps.apps()).doesNotContainKey("other");
	}

	private static String key() {
		return UUID.randomUUID().toString();
	}

	private RunView ended(String functionId, String key) {
		return await().atMost(WAIT).until(() -> {
			RunView run = run(functionId, key);
			return (run != null && run.status().isFinal()) ? run : null;
		}, (run) -> run != null);
	}

	/** A run's output as JSON text. */
	private static String outputOf(RunView run) {
		return JSON.valueToTree(run.output()).toString();
	}

	/** The run of a function started by the event of a key, once it completed. */
	private RunView completed(String functionId, String key) {
		RunView run = ended(functionId, key);
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		return run;
	}

	private RunView awaitStatus(String functionId, String key, RunStatus status) {
		return await().atMost(WAIT).until(() -> {
			RunView run = run(functionId, key);
			return (run != null && run.status() == status) ? run : null;
		}, (run) -> run != null);
	}

	private RunView run(String functionId, String key) {
		return find(functionId, (view) -> key.equals(view.event().data().get("key")));
	}

	private RunView find(String functionId, java.util.function.Predicate<RunView> filter) {
		return this.runs.list(new RunQuery(functionId, null, null, null, RunQuery.MAX_LIMIT, null))
			.runs()
			.stream()
			.filter(filter)
			.findFirst()
			.orElse(null);
	}

	private static Object nested(Map<String, Object> map, String... path) {
		Object value = map;
		for (String name : path) {
			if (!(value instanceof Map<?, ?> current)) {
				return null;
			}
			value = current.get(name);
		}
		return value;
	}

	private int count(String name) throws Exception {
		return counters().path("counts").path(name).asInt(0);
	}

	private JsonNode counters() throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(this.js.url("/counters"))).build(),
				HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body());
	}

	private static HttpResponse<String> put(String url) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		JavaFunctions javaFunctions() {
			return new JavaFunctions();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	/**
	 * What a served function invokes {@code java-double} with.
	 *
	 * @param n the number to double
	 * @param key the test's key
	 */
	record Doubling(int n, String key) {

	}

	/**
	 * The application's own functions, which the served ones trigger and are triggered
	 * by.
	 */
	static class JavaFunctions {

		final Set<String> hellos = ConcurrentHashMap.newKeySet();

		/**
		 * The function id of each run ended that the system events told of, by the run's
		 * key.
		 */
		final Map<String, String> ended = new ConcurrentHashMap<>();

		@InngestFunction(id = "java-watch", event = { "inngest/function.failed", "inngest/function.cancelled" })
		void watch(Event event) {
			Object original = event.data().get("event");
			if (original instanceof Map<?, ?> trigger && trigger.get("data") instanceof Map<?, ?> data
					&& data.get("key") instanceof String key) {
				this.ended.put(key, event.name() + " " + event.data().get("function_id"));
			}
		}

		final Set<String> invoked = ConcurrentHashMap.newKeySet();

		@InngestFunction(id = "java-invoked-watch", event = "inngest/function.invoked")
		void invokedWatch(Event event) {
			this.invoked.add(String.valueOf(event.data().get("key")));
		}

		// Bound from the invoked event's data, which has the engine's _inngest besides.
		@InngestFunction(id = "java-double", event = "java/double")
		Map<String, Object> doubled(@EventData Doubling doubling) {
			return Map.of("doubled", doubling.n() * 2);
		}

		@InngestFunction(id = "java-hello", event = "java/hello")
		void hello(Event event) {
			this.hellos.add((String) event.data().get("key"));
		}

		@InngestFunction(id = "java-relay", event = "java/relay")
		List<String> relay(Event event, Step step) {
			return step.sendEvent("to-js", Event.of("js/from-java", Map.of("key", event.data().get("key"))));
		}

	}

}
