package dev.durable.inngest.remote;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.Event;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.testsupport.FakeInngestExecutor;
import dev.durable.inngest.testsupport.FakePlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Call requests answered by {@link RemoteCalls}: the op of each kind of step, errors,
 * replay of the state that grows call after call, and targeted execution.
 */
@ExtendWith(OutputCaptureExtension.class)
class RemoteCallsTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final StepsFunctions functions = new StepsFunctions();

	private final List<Event> sent = new CopyOnWriteArrayList<>();

	private final RemoteCalls calls = calls(new RunPayloads() {

		@Override
		public JsonNode events(String runId) {
			throw new IllegalStateException("not fetched in this test");
		}

		@Override
		public JsonNode steps(String runId) {
			throw new IllegalStateException("not fetched in this test");
		}

	});

	private RemoteCalls calls(RunPayloads payloads) {
		return new RemoteCalls("steps", FunctionConfigsReferenceTests.registry(this.functions), JSON, (events) -> {
			if (events.stream().anyMatch((event) -> event.name().startsWith("inngest/"))) {
				// As the client refuses them before sending.
				throw new InvalidEventException("Event 0: name 'inngest/...' is reserved");
			}
			if (events.stream().anyMatch((event) -> event.name().equals("shop/unreachable"))) {
				throw new IllegalStateException("Event API unreachable");
			}
			this.sent.addAll(events);
			return List.of("01EVT");
		}, payloads, Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC));
	}

	@Test
	void newRunStepIsExecutedAtOnceInDiscovery() {
		Answer answer = call("two-steps", "step", Map.of());
		assertThat(answer.status()).isEqualTo(206);
		assertThat(answer.headers()).doesNotContainKey(RemoteCalls.NO_RETRY);
		assertThat(answer.op()).isEqualTo(json("""
				{"id":"%s","op":"StepRun","name":"first","opts":{},"displayName":"first",
				"userland":{"id":"first"},"data":{"n":4,"label":"one"}}""".formatted(StepIds.hash("first"))));
	}

	@Test
	void stateGrowsCallAfterCallUntilTheFunctionReturns() {
		Map<String, Object> steps = new LinkedHashMap<>();
		Answer first = call("two-steps", "step", steps);
		steps.put(first.op().get("id").asString(), Map.of("data", first.op().get("data")));
		Answer second = call("two-steps", "step", steps);
		assertThat(second.op().get("name").asString()).isEqualTo("second");
		assertThat(second.op().get("id").asString()).isEqualTo(StepIds.hash("second"));
		// The memoized record is read back into its declared type before the second step
		// uses it.
		assertThat(second.op().get("data").asInt()).isEqualTo(5);
		steps.put(second.op().get("id").asString(), Map.of("data", second.op().get("data")));
		Answer done = call("two-steps", "step", steps);
		assertThat(done.status()).isEqualTo(200);
		assertThat(done.json()).isEqualTo(json("{\"first\":{\"n\":4,\"label\":\"one\"},\"second\":5}"));
	}

	@Test
	void repeatedStepIdsInALoopAreNumbered() {
		Map<String, Object> steps = new LinkedHashMap<>();
		String[] keys = { "item", "item:1", "item:2" };
		for (int i = 0; i < keys.length; i++) {
			Answer answer = call("loop", "step", steps);
			JsonNode op = answer.op();
			assertThat(op.get("id").asString()).isEqualTo(StepIds.hash(keys[i]));
			assertThat(op.get("name").asString()).isEqualTo("item");
			assertThat(op.at("/userland/index").isMissingNode()).isEqualTo(i == 0);
			if (i > 0) {
				assertThat(op.at("/userland/index").asInt()).isEqualTo(i);
			}
			steps.put(op.get("id").asString(), Map.of("data", op.get("data")));
		}
		assertThat(call("loop", "step", steps).json().asInt()).isEqualTo(30);
	}

	@Test
	void memoizedDataIsReadIntoTheDeclaredGenericType() {
		Answer answer = call("typed", "step", Map.of(StepIds.hash("orders"),
				Map.of("data", List.of(Map.of("n", 1, "label", "a"), Map.of("n", 2, "label", "b")))));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().asString()).isEqualTo("b2");
	}

	@Test
	void failingStepIsReportedForRetryUntilItsLastAttempt() {
		Answer retry = call("flaky", "step", Map.of(), 0, 3);
		assertThat(retry.status()).isEqualTo(206);
		assertThat(retry.headers()).containsEntry(RemoteCalls.NO_RETRY, "false");
		assertThat(retry.op().get("op").asString()).isEqualTo("StepError");
		assertThat(retry.op().at("/error/name").asString()).isEqualTo("Error");
		assertThat(retry.op().at("/error/message").asString()).isEqualTo("gateway timeout");
		assertThat(retry.op().at("/error/stack").asString()).startsWith("java.lang.RuntimeException: gateway timeout");
		assertThat(retry.op().get("data").isNull()).isTrue();

		Answer last = call("flaky", "step", Map.of(), 2, 3);
		assertThat(last.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(last.op().get("op").asString()).isEqualTo("StepFailed");
		assertThat(last.op().get("data")).isEqualTo(last.op().get("error"));
	}

	@Test
	void stepWithFewerRetriesThanItsFunctionFailsForGoodBeforeThePlatformWould() {
		Answer retry = call("fewer-retries", "step", Map.of(), 0, 5);
		assertThat(retry.headers()).containsEntry(RemoteCalls.NO_RETRY, "false");
		assertThat(retry.op().get("op").asString()).isEqualTo("StepError");
		assertThat(this.functions.context).isEqualTo("charge 0/2");

		Answer last = call("fewer-retries", "step", Map.of(), 1, 5);
		assertThat(last.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(last.op().get("op").asString()).isEqualTo("StepFailed");
		assertThat(last.op().at("/error/message").asString()).isEqualTo("declined");
		assertThat(last.op().get("data")).isEqualTo(last.op().get("error"));
		assertThat(this.functions.context).isEqualTo("charge 1/2");
	}

	@Test
	void stepWithMoreRetriesThanItsFunctionGetsThePlatformsAndIsWarnedOfOnce(CapturedOutput output) {
		Answer retry = call("more-retries", "step", Map.of(), 0, 2);
		assertThat(retry.op().get("op").asString()).isEqualTo("StepError");
		assertThat(this.functions.context).isEqualTo("poll 0/2");
		Answer last = call("more-retries", "step", Map.of(), 1, 2);
		assertThat(last.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(last.op().get("op").asString()).isEqualTo("StepFailed");
		String warning = "Step 'poll' of function 'more-retries' asks for 10 retries, but the platform gives a "
				+ "step no more retries than its function's 1";
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
	}

	@Test
	void stepsOwnBackoffIsAskedForWithRetryAfter() {
		Answer first = call("own-backoff", "step", Map.of(), 0, 6);
		assertThat(first.op().get("op").asString()).isEqualTo("StepError");
		assertThat(first.headers()).containsEntry(RemoteCalls.NO_RETRY, "false").containsEntry("Retry-After", "10");
		assertThat(call("own-backoff", "step", Map.of(), 1, 6).headers()).containsEntry("Retry-After", "20");
		assertThat(call("own-backoff", "step", Map.of(), 3, 6).headers()).containsEntry("Retry-After", "25");
		Answer last = call("own-backoff", "step", Map.of(), 5, 6);
		assertThat(last.op().get("op").asString()).isEqualTo("StepFailed");
		assertThat(last.headers()).doesNotContainKey("Retry-After");
	}

	@Test
	void retryAfterExceptionWinsOverTheStepsOwnBackoff() {
		CallResponse response = this.calls.call(request("steps-own-backoff", "step",
				body(0, 6, Map.of(), false).replace("\"n\":4", "\"later\":true,\"n\":4")));
		assertThat(response.status()).as(response.body()).isEqualTo(206);
		assertThat(response.headers()).containsEntry("Retry-After", "3");
	}

	@Test
	void retryAfterIsWholeSecondsFromOneSecondToOneDay() {
		assertThat(RemoteCalls.seconds(Duration.ofMillis(1))).isEqualTo("1");
		assertThat(RemoteCalls.seconds(Duration.ofMillis(2001))).isEqualTo("3");
		assertThat(RemoteCalls.seconds(Duration.ofHours(24))).isEqualTo("86400");
		assertThat(RemoteCalls.seconds(Duration.ofDays(200))).isEqualTo("86400");
	}

	@Test
	void platformStopsRetryingAStepWhenItsOwnBudgetIsSpent() throws Exception {
		HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		app.createContext("/api/inngest", (exchange) -> {
			Map<String, String> query = new LinkedHashMap<>();
			for (String pair : exchange.getRequestURI().getQuery().split("&")) {
				String[] parts = pair.split("=", 2);
				query.put(parts[0], parts[1]);
			}
			CallResponse response = this.calls.call(
					new CallRequest(query.get("fnId"), query.get("stepId"), exchange.getRequestBody().readAllBytes()));
			response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
			exchange.getResponseHeaders().add("X-Inngest-SDK", "test:v0.0.0");
			byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(response.status(), bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		app.start();
		try {
			String url = "http://127.0.0.1:" + app.getAddress().getPort() + "/api/inngest";
			// Registered with the function's default retries, four.
			JsonNode registered = JSON.valueToTree(Map.of("functions", List.of(Map.of("id", "steps-fewer-retries",
					"steps",
					Map.of("step", Map.of("runtime", Map.of("url", url + "?fnId=steps-fewer-retries&stepId=step")))))));
			FakeInngestExecutor executor = new FakeInngestExecutor(url, null, Clock.systemUTC())
				.useRegistered(registered);
			FakeInngestExecutor.Run run = executor.run("steps-fewer-retries", Map.of("name", "t/go"));
			assertThat(run.outcome()).isEqualTo(FakeInngestExecutor.Outcome.FAILED);
			assertThat(run.ops()).extracting((op) -> op.get("op").asString())
				.containsExactly("StepError", "StepFailed");
			assertThat(run.retries()).isEqualTo(1);
			assertThat(run.result().get("message").asString()).isEqualTo("declined");
			assertThat(this.functions.context).isEqualTo("charge 1/2");
		}
		finally {
			app.stop(0);
		}
	}

	@Test
	void nonRetriableExceptionInAStepFailsItAtOnce() {
		Answer answer = call("step-for-good", "step", Map.of(), 0, 5);
		assertThat(answer.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(answer.op().get("op").asString()).isEqualTo("StepFailed");
		assertThat(answer.op().at("/error/name").asString()).isEqualTo("NonRetriableError");
		assertThat(answer.op().at("/error/message").asString()).isEqualTo("invalid card");
	}

	@Test
	void stepThatFailedForGoodFailsTheRunWhenUncaught() {
		Answer answer = call("flaky", "step", Map.of(StepIds.hash("charge"),
				Map.of("error", Map.of("name", "Error", "message", "gateway timeout", "stack", "at charge"))));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(answer.json())
			.isEqualTo(json("{\"name\":\"Error\",\"message\":\"gateway timeout\",\"stack\":\"at charge\"}"));
	}

	@Test
	void stepThatFailedForGoodFailsTheRunWithItsErrorAsSentItsCauseIncluded() {
		Map<String, Object> error = Map.of("name", "Error", "message", "gateway timeout", "stack", "at charge", "cause",
				Map.of("name", "SocketTimeoutException", "message", "read timed out"));
		Answer answer = call("flaky", "step", Map.of(StepIds.hash("charge"), Map.of("error", error)));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.json()).isEqualTo(JSON.valueToTree(error));
	}

	@Test
	void stepThatFailedForGoodCanBeCaughtAndCompensated() {
		Answer answer = call("compensate", "step",
				Map.of(StepIds.hash("charge"), Map.of("error", Map.of("name", "Error", "message", "declined"))));
		assertThat(answer.op().get("name").asString()).isEqualTo("refund");
		assertThat(answer.op().get("data").asString()).isEqualTo("refunded after declined");
	}

	@Test
	void sleepIsReportedWithItsDurationAndReplayedAsDone() {
		Answer answer = call("sleeper", "step", Map.of());
		assertThat(answer.op()).isEqualTo(json("""
				{"id":"%s","op":"Sleep","name":"1h30m","opts":{},"displayName":"nap","userland":{"id":"nap"},
				"data":null}""".formatted(StepIds.hash("nap"))));
		Map<String, Object> slept = new LinkedHashMap<>();
		slept.put(StepIds.hash("nap"), null);
		assertThat(call("sleeper", "step", slept).json().asString()).isEqualTo("woke");
		assertThat(call("until", "step", Map.of()).op().get("name").asString()).isEqualTo("2027-01-02T03:04:05.000Z");
	}

	@Test
	void waitForEventIsReportedWithItsExpressionAndReplayedWithTheEvent() {
		Answer first = call("waiter", "step", Map.of());
		assertThat(first.op()).isEqualTo(json("""
				{"id":"%s","op":"WaitForEvent","name":"shop/paid","opts":{"timeout":"2d",
				"if":"event.data.id == async.data.id"},"displayName":"wait-pay","userland":{"id":"wait-pay"},
				"data":null}""".formatted(StepIds.hash("wait-pay"))));
		Map<String, Object> steps = new LinkedHashMap<>();
		steps.put(StepIds.hash("wait-pay"),
				Map.of("name", "shop/paid", "data", Map.of("id", "A1", "amount", 5), "user", Map.of(), "ts", 1));
		Answer second = call("waiter", "step", steps);
		assertThat(second.op().get("opts")).isEqualTo(json("{\"timeout\":\"1h\",\"if\":\"async.data.ok == true\"}"));
		steps.put(StepIds.hash("wait-ship"), null);
		assertThat(call("waiter", "step", steps).json())
			.isEqualTo(json("{\"paid\":{\"id\":\"A1\",\"amount\":5},\"shipped\":false}"));
	}

	@Test
	void functionErrorsAreMappedToStatusAndRetryHeaders() {
		Answer retriable = call("fails", "step", Map.of());
		assertThat(retriable.status()).isEqualTo(500);
		assertThat(retriable.headers()).containsExactlyEntriesOf(Map.of(RemoteCalls.NO_RETRY, "false"));
		assertThat(retriable.json().get("name").asString()).isEqualTo("Error");
		assertThat(retriable.json().get("message").asString()).isEqualTo("broken func");

		Answer lastAttempt = call("fails", "step", Map.of(), 2, 3);
		assertThat(lastAttempt.status()).isEqualTo(400);
		assertThat(lastAttempt.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");

		Answer permanent = call("fails-for-good", "step", Map.of());
		assertThat(permanent.status()).isEqualTo(400);
		assertThat(permanent.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(permanent.json().get("name").asString()).isEqualTo("NonRetriableError");

		Answer later = call("later", "step", Map.of());
		assertThat(later.status()).isEqualTo(500);
		assertThat(later.headers()).containsEntry(RemoteCalls.NO_RETRY, "false").containsEntry("Retry-After", "30");
		assertThat(later.json().get("name").asString()).isEqualTo("RetryAfterError");
	}

	@Test
	void newRunStepIsOnlyPlannedWhenImmediateExecutionIsDisabled() {
		Answer answer = call("two-steps", "step", Map.of(), 0, 5, true);
		assertThat(answer.op()).isEqualTo(json("""
				{"id":"%s","op":"StepPlanned","name":"first","opts":{},"displayName":"first",
				"userland":{"id":"first"},"data":null}""".formatted(StepIds.hash("first"))));
	}

	@Test
	void aStepWhoseStateIsOnlyAnInputIsExecutedNotReplayed() {
		// A run rerun from a step with its input edited in the dashboard: the platform
		// sends the step as {"input": ...}, outside the stack of completed steps, and the
		// official SDK runs it rather than take it for done.
		Answer answer = callWithFirstStep((state) -> state.putArray("input").add(7));
		assertThat(answer.op().get("op").asString()).isEqualTo("StepRun");
		assertThat(answer.op().get("id").asString()).isEqualTo(StepIds.hash("first"));
		assertThat(answer.op().get("data")).isEqualTo(json("{\"n\":4,\"label\":\"one\"}"));
	}

	@Test
	void aStepWhoseStateIsATypedInputIsExecutedNotReplayed() {
		Answer answer = callWithFirstStep((state) -> state.put("type", "input").putArray("input").add(7));
		assertThat(answer.op().get("op").asString()).isEqualTo("StepRun");
		assertThat(answer.op().get("id").asString()).isEqualTo(StepIds.hash("first"));
	}

	@Test
	void aStepStateThatIsTypedOrNotWrappedIsReplayedAsItsData() {
		// As the official SDK reads a step's state: {"type": "data", "data": ...}, or a
		// value of no kind, which is the data whole.
		Map<String, Object> first = Map.of("n", 4, "label", "one");
		for (Object state : List.of(Map.of("type", "data", "data", first), first)) {
			Answer answer = call("two-steps", StepIds.hash("second"), Map.of(StepIds.hash("first"), state), 0, 5, true);
			assertThat(answer.op().get("op").asString()).as("%s", state).isEqualTo("StepRun");
			assertThat(answer.op().get("data").asInt()).as("%s", state).isEqualTo(5);
		}
	}

	/** A discovery call of {@code two-steps} whose first step has the state given. */
	private Answer callWithFirstStep(Consumer<ObjectNode> state) {
		ObjectNode body = (ObjectNode) json(body(0, 5, Map.of(), false));
		state.accept(body.putObject("steps").putObject(StepIds.hash("first")));
		CallResponse response = this.calls.call(request("steps-two-steps", "step", JSON.writeValueAsString(body)));
		return new Answer(response.status(), response.headers(), json(response.body()));
	}

	@Test
	void targetedRequestExecutesOnlyItsStep() {
		Map<String, Object> steps = Map.of(StepIds.hash("first"), Map.of("data", Map.of("n", 4, "label", "one")));
		Answer answer = call("two-steps", StepIds.hash("second"), steps, 0, 5, true);
		assertThat(answer.op().get("op").asString()).isEqualTo("StepRun");
		assertThat(answer.op().get("data").asInt()).isEqualTo(5);

		Answer unreachable = call("two-steps", StepIds.hash("second"), Map.of(), 0, 5, true);
		assertThat(unreachable.status()).isEqualTo(500);
		assertThat(unreachable.headers()).containsEntry(RemoteCalls.NO_RETRY, "false");
		assertThat(unreachable.json().get("requestedStep").asString()).isEqualTo(StepIds.hash("second"));
		assertThat(unreachable.json().at("/foundSteps/0/id").asString()).isEqualTo(StepIds.hash("first"));
	}

	@Test
	void sendEventIsExecutedAsAStepAndReplayedAsItsIds() {
		Answer answer = call("sender", "step", Map.of());
		assertThat(answer.op()).isEqualTo(json("""
				{"id":"%s","op":"StepRun","name":"sendEvent","opts":{"type":"step.sendEvent"},"displayName":"notify",
				"userland":{"id":"notify"},"data":{"ids":["01EVT"]}}""".formatted(StepIds.hash("notify"))));
		assertThat(this.sent).extracting(Event::name).containsExactly("shop/notified");
		Answer done = call("sender", "step",
				Map.of(StepIds.hash("notify"), Map.of("data", Map.of("ids", List.of("E1")))));
		assertThat(done.json()).isEqualTo(json("[\"E1\"]"));
	}

	@Test
	void sendEventOfARefusedEventFailsForGoodAtOnceAndOneThatCannotBeSentIsRetried() {
		Answer refused = call("refused-sender", "step", Map.of(), 0, 3);
		assertThat(refused.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(refused.op().get("op").asString()).isEqualTo("StepFailed");
		assertThat(refused.op().at("/error/name").asString()).isEqualTo("NonRetriableError");
		assertThat(refused.op().at("/error/message").asString())
			.isEqualTo("Step 'notify' sends an event that is refused: Event 0: name 'inngest/...' is reserved");

		Answer unreachable = call("unreachable-sender", "step", Map.of(), 0, 3);
		assertThat(unreachable.headers()).containsEntry(RemoteCalls.NO_RETRY, "false");
		assertThat(unreachable.op().get("op").asString()).isEqualTo("StepError");
		assertThat(unreachable.op().at("/error/message").asString()).isEqualTo("Event API unreachable");
		assertThat(this.sent).isEmpty();
	}

	@Test
	void aStepCalledWithArgumentsNoAttemptCouldTakeFailsTheRunForGoodAtOnce() {
		Answer answer = call("too-long-sleep", "step", Map.of(), 0, 3);
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(answer.json().get("message").asString())
			.isEqualTo("Step 'nap': a sleep of PT8808H is longer than the longest allowed, 366 days");
	}

	@Test
	void bodyTheJsonReaderRefusesIsRefusedForGoodBeforeTheFunctionRuns() {
		String nested = "{\"a\":".repeat(600) + "1" + "}".repeat(600);
		CallResponse response = this.calls.call(request("steps-fails", "step", nested));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(json(response.body()).get("error").asString()).startsWith("The call request's body is not JSON");
	}

	@Test
	void bodyThatIsJsonButNotAnObjectIsRefusedForGoodBeforeTheFunctionRuns() {
		CallResponse response = this.calls.call(request("steps-fails", "step", "[]"));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(json(response.body()).get("error").asString())
			.isEqualTo("The call request's body is JSON but not an object: ARRAY");
		CallResponse empty = this.calls.call(request("steps-fails", "step", ""));
		assertThat(empty.status()).isEqualTo(400);
		assertThat(json(empty.body()).get("error").asString()).isEqualTo("The call request's body is empty");
	}

	@Test
	void functionIsFoundByCompositeOrBareIdAndNamedWhenNotFound() {
		assertThat(this.calls.call(request("two-steps", "step", body(0, 3, Map.of(), false))).status()).isEqualTo(206);
		CallResponse missing = this.calls.call(request("steps-nope", "step", body(0, 3, Map.of(), false)));
		assertThat(missing.status()).isEqualTo(500);
		assertThat(json(missing.body()).get("message").asString()).contains("\"steps-nope\"");
	}

	@Test
	void failureHandlerIsCalledWithTheFailedRunFromThePlatformsEvent() {
		Map<String, Object> failed = Map.of("name", "inngest/function.failed", "data",
				Map.of("function_id", "steps-fails", "run_id", "01FAILED", "error",
						Map.of("name", "Error", "message", "broken func"), "event",
						Map.of("name", "t/go", "data", Map.of("id", "A1"), "user", Map.of(), "ts", 1)),
				"user", Map.of(), "ts", 2);
		ObjectNode body = (ObjectNode) json(body(0, 2, Map.of(), false));
		body.set("event", JSON.valueToTree(failed));
		body.set("events", JSON.createArrayNode().add(JSON.valueToTree(failed)));
		CallResponse response = this.calls.call(new CallRequest("steps-fails-failure", "step",
				CanonicalJson.canonicalize(JSON.writeValueAsBytes(body))));
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(json(response.body()).asString()).isEqualTo("steps-fails 01FAILED broken func A1");
	}

	@Test
	void failureHandlerFailsWithoutRetriesNamingTheFieldThePlatformsEventLacks() {
		Map<String, Object> failed = Map.of("name", "inngest/function.failed", "id", "01SYSTEM", "data",
				Map.of("run_id", "01FAILED", "error", Map.of("name", "Error", "message", "broken func"), "event",
						Map.of("name", "t/go", "data", Map.of("id", "A1"), "user", Map.of(), "ts", 1)),
				"user", Map.of(), "ts", 2);
		ObjectNode body = (ObjectNode) json(body(0, 2, Map.of(), false));
		body.set("event", JSON.valueToTree(failed));
		body.set("events", JSON.createArrayNode().add(JSON.valueToTree(failed)));
		CallResponse response = this.calls.call(new CallRequest("steps-fails-failure", "step",
				CanonicalJson.canonicalize(JSON.writeValueAsBytes(body))));
		assertThat(response.status()).as(response.body()).isEqualTo(400);
		assertThat(response.headers()).containsEntry(RemoteCalls.NO_RETRY, "true");
		assertThat(json(response.body()).get("message").asString())
			.isEqualTo("The inngest/function.failed event '01SYSTEM' has no function_id in its data, which every "
					+ "inngest/function.failed system event carries; it cannot be read as one");
	}

	@Test
	void cancellationHandlerIsCalledWithTheCancelledRunFromThePlatformsEvent() {
		RemoteCalls calls = new RemoteCalls("steps", FunctionConfigsReferenceTests.registry(new CleanUpFunctions()),
				JSON, (events) -> List.of(), null, Clock.systemUTC());
		Map<String, Object> cancelled = Map.of("name", "inngest/function.cancelled", "data",
				Map.of("function_id", "steps-reserve", "run_id", "01CANCELLED", "error",
						Map.of("name", "Error", "message", "function cancelled"), "event",
						Map.of("name", "t/reserve", "data", Map.of("id", "R1"), "user", Map.of(), "ts", 1)),
				"user", Map.of(), "ts", 2);
		ObjectNode body = (ObjectNode) json(body(0, 2, Map.of(), false));
		body.set("event", JSON.valueToTree(cancelled));
		body.set("events", JSON.createArrayNode().add(JSON.valueToTree(cancelled)));
		CallResponse response = calls.call(new CallRequest("steps-reserve-cancel", "step",
				CanonicalJson.canonicalize(JSON.writeValueAsBytes(body))));
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		// The platform's event does not say what cancelled the run.
		assertThat(json(response.body()).asString()).isEqualTo("steps-reserve 01CANCELLED R1 null");
	}

	@Test
	void runContextComesFromTheRequest() {
		call("context", "step", Map.of(), 2, 6);
		assertThat(this.functions.context).isEqualTo("01RUN context 2/6");
		ObjectNode body = (ObjectNode) json(body(1, 6, Map.of(), false));
		((ObjectNode) body.get("ctx")).remove("max_attempts");
		body.put("unknown", "ignored");
		((ObjectNode) body.get("ctx")).put("fn_id", "0b6c3f3e-uuid");
		this.calls.call(new CallRequest("steps-context", "step", JSON.writeValueAsBytes(body)));
		assertThat(this.functions.context).isEqualTo("01RUN context 1/6");
	}

	@Test
	void stepIsReportedEvenIfTheBodyCatchesWhatStopsIt() {
		Answer answer = call("swallows", "step", Map.of());
		assertThat(answer.status()).isEqualTo(206);
		assertThat(answer.op().get("name").asString()).isEqualTo("first");
		Answer wrapped = call("wraps", "step", Map.of());
		assertThat(wrapped.op().get("op").asString()).isEqualTo("StepRun");
	}

	@Test
	void largePayloadsAreFetchedFromTheBranchEnvironmentsApiWithTheFallbackKey() {
		SigningKey primary = SigningKey.of("signkey-test-00aa");
		SigningKey fallback = SigningKey.of("signkey-test-11bb");
		try (FakePlatform api = FakePlatform.start()
			.acceptPayloadRequestsOnlyWith("Bearer " + fallback.bearerToken())) {
			api.holdRun("01RUN", JSON.readTree("[{\"name\":\"t/go\",\"data\":{\"n\":41,\"id\":\"A1\"},\"user\":{}}]"),
					JSON.readTree("{\"" + StepIds.hash("first") + "\":{\"data\":{\"n\":41,\"label\":\"big\"}}}"));
			String origin = api.origin();
			RemoteCalls calls = calls(new HttpRunPayloads(RestClient.create(), origin, primary, fallback, "feature-x"));
			ObjectNode body = (ObjectNode) json(body(0, 3, Map.of(), false));
			body.putArray("events");
			body.put("use_api", true);
			CallResponse response = calls
				.call(new CallRequest("steps-two-steps", "step", JSON.writeValueAsBytes(body)));
			JsonNode op = json(response.body()).get(0);
			assertThat(op.get("name").asString()).isEqualTo("second");
			assertThat(op.get("data").asInt()).isEqualTo(42);
			assertThat(api.payloadRequests()).contains(
					"/v0/runs/01RUN/batch Bearer " + primary.bearerToken() + " env=feature-x",
					"/v0/runs/01RUN/batch Bearer " + fallback.bearerToken() + " env=feature-x",
					"/v0/runs/01RUN/actions Bearer " + fallback.bearerToken() + " env=feature-x");

			RemoteCalls rejected = calls(new HttpRunPayloads(RestClient.create(), origin, primary, null, null));
			CallResponse failed = rejected
				.call(new CallRequest("steps-two-steps", "step", JSON.writeValueAsBytes(body)));
			assertThat(failed.status()).isEqualTo(500);
			assertThat(failed.headers()).containsEntry(RemoteCalls.NO_RETRY, "false");
			assertThat(json(failed.body()).get("message").asString()).contains("401");
		}
	}

	@Test
	void withoutASigningKeyLargePayloadsAreFetchedWithoutAuthorization() {
		try (FakePlatform api = FakePlatform.start()) {
			api.holdRun("01RUN", JSON.readTree("[{\"name\":\"t/go\",\"data\":{\"n\":1,\"id\":\"A1\"},\"user\":{}}]"),
					JSON.readTree("{}"));
			// As against a dev server started without keys.
			String origin = api.origin();
			RemoteCalls calls = calls(new HttpRunPayloads(RestClient.create(), origin, null, null, null));
			ObjectNode body = (ObjectNode) json(body(0, 3, Map.of(), false));
			body.putArray("events");
			body.put("use_api", true);
			CallResponse response = calls
				.call(new CallRequest("steps-two-steps", "step", JSON.writeValueAsBytes(body)));
			assertThat(json(response.body()).get(0).get("name").asString()).isEqualTo("first");
			assertThat(api.payloadRequests()).containsExactly("/v0/runs/01RUN/batch null",
					"/v0/runs/01RUN/actions null");
		}
	}

	private Answer call(String function, String stepId, Map<String, Object> steps) {
		return call(function, stepId, steps, 0, 3);
	}

	private Answer call(String function, String stepId, Map<String, Object> steps, int attempt, int maxAttempts) {
		return call(function, stepId, steps, attempt, maxAttempts, false);
	}

	private Answer call(String function, String stepId, Map<String, Object> steps, int attempt, int maxAttempts,
			boolean planOnly) {
		CallResponse response = this.calls
			.call(request("steps-" + function, stepId, body(attempt, maxAttempts, steps, planOnly)));
		return new Answer(response.status(), response.headers(), json(response.body()));
	}

	private static CallRequest request(String function, String stepId, String body) {
		return new CallRequest(function, stepId, body.getBytes(StandardCharsets.UTF_8));
	}

	/** A call request's body, as the platform sends it. */
	static String body(int attempt, int maxAttempts, Map<String, Object> steps, boolean planOnly) {
		Map<String, Object> event = Map.of("name", "t/go", "data", Map.of("n", 4, "id", "A1"), "user", Map.of());
		Map<String, Object> ctx = new LinkedHashMap<>();
		ctx.put("run_id", "01RUN");
		ctx.put("attempt", attempt);
		ctx.put("max_attempts", maxAttempts);
		ctx.put("stack", Map.of("stack", List.copyOf(steps.keySet()), "current", steps.size()));
		ctx.put("disable_immediate_execution", planOnly);
		ctx.put("use_api", false);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("event", event);
		body.put("events", List.of(event));
		body.put("steps", steps);
		body.put("ctx", ctx);
		body.put("version", -1);
		return new String(CanonicalJson.canonicalize(JSON.writeValueAsBytes(body)), StandardCharsets.UTF_8);
	}

	private static JsonNode json(String json) {
		return JSON.readTree(json);
	}

	record Answer(int status, Map<String, String> headers, JsonNode json) {

		JsonNode op() {
			assertThat(this.status).as(this.json.toString()).isEqualTo(206);
			assertThat(this.json.size()).isEqualTo(1);
			return this.json.get(0);
		}

	}

	static class CleanUpFunctions {

		@InngestFunction(id = "reserve", event = "t/reserve")
		String reserve() {
			return "reserved";
		}

		@OnCancel
		String release(FunctionCancelledEvent cancelled) {
			return cancelled.functionId() + " " + cancelled.runId() + " " + cancelled.originalEvent().data().get("id")
					+ " " + cancelled.cause();
		}

	}

}
