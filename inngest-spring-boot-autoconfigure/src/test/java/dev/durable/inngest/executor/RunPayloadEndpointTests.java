package dev.durable.inngest.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import dev.durable.inngest.testsupport.FakeServedApp;
import dev.durable.inngest.testsupport.FakeServedApp.Reply;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
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
import static org.awaitility.Awaitility.await;

/**
 * A call too large to carry the run's events and steps, over real HTTP from an app
 * scripted by the test: it goes with {@code use_api} and without them, as Inngest sends
 * it, and the run payload API answers the app exactly what the call would have carried,
 * to the executor's signing key only and for the runs of served functions only.
 */
@SpringBootTest(classes = RunPayloadEndpointTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.executor.enabled=true", "inngest.executor.signing-key=" + RunPayloadEndpointTests.KEY,
				"inngest.executor.max-call-payload=8KB" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunPayloadEndpointTests {

	static final String KEY = "signkey-test-7b1d3f5a9c2e4b6d8f0a1c3e5b7d9f2a";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** What each step returns: one alone fits in a call, both do not. */
	private static final String A = "a".repeat(5000);

	private static final String B = "b".repeat(5000);

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	private FakeServedApp app;

	private HttpApiClient http;

	private String token;

	@BeforeAll
	void syncApp() {
		this.app = new FakeServedApp(SigningKey.of(KEY)).function("large", "payload/large", 0, (n) -> switch (n) {
			case 0 -> Reply.stepRun("a", "a", "\"" + A + "\"");
			case 1 -> Reply.stepRun("b", "b", "\"" + B + "\"");
			default -> Reply.ops("[{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("nap")
					+ "\",\"name\":\"1h\",\"displayName\":\"nap\",\"opts\":{\"duration\":\"1h\"}}]");
		});
		this.app.sync(this.port, "payload");
		this.http = new HttpApiClient(this.port);
		this.token = "Bearer " + SigningKey.of(KEY).bearerToken();
		this.inngest.send(Event.of("payload/large", Map.of("order", "A-1")));
	}

	@AfterAll
	void stopApp() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void aCallOverTheLimitGoesWithUseApiAndWithoutEventsAndSteps() {
		List<JsonNode> calls = calls();
		assertThat(calls).extracting((call) -> call.path("use_api").asBoolean()).containsExactly(false, false, true);
		assertThat(calls).extracting((call) -> call.path("ctx").path("use_api").asBoolean())
			.containsExactly(false, false, true);
		JsonNode trimmed = calls.get(2);
		assertThat(trimmed.get("events").isArray()).isTrue();
		assertThat(trimmed.get("events")).isEmpty();
		assertThat(trimmed.get("steps").isObject()).isTrue();
		assertThat(trimmed.get("steps")).isEmpty();
		// What the SDK needs besides stays: the event, the stack, the attempt.
		assertThat(trimmed.get("event")).isEqualTo(calls.get(1).get("event"));
		assertThat(trimmed.path("ctx").path("stack").path("stack")).extracting(JsonNode::asString)
			.containsExactly(StepIds.hash("a"), StepIds.hash("b"));
		assertThat(trimmed.path("ctx").path("stack").path("current").asInt()).isEqualTo(2);
		assertThat(trimmed.path("ctx").path("step_id").asString()).isEqualTo("step");
	}

	@Test
	void theActionsAreTheStepsTheCallWouldHaveCarried() {
		String runId = sleepingRun().id();
		Answer answer = this.http.call("GET", "/v0/runs/" + runId + "/actions", this.token, null);
		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		assertThat(answer.header("Content-Type")).startsWith("application/json");
		JsonNode steps = answer.json();
		assertThat(steps.propertyNames()).containsExactly(StepIds.hash("a"), StepIds.hash("b"));
		assertThat(steps.get(StepIds.hash("a"))).isEqualTo(JSON.readTree("{\"data\":\"" + A + "\"}"));
		assertThat(steps.get(StepIds.hash("b"))).isEqualTo(JSON.readTree("{\"data\":\"" + B + "\"}"));
		// The same memo the call before carried, when it still fitted.
		assertThat(steps.get(StepIds.hash("a"))).isEqualTo(calls().get(1).get("steps").get(StepIds.hash("a")));
	}

	@Test
	void theBatchIsTheEventsTheCallWouldHaveCarried() {
		String runId = sleepingRun().id();
		Answer answer = this.http.call("GET", "/v0/runs/" + runId + "/batch", this.token, null);
		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		assertThat(answer.json()).isEqualTo(calls().get(1).get("events"));
		assertThat(answer.json()).hasSize(1);
		assertThat(answer.json().get(0).path("data").path("order").asString()).isEqualTo("A-1");
		assertThat(answer.json().get(0).path("name").asString()).isEqualTo("payload/large");
	}

	@Test
	void theSigningKeyAsConfiguredIsAcceptedToo() {
		String runId = sleepingRun().id();
		assertThat(this.http.call("GET", "/v0/runs/" + runId + "/batch", "Bearer " + KEY, null).status())
			.isEqualTo(200);
	}

	@Test
	void anotherKeyOrNoneIsRefused() {
		String runId = sleepingRun().id();
		String other = "Bearer " + SigningKey.of("signkey-test-0000000000000000000000000000000a").bearerToken();
		for (String path : List.of("/batch", "/actions")) {
			for (String authorization : new String[] { null, other, "Basic " + KEY, "Bearer " }) {
				Answer answer = this.http.call("GET", "/v0/runs/" + runId + path, authorization, null);
				assertThat(answer.status()).as(path + " with " + authorization).isEqualTo(401);
				assertThat(answer.json().path("status").asInt()).isEqualTo(401);
				assertThat(answer.body()).doesNotContain(A).doesNotContain("A-1");
			}
		}
	}

	@Test
	void anUnknownRunIsNotFound() {
		Answer answer = this.http.call("GET", "/v0/runs/01JGZ0000000000000000NONE/actions", this.token, null);
		assertThat(answer.status()).isEqualTo(404);
		assertThat(answer.json().path("status").asInt()).isEqualTo(404);
		assertThat(answer.json().path("error").asString()).contains("01JGZ0000000000000000NONE");
	}

	@Test
	void aJavaFunctionsRunIsNotAnswered() {
		this.inngest.send(Event.of("payload/java", Map.of("secret", "kept")));
		RunView run = await().atMost(WAIT).until(() -> first("java-payload"), (view) -> view != null);
		for (String path : List.of("/batch", "/actions")) {
			Answer answer = this.http.call("GET", "/v0/runs/" + run.id() + path, this.token, null);
			assertThat(answer.status()).as(path).isEqualTo(404);
			assertThat(answer.json().path("error").asString()).contains(run.id());
			assertThat(answer.body()).doesNotContain("kept");
		}
	}

	private RunView sleepingRun() {
		return await().atMost(WAIT)
			.until(() -> first("large"), (view) -> view != null && view.status() == RunStatus.SLEEPING);
	}

	private List<JsonNode> calls() {
		sleepingRun();
		return new ArrayList<>(this.app.calls("large"));
	}

	private RunView first(String functionId) {
		return this.runs.list(new RunQuery(functionId, null, null, null, RunQuery.MAX_LIMIT, null))
			.runs()
			.stream()
			.findFirst()
			.orElse(null);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		JavaFunction javaFunction() {
			return new JavaFunction();
		}

	}

	static class JavaFunction {

		@InngestFunction(id = "java-payload", event = "payload/java")
		String run(Event event) {
			return "done";
		}

	}

}
