package dev.durable.inngest.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunView;
import dev.durable.inngest.actuate.RunMetrics;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.testsupport.FakeServedApp;
import dev.durable.inngest.testsupport.FakeServedApp.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retries of a served function's body outside its steps, over real HTTP from an app
 * scripted by the test: as on the Inngest server, the discovery after each step that
 * ended gets the function's retries of its own, counted and backed off from attempt 0,
 * while the run's stored attempts still list every failure. The back-off grows fivefold
 * per attempt, so that a delay tells which attempt it followed.
 */
@SpringBootTest(classes = ServedFunctionRetriesTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.executor.enabled=true",
				"inngest.executor.signing-key=" + ServedFunctionRetriesTests.KEY, "inngest.local.backoff.initial=200ms",
				"inngest.local.backoff.multiplier=5", "inngest.local.backoff.max=1m",
				"inngest.local.backoff.jitter=0" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServedFunctionRetriesTests {

	static final String KEY = "signkey-test-4d2c6e8a0b1f3a5c7e9d1b3f5a7c9e0d";

	/** The back-off after a failed first attempt. */
	private static final Duration FIRST_DELAY = Duration.ofMillis(200);

	/** The back-off after a failed second attempt. */
	private static final Duration SECOND_DELAY = Duration.ofSeconds(1);

	/**
	 * The back-off after a failed third attempt, which a per-discovery count never waits.
	 */
	private static final Duration THIRD_DELAY = Duration.ofSeconds(5);

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	MeterRegistry meters;

	@Autowired
	FailureWatch failures;

	private FakeServedApp app;

	/** When each function got each of its calls, in milliseconds. */
	private final Map<String, Queue<Long>> received = new ConcurrentHashMap<>();

	@BeforeAll
	void syncApp() {
		this.app = new FakeServedApp(SigningKey.of(KEY))
			.function("per-discovery", "retries/per-discovery", 2, timed("per-discovery", (n) -> switch (n) {
				case 0 -> Reply.stepRun("a", "Step A", "\"a\"");
				case 1, 2 -> failure("not yet after a");
				case 3 -> Reply.stepRun("b", "Step B", "\"b\"");
				case 4, 5 -> failure("not yet after b");
				default -> Reply.done("\"through\"");
			}))
			.function("used-up", "retries/used-up", 2, timed("used-up", (n) -> switch (n) {
				case 1 -> Reply.stepRun("a", "Step A", "\"a\"");
				default -> failure("still failing");
			}));
		this.app.sync(this.port, "retries");
	}

	@AfterAll
	void stopApp() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void eachDiscoveryAfterAStepGetsTheFunctionsRetries() {
		RunView run = run("per-discovery");
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("through");
		List<JsonNode> calls = this.app.calls("per-discovery");
		// The first discovery executes step A; the one after it fails twice and executes
		// step B on its last attempt; the one after that fails twice and completes.
		assertThat(calls).extracting((call) -> call.path("ctx").path("attempt").asInt())
			.containsExactly(0, 0, 1, 2, 0, 1, 2);
		assertThat(calls).extracting((call) -> call.path("ctx").path("max_attempts").asInt()).containsOnly(3);
		assertThat(calls).extracting((call) -> call.path("ctx").path("stack").path("current").asInt())
			.containsExactly(0, 1, 1, 1, 2, 2, 2);
		// Every failure is recorded and numbered over the run, as the run's attempt
		// counts them.
		assertThat(bodyAttempts(run)).extracting(RunTimeline.Span::attempt).containsExactly(0, 1, 2, 3);
		assertThat(bodyAttempts(run)).extracting((span) -> span.error().message())
			.containsExactly("not yet after a", "not yet after a", "not yet after b", "not yet after b");
		assertThat(run.attempt()).isEqualTo(4);
		assertThat(this.meters.get(RunMetrics.RUNS_COMPLETED).tag("function", "per-discovery").counter().count())
			.isOne();
		assertThat(this.meters.find(RunMetrics.RUNS_FAILED).tag("function", "per-discovery").counter()).isNull();
	}

	@Test
	void aDiscoveryRetryIsBackedOffByItsOwnAttempt() {
		RunView run = run("per-discovery");
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		List<Long> times = List.copyOf(this.received.get("per-discovery"));
		List<Long> last = times.subList(times.size() - 7, times.size());
		// The first and second failures after step B are the run's third and fourth: by
		// the run's count they would wait five seconds and more.
		assertThat(last.get(5) - last.get(4)).isGreaterThanOrEqualTo(FIRST_DELAY.toMillis())
			.isLessThan(SECOND_DELAY.toMillis());
		assertThat(last.get(6) - last.get(5)).isGreaterThanOrEqualTo(SECOND_DELAY.toMillis())
			.isLessThan(THIRD_DELAY.toMillis());
	}

	@Test
	void theRunFailsOnceOneDiscoveryHasUsedItsRetries() {
		RunView run = run("used-up");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).isEqualTo("still failing");
		List<JsonNode> calls = this.app.calls("used-up");
		// The failure before step A does not count against the discovery after it, which
		// fails on all of its three attempts.
		assertThat(calls).extracting((call) -> call.path("ctx").path("attempt").asInt()).containsExactly(0, 1, 0, 1, 2);
		assertThat(bodyAttempts(run)).extracting(RunTimeline.Span::attempt).containsExactly(0, 1, 2, 3);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.failures.failed).containsKey(run.id())
				.containsEntry(run.id(), "used-up: still failing"));
		assertThat(this.meters.get(RunMetrics.RUNS_FAILED).tag("function", "used-up").counter().count()).isOne();
	}

	private List<RunTimeline.Span> bodyAttempts(RunView run) {
		return this.runs.timeline(run.id())
			.orElseThrow()
			.spans()
			.stream()
			.filter((span) -> span.type().equals("attempt") && span.stepKey() == null)
			.toList();
	}

	/** A failure of the function's body that the SDK says to retry. */
	private static Reply failure(String message) {
		return new Reply(500, Map.of("X-Inngest-No-Retry", "false"),
				"{\"name\":\"Error\",\"message\":\"" + message + "\"}");
	}

	/** A script that also notes when each call came. */
	private IntFunction<Reply> timed(String id, IntFunction<Reply> script) {
		Queue<Long> times = this.received.computeIfAbsent(id, (key) -> new ConcurrentLinkedQueue<>());
		return (n) -> {
			times.add(System.currentTimeMillis());
			return script.apply(n);
		};
	}

	/**
	 * Runs a function once; each function's script serves one run, so that its calls are
	 * numbered from 0.
	 */
	private RunView run(String id) {
		RunView ended = find(id);
		if (ended != null) {
			return ended;
		}
		this.inngest.send(Event.of("retries/" + id, Map.of("key", UUID.randomUUID().toString())));
		return await().atMost(WAIT).until(() -> find(id), (view) -> view != null);
	}

	private synchronized RunView find(String id) {
		return this.runs.list(new RunQuery(id, null, null, null, RunQuery.MAX_LIMIT, null))
			.runs()
			.stream()
			.filter((view) -> view.status().isFinal())
			.findFirst()
			.orElse(null);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		FailureWatch failureWatch() {
			return new FailureWatch();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	/** A Java function that the system event of each failed run starts. */
	static class FailureWatch {

		/** The function id and error of each failed run, by its id. */
		final Map<String, String> failed = new ConcurrentHashMap<>();

		@InngestFunction(id = "failure-watch", event = FunctionFailedEvent.NAME)
		void watch(Event event) {
			FunctionFailedEvent failure = FunctionFailedEvent.of(event);
			this.failed.put(failure.runId(), failure.functionId() + ": " + failure.error().message());
		}

	}

}
