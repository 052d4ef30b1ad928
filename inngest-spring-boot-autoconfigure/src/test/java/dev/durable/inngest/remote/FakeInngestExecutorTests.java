package dev.durable.inngest.remote;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.remote.app.RecordingCallHandler;
import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakeInngestExecutor;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Exchange;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Outcome;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Run;
import dev.durable.inngest.testsupport.FakePlatform;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fake executor drives the serve endpoint through whole runs as the platform would:
 * synced in band or out of band, then signed call requests whose state grows step by
 * step. With the recording call handler it exercises the endpoint; with the real call
 * handler, the same fake drives real functions.
 */
@ServeEndpointTest
class FakeInngestExecutorTests {

	static final SigningKey KEY = SigningKey.of(RemoteTestApplication.SIGNING_KEY);

	@LocalServerPort
	int port;

	@Autowired
	RecordingCallHandler handler;

	@Autowired
	FakePlatform platform;

	@BeforeEach
	void forget() {
		this.handler.clear();
	}

	private FakeInngestExecutor executor() {
		return new FakeInngestExecutor("http://localhost:" + this.port + "/api/inngest", KEY, Clock.systemUTC());
	}

	@Test
	void aRunGoesThroughItsStepAndSleepToItsOutput() {
		FakeInngestExecutor executor = executor();
		assertThat(executor.syncInBand().status()).isEqualTo(200);
		Run run = executor.run("greet", Map.of("name", "test/greet", "data", Map.of("who", "ada")));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.result().toString()).isEqualTo("{\"done\":true,\"first\":\"one\"}");
		assertThat(run.ops()).extracting((op) -> op.get("op").asString()).containsExactly("StepRun", "Sleep");
		assertThat(run.sleeps()).containsExactly("1h");
		assertThat(run.steps().get(StepIds.hash("first step")).toString()).isEqualTo("{\"data\":\"one\"}");
		assertThat(run.steps().get(StepIds.hash("nap")).isNull()).isTrue();
		assertThat(run.retries()).isZero();
		assertThat(run.exchanges()).hasSize(3).allSatisfy((exchange) -> {
			assertThat(exchange.header("X-Inngest-SDK")).isNotNull();
			assertThat(exchange.header("X-Inngest-Signature")).isNotNull();
		});
		// The state grows with each request: nothing, the step, the step and the sleep.
		List<JsonNode> sent = this.handler.requests()
			.stream()
			.map((request) -> JsonMapper.shared().readTree(request.body()))
			.toList();
		assertThat(sent).extracting((body) -> body.get("steps").size()).containsExactly(0, 1, 2);
		assertThat(sent).extracting((body) -> body.at("/ctx/stack/current").asInt()).containsExactly(0, 1, 2);
		assertThat(sent).extracting((body) -> body.get("version").asInt()).containsExactly(-1, 2, 2);
		assertThat(sent.get(0).at("/event/data/who").asString()).isEqualTo("ada");
		assertThat(this.handler.requests())
			.allSatisfy((request) -> assertThat(request.functionId()).isEqualTo("orders-greet"));
	}

	@Test
	void aStepErrorIsRetriedInATargetedRequestWithTheNextAttempt() {
		FakeInngestExecutor executor = executor();
		executor.syncInBand();
		Run run = executor.run("orders-greet", Map.of("name", "test/greet", "data", Map.of("flaky", true)));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.retries()).isEqualTo(1);
		assertThat(run.ops()).extracting((op) -> op.get("op").asString())
			.containsExactly("StepError", "StepRun", "Sleep");
		assertThat(this.handler.requests().get(1).stepId()).isEqualTo(StepIds.hash("first step"));
		JsonNode retried = JsonMapper.shared().readTree(this.handler.requests().get(1).body());
		assertThat(retried.at("/ctx/attempt").asInt()).isEqualTo(1);
		assertThat(retried.at("/ctx/max_attempts").asInt()).isEqualTo(3);
	}

	@Test
	void aWaitIsAnsweredWithTheEventTheTestChooses() {
		FakeInngestExecutor executor = executor().answeringWaits((op) -> {
			assertThat(op.at("/opts/event").asString()).isEqualTo("test/approved");
			return JsonMapper.shared().valueToTree(Map.of("name", "test/approved", "data", Map.of("by", "ana")));
		});
		executor.syncInBand();
		Run run = executor.run("greet", Map.of("name", "test/greet", "data", Map.of("wait", true)));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.result().toString()).isEqualTo("{\"approvedBy\":\"ana\"}");
		assertThat(run.ops()).extracting((op) -> op.get("op").asString())
			.containsExactly("StepRun", "Sleep", "WaitForEvent");
	}

	@Test
	void aWaitThatTimesOutIsMemoizedAsNull() {
		FakeInngestExecutor executor = executor();
		executor.syncInBand();
		Run run = executor.run("greet", Map.of("name", "test/greet", "data", Map.of("wait", true)));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.steps().get(StepIds.hash("approval")).isNull()).isTrue();
		assertThat(run.result().toString()).isEqualTo("{\"approvedBy\":null}");
	}

	@Test
	void aNonRetriableFailureEndsTheRunAtOnce() {
		FakeInngestExecutor executor = executor();
		executor.syncInBand();
		Run run = executor.run("greet", Map.of("name", "test/fatal"));
		assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(run.exchanges()).hasSize(1);
		assertThat(run.result().get("name").asString()).isEqualTo("NonRetriableException");
	}

	@Test
	void aFailingRequestIsRetriedUntilTheAttemptsRunOut() {
		FakeInngestExecutor executor = executor();
		executor.syncInBand();
		Run run = executor.run("greet", Map.of("name", "test/boom"));
		assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
		// Retries(2): three attempts of the request, each answered 500 with
		// X-Inngest-No-Retry: false.
		assertThat(run.exchanges()).hasSize(3).allSatisfy((exchange) -> assertThat(exchange.status()).isEqualTo(500));
		assertThat(run.retries()).isEqualTo(2);
	}

	@Test
	void theFunctionsSyncedOutOfBandDriveRunsToo() {
		FakeInngestExecutor executor = executor();
		int before = this.platform.registers().size();
		Exchange put = executor.send("PUT", "http://localhost:" + this.port + "/api/inngest", new byte[0], Map.of());
		assertThat(put.status()).isEqualTo(200);
		executor.useRegistered(this.platform.registers().get(before).payload());
		assertThat(executor.functions()).containsOnlyKeys("orders-greet", "orders-greet-failure", "orders-nightly",
				"orders-" + SystemEventFunctions.FAILED_ID, "orders-" + SystemEventFunctions.CANCELLED_ID);
		Run run = executor.run("greet-failure", Map.of("name", "inngest/function.failed"));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(this.handler.requests()).extracting(CallRequest::functionId).containsOnly("orders-greet-failure");
	}

	@Test
	void aRunWhoseRequestsAreNotSignedFails() {
		FakeInngestExecutor signed = executor();
		signed.syncInBand();
		JsonNode synced = JsonMapper.shared().valueToTree(Map.of("functions", signed.functions().values()));
		FakeInngestExecutor unsigned = new FakeInngestExecutor("http://localhost:" + this.port + "/api/inngest", null,
				Clock.systemUTC())
			.useRegistered(synced);
		Run run = unsigned.run("greet", Map.of("name", "test/greet"));
		assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(run.exchanges()).hasSize(1);
		assertThat(run.exchanges().get(0).status()).isEqualTo(401);
		assertThat(this.handler.requests()).isEmpty();
	}

}
