package dev.durable.inngest.executor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunView;
import dev.durable.inngest.actuate.RunMetrics;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;
import dev.durable.inngest.remote.RequestVerifier;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import dev.durable.inngest.testsupport.JsReference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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
 * What the executor does with each kind of answer of an app, over real HTTP, from an app
 * scripted by the test: the calls it makes, signed, with the steps memoized, and how the
 * run ends when the answer is an error, not from an SDK, malformed, too large, late or
 * missing.
 */
@SpringBootTest(classes = ServedFunctionAnswersTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.executor.enabled=true",
				"inngest.executor.signing-key=" + ServedFunctionAnswersTests.KEY, "inngest.executor.call-timeout=2s" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServedFunctionAnswersTests {

	static final String KEY = "signkey-test-0123456789abcdef0123456789abcdef";

	private static final SigningKey OTHER_KEY = SigningKey.of("signkey-test-fedcba9876543210fedcba9876543210");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * A reply's header, not sent, that has the app send the last byte of its answer this
	 * long after the rest.
	 */
	private static final String BODY_DELAY = "X-Test-Body-Delay";

	/**
	 * How long the app takes to execute a step of function {@code slow-step}, at least.
	 */
	private static final Duration STEP_TIME = Duration.ofMillis(300);

	/** The step id of a call that discovers the next step. */
	private static final String DISCOVERY = ServedFunctionBody.DISCOVERY;

	/** The functions registered with two retries; the others have none, or one. */
	private static final Set<String> RETRIED_TWICE = Set.of("planned-together", "retried", "no-retry", "retry-after",
			"attempts", "slow-step", "failing-step", "oversize", "oversize-step", "failing-together", "retried-apart",
			"failing-mixed", "step-call-failing", "step-call-failing-always", "step-calls-failing-together",
			"step-call-refused", "step-not-found", "step-call-malformed", "failure-then-sleep");

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	MeterRegistry meters;

	@Autowired
	WaitStore waits;

	@Autowired
	StepStore steps;

	private HttpServer app;

	/** The requests each function got, in order. */
	private final Map<String, Deque<Request>> requests = new ConcurrentHashMap<>();

	/** How each function answers its n-th request. */
	private final Map<String, Function<Integer, Reply>> scripts = new ConcurrentHashMap<>();

	/**
	 * How the functions whose calls may come at once answer a request, by what it asks.
	 */
	private final Map<String, Function<Request, Reply>> stepScripts = new ConcurrentHashMap<>();

	/**
	 * The calls of steps of {@code many-planned} being answered, and the most at once.
	 */
	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	@BeforeAll
	void startApp() throws Exception {
		this.app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.app.setExecutor(Executors.newCachedThreadPool());
		this.app.createContext("/api", this::handle);
		this.app.start();
		String hash = StepIds.hash("double");
		script("no-sdk", (n) -> new Reply(200, false, Map.of(), "\"done\""));
		script("not-json", (n) -> new Reply(206, true, Map.of(), "[{not json"));
		String tooLarge = "\"" + "x".repeat(9 * 1024 * 1024) + "\"";
		script("oversize", (n) -> new Reply(200, true, Map.of(), tooLarge));
		script("oversize-unsigned", (n) -> new Reply(206, true, Map.of(), tooLarge, Signing.NONE));
		String huge = StepIds.hash("huge");
		script("oversize-step", (n) -> switch (n) {
			case 0 ->
				new Reply(206, true, Map.of(), "[{\"op\":\"StepPlanned\",\"id\":\"" + huge + "\",\"name\":\"huge\"}]");
			// With its output before its id, the step cannot be told from the start of
			// the answer: it is the step the call executed.
			case 1 -> new Reply(206, true, Map.of(),
					"[{\"data\":" + tooLarge + ",\"op\":\"StepRun\",\"id\":\"" + huge + "\",\"name\":\"huge\"}]");
			default -> new Reply(200, true, Map.of(), "\"caught\"");
		});
		script("no-retry", (n) -> new Reply(500, true, Map.of("X-Inngest-No-Retry", "true"),
				"{\"name\":\"Error\",\"message\":\"gone\"}"));
		script("retried",
				(n) -> (n == 0)
						? new Reply(500, true, Map.of("X-Inngest-No-Retry", "false"),
								"{\"name\":\"Error\",\"message\":\"flaky\"}")
						: new Reply(200, true, Map.of(), "\"ok\""));
		script("planned", (n) -> switch (n) {
			case 0 -> new Reply(206, true, Map.of(),
					"[{\"op\":\"StepPlanned\",\"id\":\"" + hash + "\",\"name\":\"double\"}]");
			case 1 -> new Reply(206, true, Map.of(),
					"[{\"op\":\"StepRun\",\"id\":\"" + hash + "\",\"name\":\"double\",\"data\":{\"n\":10}}]");
			default ->
				new Reply(206, true, Map.of(), "[{\"op\":\"RunComplete\",\"id\":\"complete\",\"data\":\"twice\"}]");
		});
		script("named",
				(n) -> (n == 0)
						? new Reply(206, true, Map.of(),
								"[{\"op\":\"StepRun\",\"id\":\"" + hash
										+ "\",\"name\":\"double\",\"displayName\":\"Double it\",\"data\":{\"n\":10}}]")
						: new Reply(200, true, Map.of(), "\"named\""));
		script("slow-body", (n) -> new Reply(200, true, Map.of(BODY_DELAY, "PT5S"), "\"late\""));
		script("slow", (n) -> {
			pause(Duration.ofSeconds(5));
			return new Reply(200, true, Map.of(), "\"late\"");
		});
		script("finish-timeout", (n) -> new Reply(206, true, Map.of(),
				"[{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("nap") + "\",\"name\":\"10s\",\"opts\":{}}]"));
		script("retry-after",
				(n) -> (n == 0)
						? new Reply(500, true, Map.of("X-Inngest-No-Retry", "false", "Retry-After", "2"),
								"{\"name\":\"RetryAfterError\",\"message\":\"rate limited\"}")
						: new Reply(200, true, Map.of(), "\"later\""));
		script("no-op", (n) -> new Reply(206, true, Map.of(), "[]"));
		// As the official SDK sends a sleep of zero, then one of 1.5 s as Go writes it,
		// then a wait that expires at once.
		script("short-waits", (n) -> switch (n) {
			case 0 -> new Reply(206, true, Map.of(),
					"[{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("zero") + "\",\"name\":\"\",\"opts\":{}}]");
			case 1 -> new Reply(206, true, Map.of(), "[{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("decimal")
					+ "\",\"name\":\"decimal\",\"opts\":{\"duration\":\"1.5s\"}}]");
			case 2 -> new Reply(206, true, Map.of(), "[{\"op\":\"WaitForEvent\",\"id\":\"" + StepIds.hash("nothing")
					+ "\",\"name\":\"fake/never\",\"opts\":{\"timeout\":\"\"}}]");
			default -> new Reply(200, true, Map.of(), "\"slept\"");
		});
		script("failure-then-sleep", (n) -> switch (n) {
			case 0 -> new Reply(500, true, Map.of("X-Inngest-No-Retry", "false"),
					"{\"name\":\"Error\",\"message\":\"flaky\"}");
			case 1 -> new Reply(206, true, Map.of(), "[{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("nap")
					+ "\",\"name\":\"nap\",\"opts\":{\"duration\":\"100ms\"}}]");
			default -> new Reply(200, true, Map.of(), "\"rested\"");
		});
		// As the official SDK answers when it buffers steps while checkpointing.
		script("buffered-steps",
				(n) -> ops("{\"op\":\"StepRun\",\"id\":\"" + StepIds.hash("a") + "\",\"displayName\":\"a\",\"data\":1}",
						"{\"op\":\"StepRun\",\"id\":\"" + StepIds.hash("b") + "\",\"displayName\":\"b\",\"data\":2}",
						"{\"op\":\"RunComplete\",\"id\":\"" + StepIds.hash("complete") + "\",\"data\":\"done\"}"));
		// As the official SDK ships the work a function deferred with its end.
		script("deferred-with-end",
				(n) -> ops(
						"{\"op\":\"DeferAdd\",\"id\":\"" + StepIds.hash("later")
								+ "\",\"opts\":{\"fn_slug\":\"fake-later\",\"input\":{}}}",
						"{\"op\":\"RunComplete\",\"id\":\"" + StepIds.hash("complete") + "\",\"data\":\"done\"}"));
		// A buffered step too large to store, then the app throwing its error into the
		// function's code, which catches it.
		String largeOutput = "\"" + "x".repeat(StepOutputLimit.MAX_BYTES + 1) + "\"";
		script("large-buffered-step",
				(n) -> (n == 0) ? ops(
						"{\"op\":\"StepRun\",\"id\":\"" + StepIds.hash("big") + "\",\"displayName\":\"big\",\"data\":"
								+ largeOutput + "}",
						"{\"op\":\"RunComplete\",\"id\":\"" + StepIds.hash("complete") + "\",\"data\":\"past big\"}")
						: new Reply(200, true, Map.of(), "\"caught\""));
		// As the official SDK sends a wait's timeout given as a Date.
		script("dated-wait",
				(n) -> (n == 0)
						? new Reply(206, true, Map.of(),
								"[{\"op\":\"WaitForEvent\",\"id\":\"" + StepIds.hash("until")
										+ "\",\"name\":\"fake/never\",\"opts\":{\"event\":\"fake/never\",\"timeout\":\""
										+ Instant.now().plusMillis(1500).truncatedTo(ChronoUnit.MILLIS) + "\"}}]")
						: new Reply(200, true, Map.of(), "\"waited\""));
		script("bad-condition",
				(n) -> new Reply(206, true, Map.of(),
						"[{\"op\":\"WaitForEvent\",\"id\":\"" + StepIds.hash("w")
								+ "\",\"name\":\"fake/never\",\"opts\":{\"event\":\"fake/never\",\"timeout\":\"1h\","
								+ "\"if\":\"event.data.id ==\"}}]"));
		// An app that runs its calls with execution version 1, as the JS SDK 3 does.
		Map<String, String> version1 = Map.of("X-Inngest-Req-Version", "1");
		script("version-1", (n) -> switch (n) {
			case 0 -> new Reply(206, true, version1,
					"[{\"op\":\"StepRun\",\"id\":\"" + StepIds.hash("first") + "\",\"name\":\"first\",\"data\":1}]");
			case 1 -> new Reply(206, true, version1, "[{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("nap")
					+ "\",\"name\":\"nap\",\"opts\":{\"duration\":\"0s\"}}]");
			default -> new Reply(200, true, version1, "\"versioned\"");
		});
		String slow = StepIds.hash("slow");
		script("slow-step", (n) -> switch (n) {
			case 0 -> {
				pause(STEP_TIME);
				yield new Reply(206, true, Map.of("X-Inngest-No-Retry", "false"), "[{\"op\":\"StepError\",\"id\":\""
						+ slow + "\",\"name\":\"slow\",\"error\":{\"name\":\"Error\",\"message\":\"not yet\"}}]");
			}
			case 1 -> {
				pause(STEP_TIME);
				yield new Reply(206, true, Map.of(),
						"[{\"op\":\"StepRun\",\"id\":\"" + slow + "\",\"name\":\"slow\",\"data\":1}]");
			}
			default -> new Reply(200, true, Map.of(), "\"slowly\"");
		});
		String flaky = StepIds.hash("flaky");
		script("failing-step", (n) -> switch (n) {
			case 0 -> new Reply(206, true, Map.of("X-Inngest-No-Retry", "false"),
					"[{\"op\":\"StepError\",\"id\":\"" + flaky + "\",\"name\":\"flaky\",\"displayName\":\"Flaky step\","
							+ "\"error\":{\"name\":\"Error\",\"message\":\"not yet\"}}]");
			case 1 -> new Reply(206, true, Map.of(), "[{\"op\":\"StepRun\",\"id\":\"" + flaky
					+ "\",\"name\":\"flaky\",\"displayName\":\"Flaky step\",\"data\":1}]");
			default -> new Reply(200, true, Map.of(), "\"steady\"");
		});
		script("attempts", (n) -> switch (n) {
			case 0, 2 -> new Reply(500, true, Map.of("X-Inngest-No-Retry", "false"),
					"{\"name\":\"Error\",\"message\":\"flaky\"}");
			case 1 -> new Reply(206, true, Map.of(),
					"[{\"op\":\"StepRun\",\"id\":\"" + StepIds.hash("first") + "\",\"name\":\"first\",\"data\":1}]");
			case 3 -> new Reply(206, true, Map.of("X-Inngest-No-Retry", "false"),
					"[{\"op\":\"StepError\",\"id\":\"" + StepIds.hash("second")
							+ "\",\"name\":\"second\",\"error\":{\"name\":\"Error\",\"message\":\"not yet\"}}]");
			case 4 -> new Reply(206, true, Map.of(),
					"[{\"op\":\"StepRun\",\"id\":\"" + StepIds.hash("second") + "\",\"name\":\"second\",\"data\":2}]");
			default -> new Reply(200, true, Map.of(), "\"counted\"");
		});
		script("unsigned",
				(n) -> (n == 0)
						? new Reply(500, true, Map.of("X-Inngest-No-Retry", "true"),
								"{\"name\":\"Error\",\"message\":\"forged\"}", Signing.NONE)
						: new Reply(200, true, Map.of(), "\"signed\""));
		script("bad-signature", (n) -> new Reply(200, true, Map.of(), "\"forged\"", Signing.OTHER_KEY));
		script("stale-signature", (n) -> new Reply(200, true, Map.of(), "\"replayed\"", Signing.STALE));
		script("millisecond-signature", (n) -> new Reply(200, true, Map.of(), "\"signed\"", Signing.MILLISECONDS));
		script("altered", (n) -> new Reply(200, true, Map.of(), "\"altered\"", Signing.OTHER_BYTES));
		script("unknown-op", (n) -> new Reply(206, true, Map.of(),
				"[{\"op\":\"AIGateway\",\"id\":\"" + StepIds.hash("infer") + "\",\"opts\":{}}]"));
		script("invoker", (n) -> (n == 0)
				? invoke("call",
						"{\"function_id\":\"fake-callee\",\"payload\":"
								+ "{\"data\":{\"x\":1},\"user\":{\"id\":\"u-1\"},\"v\":\"3\"},\"timeout\":\"1m\"}")
				: new Reply(200, true, Map.of(), "\"invoked\""));
		script("callee", (n) -> new Reply(200, true, Map.of(), "{\"answer\":42}"));
		script("invoke-late",
				(n) -> (n == 0)
						? invoke("call-late",
								"{\"function_id\":\"fake-sleeper\",\"payload\":{\"data\":{}},\"timeout\":\"1s\"}")
						: new Reply(200, true, Map.of(), "\"gave up\""));
		script("sleeper", (n) -> new Reply(206, true, Map.of(), "[{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("nap")
				+ "\",\"name\":\"nap\",\"opts\":{\"duration\":\"1h\"}}]"));
		script("invoke-cancelled",
				(n) -> (n == 0)
						? invoke("call-cancelled",
								"{\"function_id\":\"fake-sleeper\",\"payload\":{\"data\":{}},\"timeout\":\"1m\"}")
						: new Reply(200, true, Map.of(), "\"cancelled under me\""));
		script("invoke-missing",
				(n) -> (n == 0) ? invoke("call-missing", "{\"function_id\":\"fake-nothing\",\"payload\":{\"data\":{}}}")
						: new Reply(200, true, Map.of(), "\"went on\""));
		script("invoke-too-long", (n) -> invoke("call-too-long",
				"{\"function_id\":\"fake-callee\",\"payload\":{\"data\":{}},\"timeout\":\"400d\"}"));
		// Two steps planned together, the first of which fails once.
		String first = StepIds.hash("first");
		this.stepScripts.put("planned-together", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("first", "second"), "\"done\"");
			}
			if (id.equals(first) && count(request, first) == 1) {
				return new Reply(500, true, Map.of("X-Inngest-No-Retry", "false"),
						"{\"name\":\"Error\",\"message\":\"flaky\"}");
			}
			return stepRun(id, id.equals(first) ? "\"one\"" : "\"two\"");
		});
		// Three steps planned together, two of which fail once.
		this.stepScripts.put("failing-together", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("a", "b", "c"), "\"done\"");
			}
			if (!id.equals(StepIds.hash("c")) && count(request, id) == 1) {
				return stepError(id, Map.of());
			}
			return stepRun(id, "1");
		});
		// Two steps planned together that fail once, the second asking to be retried
		// no sooner than 2 s later.
		this.stepScripts.put("retried-apart", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("soon", "later"), "\"apart\"");
			}
			if (count(request, id) == 1) {
				return stepError(id, id.equals(StepIds.hash("later")) ? Map.of("Retry-After", "2") : Map.of());
			}
			return stepRun(id, "1");
		});
		// Two steps planned together: one fails for good, the other once.
		this.stepScripts.put("failing-mixed", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				JsonNode memos = request.body().get("steps");
				if (memos.has(StepIds.hash("fatal")) && !memos.has(StepIds.hash("flaky"))) {
					// Until the other's retry is due, as it is planned again.
					pause(Duration.ofMillis(100));
				}
				return planUnmemoized(request, List.of("fatal", "flaky"), "\"mixed\"");
			}
			if (id.equals(StepIds.hash("fatal"))) {
				return ops("{\"op\":\"StepFailed\",\"id\":\"" + id
						+ "\",\"error\":{\"name\":\"Error\",\"message\":\"declined\"}}");
			}
			return (count(request, id) == 1) ? stepError(id, Map.of()) : stepRun(id, "1");
		});
		// A step whose first call fails outside its code.
		this.stepScripts.put("step-call-failing", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("x"), "\"recovered\"");
			}
			return (count(request, id) == 1) ? serverError("gateway down") : stepRun(id, "1");
		});
		// A step whose calls all fail outside its code.
		this.stepScripts.put("step-call-failing-always", (request) -> {
			String id = stepId(request);
			return id.equals(DISCOVERY) ? planUnmemoized(request, List.of("x"), "\"never\"")
					: serverError("gateway down");
		});
		// Two steps planned together whose first calls both fail outside their code.
		this.stepScripts.put("step-calls-failing-together", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("a", "b"), "\"both\"");
			}
			return (count(request, id) == 1) ? serverError("gateway down") : stepRun(id, "1");
		});
		// Two steps planned together: one fails, the other's call is refused for good.
		this.stepScripts.put("step-call-refused", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("a", "b"), "\"unreachable\"");
			}
			return id.equals(StepIds.hash("a")) ? stepError(id, Map.of()) : new Reply(400, true,
					Map.of("X-Inngest-No-Retry", "true"), "{\"name\":\"NonRetriableError\",\"message\":\"refused\"}");
		});
		// A step that its first call does not reach.
		this.stepScripts.put("step-not-found", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("x"), "\"found\"");
			}
			return (count(request, id) == 1) ? ops("{\"op\":\"StepNotFound\",\"id\":\"" + id + "\"}")
					: stepRun(id, "1");
		});
		// Two steps planned together, the first planned answering last.
		this.stepScripts.put("finish-order", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("slow", "fast"), "\"ordered\"");
			}
			if (id.equals(StepIds.hash("slow"))) {
				pause(STEP_TIME);
			}
			return stepRun(id, "1");
		});
		// A step whose first call is answered with a 206 that is not an op.
		this.stepScripts.put("step-call-malformed", (request) -> {
			String id = stepId(request);
			if (id.equals(DISCOVERY)) {
				return planUnmemoized(request, List.of("x"), "\"mended\"");
			}
			return (count(request, id) == 1) ? new Reply(206, true, Map.of(), "\"not an op\"") : stepRun(id, "1");
		});
		// More steps planned together than are called at once.
		List<String> many = IntStream.range(0, ServedFunctionBody.MAX_CALLS_AT_ONCE + 4)
			.mapToObj((i) -> "s" + i)
			.toList();
		this.stepScripts.put("many-planned", (request) -> {
			if (stepId(request).equals(DISCOVERY)) {
				return planUnmemoized(request, many, "\"all\"");
			}
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			pause(Duration.ofMillis(200));
			this.inFlight.decrementAndGet();
			return stepRun(stepId(request), "1");
		});
		// Its second wait's event comes while the run executes the call after the first.
		script("lost-wake", (n) -> switch (n) {
			case 0 -> ops(waitOp("a", "fake/lost-wake-a"), waitOp("b", "fake/lost-wake-b"));
			case 1 -> {
				this.inngest.send(Event.of("fake/lost-wake-b", Map.of()));
				yield ops(waitOp("b", "fake/lost-wake-b"));
			}
			default -> new Reply(200, true, Map.of(), "\"both\"");
		});
		// Ends once its sleep won the race with its wait.
		script("race-ended",
				(n) -> (n == 0)
						? ops(waitOp("approval", "fake/race-ended-approve"),
								"{\"op\":\"Sleep\",\"id\":\"" + StepIds.hash("deadline")
										+ "\",\"name\":\"deadline\",\"opts\":{\"duration\":\"1s\"}}")
						: new Reply(200, true, Map.of(), "\"deadline\""));
		ArrayNode functions = JSON.createArrayNode();
		String base = "http://127.0.0.1:" + this.app.getAddress().getPort() + "/api";
		Set<String> ids = new HashSet<>(this.scripts.keySet());
		ids.addAll(this.stepScripts.keySet());
		for (String id : ids) {
			ObjectNode function = functions.addObject();
			function.put("id", "fake-" + id);
			function.putArray("triggers").addObject().put("event", "fake/" + id);
			ObjectNode step = function.putObject("steps").putObject("step");
			step.putObject("runtime").put("type", "http").put("url", base + "?fnId=fake-" + id + "&stepId=step");
			step.putObject("retries").put("attempts", RETRIED_TWICE.contains(id) ? 2 : id.equals("unsigned") ? 1 : 0);
			if (id.equals("finish-timeout")) {
				function.putObject("timeouts").put("finish", "1s");
			}
		}
		functions.addObject()
			.put("id", "fake-unreachable")
			.set("triggers", JSON.createArrayNode().add(JSON.createObjectNode().put("event", "fake/unreachable")));
		((ObjectNode) functions.get(functions.size() - 1)).putObject("steps")
			.putObject("step")
			.putObject("runtime")
			.put("url", "http://127.0.0.1:" + JsReference.freePort() + "/api?fnId=fake-unreachable&stepId=step");
		((ObjectNode) functions.get(functions.size() - 1).get("steps").get("step")).putObject("retries")
			.put("attempts", 0);
		ObjectNode register = JSON.createObjectNode().put("appName", "fake").put("url", base);
		register.set("functions", functions);
		Answer answer = new HttpApiClient(this.port).call("POST", "/fn/register",
				"Bearer " + SigningKey.of(KEY).bearerToken(), register.toString());
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
	}

	@AfterAll
	void stopApp() {
		this.app.stop(0);
	}

	@Test
	void sleepsAndTimeoutsAreReadAsTheServerReadsThem() {
		RunView run = run("short-waits");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("slept");
		List<Request> calls = new ArrayList<>(this.requests.get("fake-short-waits"));
		assertThat(calls).hasSize(4);
		assertThat(calls.get(3).body().path("steps").has(StepIds.hash("zero"))).isTrue();
		assertThat(calls.get(3).body().path("steps").get(StepIds.hash("nothing")).isNull()).isTrue();
		assertThat(calls.get(2).receivedAtMillis() - calls.get(1).receivedAtMillis()).isGreaterThanOrEqualTo(1500);
	}

	@Test
	void theCallAfterASleepIsAFirstAttemptWhateverFailedBeforeIt() {
		RunView run = run("failure-then-sleep");
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(new ArrayList<>(this.requests.get("fake-failure-then-sleep")))
			.extracting(ServedFunctionAnswersTests::attempt)
			.containsExactly(0, 1, 0);
	}

	@Test
	void stepsReportedWithTheRunsEndAreStoredBeforeItEnds() {
		RunView run = run("buffered-steps");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("done");
		assertThat(this.steps.findByRun(run.id())).extracting(StepRecord::key, StepRecord::status, StepRecord::output)
			.containsExactlyInAnyOrder(tuple(StepIds.hash("a"), StepStatus.COMPLETED, "1"),
					tuple(StepIds.hash("b"), StepStatus.COMPLETED, "2"));
		assertThat(this.requests.get("fake-buffered-steps")).hasSize(1);
	}

	@Test
	void anOpReportedWithTheRunsEndThatThisExecutorDoesNotSupportFailsTheRun() {
		RunView run = run("deferred-with-end");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("DeferAdd");
	}

	@Test
	void aStepReportedWithTheRunsEndTooLargeToStoreFailsAndTheAppIsCalledAgain() {
		RunView run = run("large-buffered-step");
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("caught");
		assertThat(this.steps.findByRun(run.id())).extracting(StepRecord::key, StepRecord::status)
			.containsExactly(tuple(StepIds.hash("big"), StepStatus.FAILED));
		JsonNode memo = this.requests.get("fake-large-buffered-step")
			.getLast()
			.body()
			.get("steps")
			.get(StepIds.hash("big"));
		assertThat(memo.path("error").path("message").asString()).contains("big");
	}

	@Test
	void aWaitsTimeoutGivenAsADateWaitsUntilThen() {
		RunView run = run("dated-wait");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("waited");
		List<Request> calls = new ArrayList<>(this.requests.get("fake-dated-wait"));
		assertThat(calls).hasSize(2);
		assertThat(calls.get(1).body().path("steps").get(StepIds.hash("until")).isNull()).isTrue();
		assertThat(calls.get(1).receivedAtMillis() - calls.get(0).receivedAtMillis()).isGreaterThanOrEqualTo(1000);
	}

	@Test
	void aWaitWhoseConditionDoesNotCompileFailsTheRunAtOnce() {
		RunView run = run("bad-condition");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("invalid waitForEvent: Invalid CEL expression 'event.data.id =='");
		assertThat(this.requests.get("fake-bad-condition")).hasSize(1);
	}

	@Test
	void anAnswerWithoutTheSdkHeaderFailsTheAttempt() {
		RunView run = run("no-sdk");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("X-Inngest-SDK");
	}

	@Test
	void anAnswerThatIsNotJsonFailsTheAttempt() {
		RunView run = run("not-json");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("is not JSON");
	}

	@Test
	void anAnswerTooLargeThatCarriesNoStepFailsTheRunAtOnce() {
		RunView run = run("oversize");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("longer than " + FunctionCalls.MAX_ANSWER_BYTES + " bytes")
			.contains("the run fails");
		assertThat(this.requests.get("fake-oversize")).hasSize(1);
	}

	@Test
	void anAnswerTooLargeToTheCallOfAStepFailsThatStepForGood() {
		RunView run = completed("oversize-step");
		assertThat(run.output()).isEqualTo("caught");
		assertThat(this.requests.get("fake-oversize-step")).hasSize(3);
		assertThat(memo("fake-oversize-step", 2, "huge").path("error").path("message").asString())
			.startsWith("Step 'huge' returned over " + FunctionCalls.MAX_ANSWER_BYTES + " bytes of JSON")
			.contains("step output size is greater than the limit");
	}

	@Test
	void anUnsignedAnswerTooLargeFailsTheAttempt() {
		RunView run = run("oversize-unsigned");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("longer than " + FunctionCalls.MAX_ANSWER_BYTES + " bytes")
			.contains("has no X-Inngest-Signature");
	}

	@Test
	void anErrorNotToRetryFailsTheRunAtOnce() {
		RunView run = run("no-retry");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).isEqualTo("gone");
		assertThat(this.requests.get("fake-no-retry")).hasSize(1);
	}

	@Test
	void anErrorIsRetriedWithTheNextAttempt() {
		RunView run = run("retried");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("ok");
		List<Request> calls = new ArrayList<>(this.requests.get("fake-retried"));
		assertThat(calls).hasSize(2);
		assertThat(calls).extracting(ServedFunctionAnswersTests::attempt).containsExactly(0, 1);
		assertThat(calls.get(1).body().path("ctx").path("max_attempts").asInt()).isEqualTo(3);
	}

	@Test
	void theAttemptOfACallIsCountedPerStep() {
		RunView run = completed("attempts");
		assertThat(run.output()).isEqualTo("counted");
		List<Request> calls = new ArrayList<>(this.requests.get("fake-attempts"));
		String second = StepIds.hash("second");
		assertThat(calls).extracting(Request::query)
			.containsExactly("fnId=fake-attempts&stepId=step", "fnId=fake-attempts&stepId=step",
					"fnId=fake-attempts&stepId=step", "fnId=fake-attempts&stepId=step",
					"fnId=fake-attempts&stepId=" + second, "fnId=fake-attempts&stepId=step");
		// The body fails before the first step and is retried; once that step completed,
		// discovery starts again at 0; the body fails again and is retried; the second
		// step fails in that retry's call, which was attempt 1, and is retried with
		// attempt 2, as Inngest retries the call; after it, discovery is at 0 again.
		assertThat(calls).extracting(ServedFunctionAnswersTests::attempt).containsExactly(0, 1, 0, 1, 2, 0);
		assertThat(calls).extracting((call) -> call.body().path("ctx").path("max_attempts").asInt()).containsOnly(3);
	}

	@Test
	void aStepsDurationInTheMetricsCoversTheCallThatExecutedIt() {
		RunView run = completed("slow-step");
		assertThat(this.requests.get("fake-slow-step")).hasSize(3);
		Timer steps = this.meters.get(RunMetrics.STEPS_DURATION).tag("function", "fake-slow-step").timer();
		// A failed attempt and the one that completed, each executed in a call that took
		// at least that long.
		assertThat(steps.count()).isEqualTo(2);
		assertThat(steps.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2 * STEP_TIME.toMillis());
		assertThat(steps.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(STEP_TIME.toMillis());
	}

	@Test
	void aPlannedStepIsExecutedByATargetedCallAndThenMemoized() {
		RunView run = completed("planned");
		assertThat(run.output()).isEqualTo("twice");
		List<Request> calls = new ArrayList<>(this.requests.get("fake-planned"));
		String hash = StepIds.hash("double");
		assertThat(calls).extracting(Request::query)
			.containsExactly("fnId=fake-planned&stepId=step", "fnId=fake-planned&stepId=" + hash,
					"fnId=fake-planned&stepId=step");
		assertThat(calls.get(0).body().path("steps").isEmpty()).isTrue();
		assertThat(calls.get(2).body().path("steps").path(hash).toString()).isEqualTo("{\"data\":{\"n\":10}}");
		assertThat(calls.get(2).body().path("ctx").path("stack").toString())
			.isEqualTo("{\"current\":1,\"stack\":[\"" + hash + "\"]}");
		assertThat(calls.get(2).body().path("ctx").path("run_id").asString()).isEqualTo(run.id());
		assertThat(calls.get(2).body().path("event").path("name").asString()).isEqualTo("fake/planned");
		RequestVerifier verifier = new RequestVerifier(SigningKey.of(KEY), null, Clock.systemUTC());
		for (Request call : calls) {
			assertThat(verifier.verify(call.signature(), call.bytes())).isPresent();
		}
	}

	@Test
	void aStepIsShownByItsNameAndMemoizedByItsHashedId() {
		RunView run = completed("named");
		RunTimeline timeline = this.runs.timeline(run.id()).orElseThrow();
		assertThat(timeline.spans()).filteredOn((span) -> span.type().equals("step"))
			.singleElement()
			.satisfies((span) -> {
				assertThat(span.label()).isEqualTo("Double it");
				assertThat(span.stepKey()).isEqualTo(StepIds.hash("double"));
			});
	}

	@Test
	void aStepsFailedAttemptIsLabelledByTheStepsName() {
		RunView run = completed("failing-step");
		RunTimeline timeline = this.runs.timeline(run.id()).orElseThrow();
		assertThat(timeline.spans()).filteredOn((span) -> span.type().equals("attempt"))
			.singleElement()
			.satisfies((span) -> {
				assertThat(span.label()).isEqualTo("Flaky step");
				assertThat(span.stepKey()).isEqualTo(StepIds.hash("flaky"));
			});
	}

	@Test
	void anUnsignedAnswerIsRefusedAndTheAttemptRetried() {
		RunView run = completed("unsigned");
		assertThat(run.output()).isEqualTo("signed");
		assertThat(this.requests.get("fake-unsigned")).hasSize(2);
		RunTimeline timeline = this.runs.timeline(run.id()).orElseThrow();
		assertThat(timeline.spans()).filteredOn((span) -> span.type().equals("attempt"))
			.singleElement()
			.satisfies((span) -> assertThat(span.error().message()).contains("app 'fake'")
				.contains("HTTP 500")
				.contains("no X-Inngest-Signature")
				.contains("forged"));
	}

	@Test
	void anAnswerSignedWithAnotherKeyFailsTheAttempt() {
		RunView run = run("bad-signature");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("app 'fake'")
			.contains("X-Inngest-Signature does not match")
			.contains("inngest.executor.signing-key");
	}

	@Test
	void anAnswerSignedOverOtherBytesFailsTheAttempt() {
		RunView run = run("altered");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("app 'fake'").contains("X-Inngest-Signature does not match");
	}

	@Test
	void anAnswerWithAStaleSignatureFailsTheAttempt() {
		RunView run = run("stale-signature");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("app 'fake'").contains("more than 5 minutes from now");
	}

	@Test
	void anAnswerSignedWithItsTimeInMillisecondsCounts() {
		RunView run = completed("millisecond-signature");
		assertThat(run.output()).isEqualTo("signed");
	}

	@Test
	void callsCarryTheExecutionVersionTheAppAnsweredWith() {
		RunView run = completed("version-1");
		assertThat(run.output()).isEqualTo("versioned");
		// The SDK chooses at the start of each execution, the run's and the one after
		// the sleep, and keeps what it chose for the calls after it.
		assertThat(this.requests.get("fake-version-1")).extracting((request) -> request.body().get("version").asInt())
			.containsExactly(-1, 1, -1);
	}

	@Test
	void aCallThatTakesTooLongFailsTheAttempt() {
		RunView run = run("slow");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("timed out");
	}

	@Test
	void anAnswerThatBeginsInTimeButEndsTooLateFailsTheAttempt() {
		RunView run = run("slow-body");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("timed out after PT2S").contains("while its answer was read");
	}

	@Test
	void anAppThatDoesNotAnswerFailsTheAttempt() {
		RunView run = run("unreachable");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("failed");
	}

	@Test
	void aRunThatOutlivesItsFinishTimeoutIsCancelled() {
		RunView run = run("finish-timeout");
		assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void anErrorWithRetryAfterIsRetriedNoSooner() {
		RunView run = run("retry-after");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		List<Request> calls = new ArrayList<>(this.requests.get("fake-retry-after"));
		assertThat(calls).hasSize(2);
		assertThat(calls.get(1).receivedAtMillis() - calls.get(0).receivedAtMillis()).isGreaterThanOrEqualTo(1900);
	}

	@Test
	void aDiscoveryAnsweredWithNoOpFailsTheAttempt() {
		RunView run = run("no-op");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("no op");
		assertThat(this.requests.get("fake-no-op")).hasSize(1);
	}

	@Test
	void anOpThisExecutorDoesNotSupportFailsTheRun() {
		RunView run = run("unknown-op");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("AIGateway");
	}

	@Test
	void anInvokeStartsTheNamedFunctionWithThePayloadAndMemoizesItsOutput() {
		RunView caller = run("invoker");
		assertThat(caller.status()).as(String.valueOf(caller.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(caller.output()).isEqualTo("invoked");
		JsonNode event = this.requests.get("fake-callee").getFirst().body().get("event");
		assertThat(event.get("name").asString()).isEqualTo("inngest/function.invoked");
		assertThat(event.get("data").get("x").asInt()).isEqualTo(1);
		assertThat(event.get("user").get("id").asString()).isEqualTo("u-1");
		assertThat(event.get("v").asString()).isEqualTo("3");
		JsonNode metadata = event.get("data").get("_inngest");
		assertThat(metadata.get("fn_id").asString()).isEqualTo("fake-callee");
		assertThat(metadata.get("correlation_id").asString()).isEqualTo(caller.id() + "." + StepIds.hash("call"));
		assertThat(metadata.get("source_fn_id").asString()).isEqualTo("fake-invoker");
		assertThat(memo("fake-invoker", 1, "call")).isEqualTo(JSON.readTree("{\"data\":{\"answer\":42}}"));
	}

	@Test
	void anInvokeWhoseRunDoesNotEndInTimeIsMemoizedAsInngestsTimeoutError() {
		RunView caller = run("invoke-late");
		assertThat(caller.status()).as(String.valueOf(caller.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(memo("fake-invoke-late", 1, "call-late")).isEqualTo(JSON.readTree("{\"error\":{\"name\":"
				+ "\"InngestInvokeTimeoutError\",\"message\":\"Timed out waiting for invoked function to complete\"}}"));
	}

	@Test
	void anInvokeWhoseRunIsCancelledIsMemoizedAsAnError() {
		String key = UUID.randomUUID().toString();
		this.inngest.send(Event.of("fake/invoke-cancelled", Map.of("key", key)));
		RunView waiting = await().atMost(WAIT)
			.until(() -> find("fake-invoke-cancelled",
					(view) -> key.equals(view.event().data().get("key")) && view.status() == RunStatus.WAITING),
					(view) -> view != null);
		RunView invoked = await().atMost(WAIT)
			.until(() -> find("fake-sleeper",
					(view) -> view.event().data().get("_inngest") instanceof Map<?, ?> metadata
							&& waiting.id().equals(metadata.get("source_run_id"))),
					(view) -> view != null);
		this.runs.cancel(invoked.id());
		RunView caller = run("invoke-cancelled", key);
		assertThat(caller.status()).as(String.valueOf(caller.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(caller.output()).isEqualTo("cancelled under me");
		assertThat(memo("fake-invoke-cancelled", 1, "call-cancelled"))
			.isEqualTo(JSON.readTree("{\"error\":{\"name\":\"Error\",\"message\":\"function cancelled\"}}"));
	}

	@Test
	void anInvokeOfAnUnknownFunctionIsMemoizedAsAnErrorNamingIt() {
		RunView caller = run("invoke-missing");
		assertThat(caller.status()).as(String.valueOf(caller.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(memo("fake-invoke-missing", 1, "call-missing")).isEqualTo(JSON.readTree(
				"{\"error\":{\"name\":\"Error\",\"message\":\"could not find function with ID: fake-nothing\"}}"));
	}

	@Test
	void anInvokeLongerThanAYearFailsTheRun() {
		RunView run = run("invoke-too-long");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).contains("timeout 400d");
	}

	@Test
	void aWaitResolvedWhileItsRunExecutesResumesTheRunAtOnce() {
		String key = UUID.randomUUID().toString();
		this.inngest.send(Event.of("fake/lost-wake", Map.of("key", key)));
		await().atMost(WAIT)
			.until(() -> find("fake-lost-wake",
					(view) -> key.equals(view.event().data().get("key")) && view.status() == RunStatus.WAITING),
					(view) -> view != null);
		this.inngest.send(Event.of("fake/lost-wake-a", Map.of()));
		// Waited for an hour if the event of the wait it then awaited went unnoticed.
		RunView run = run("lost-wake", key);
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("both");
		assertThat(memo("fake-lost-wake", 2, "a").get("name").asString()).isEqualTo("fake/lost-wake-a");
		assertThat(memo("fake-lost-wake", 2, "b").get("name").asString()).isEqualTo("fake/lost-wake-b");
	}

	@Test
	void aRunThatEndsWhileAStepOfItsRaceStillWaitsLeavesNoWait() {
		RunView run = completed("race-ended");
		assertThat(run.output()).isEqualTo("deadline");
		assertThat(memo("fake-race-ended", 1, "deadline")).isNotNull();
		assertThat(memo("fake-race-ended", 1, "approval")).isNull();
		assertThat(this.waits.waitingSteps(run.id())).isEmpty();
		RunTimeline.Span approval = stepSpan(run, "approval");
		assertThat(approval.note()).isEqualTo("Not awaited any more: its run ended first");
		assertThat(approval.end()).isEqualTo(run.endedAt());
	}

	@Test
	void aStepPlannedBesideOneThatFailsIsKeptAndNotExecutedAgain() {
		RunView run = completed("planned-together");
		assertThat(run.output()).isEqualTo("done");
		List<String> stepIds = this.requests.get("fake-planned-together")
			.stream()
			.map(ServedFunctionAnswersTests::stepId)
			.toList();
		// The second's result was stored before the first's failure ended the attempt,
		// and only the first was called again at the retry.
		assertThat(stepIds).filteredOn(StepIds.hash("second")::equals).hasSize(1);
		assertThat(stepIds).filteredOn(StepIds.hash("first")::equals).hasSize(2);
		assertThat(memo("fake-planned-together", stepIds.size() - 1, "second"))
			.isEqualTo(JSON.readTree("{\"data\":\"two\"}"));
	}

	@Test
	void stepsThatFailTogetherEachCountTheFailureAndAreRetriedWithTheirNextAttempt() {
		RunView run = completed("failing-together");
		assertThat(run.output()).isEqualTo("done");
		for (String name : List.of("a", "b")) {
			assertThat(callsOf("fake-failing-together", name)).as("the calls of step %s", name)
				.extracting(ServedFunctionAnswersTests::attempt)
				.containsExactly(0, 1);
		}
		assertThat(callsOf("fake-failing-together", "c")).hasSize(1);
		assertThat(this.steps.attempts(run.id())).extracting(AttemptRecord::stepKey, AttemptRecord::attempt)
			.containsExactlyInAnyOrder(tuple(StepIds.hash("a"), 0), tuple(StepIds.hash("b"), 0));
	}

	@Test
	void aStepFailedBesideAnotherIsRetriedNoSoonerThanItsOwnRetry() {
		RunView run = completed("retried-apart");
		assertThat(run.output()).isEqualTo("apart");
		List<Request> soon = callsOf("fake-retried-apart", "soon");
		List<Request> later = callsOf("fake-retried-apart", "later");
		assertThat(soon).hasSize(2);
		assertThat(later).extracting(ServedFunctionAnswersTests::attempt).containsExactly(0, 1);
		assertThat(later.get(1).receivedAtMillis() - later.get(0).receivedAtMillis()).isGreaterThanOrEqualTo(1900);
		// The other step's retry was not held back for it.
		assertThat(soon.get(1).receivedAtMillis()).isLessThan(later.get(1).receivedAtMillis());
		assertThat(this.steps.attempts(run.id())).hasSize(2);
	}

	@Test
	void aStepThatFailsForGoodBesideOneToRetryIsMemoizedAndTheOtherRetried() {
		RunView run = completed("failing-mixed");
		assertThat(run.output()).isEqualTo("mixed");
		List<Request> calls = new ArrayList<>(this.requests.get("fake-failing-mixed"));
		assertThat(callsOf("fake-failing-mixed", "fatal")).hasSize(1);
		assertThat(callsOf("fake-failing-mixed", "flaky")).extracting(ServedFunctionAnswersTests::attempt)
			.containsExactly(0, 1);
		// The error of the step that failed for good was memoized for the app from the
		// first call after the failures.
		Request last = calls.get(calls.size() - 1);
		assertThat(last.body().path("steps").path(StepIds.hash("fatal")).path("error").path("message").asString())
			.isEqualTo("declined");
		assertThat(this.steps.attempts(run.id())).extracting(AttemptRecord::stepKey, AttemptRecord::attempt)
			.containsExactlyInAnyOrder(tuple(StepIds.hash("fatal"), 0), tuple(StepIds.hash("flaky"), 0));
	}

	@Test
	void aCallOfAStepThatFailsOutsideItsCodeCountsAgainstTheStep() {
		RunView run = completedAfterStepXRetried("step-call-failing", "recovered");
		assertThat(this.steps.attempts(run.id())).extracting(AttemptRecord::stepKey, AttemptRecord::attempt)
			.containsExactly(tuple(StepIds.hash("x"), 0));
	}

	@Test
	void aStepWhoseCallsFailOutsideItsCodeOnEveryAttemptFailsTheRun() {
		RunView run = run("step-call-failing-always");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).isEqualTo("gateway down");
		List<Request> calls = new ArrayList<>(this.requests.get("fake-step-call-failing-always"));
		assertThat(callsOf("fake-step-call-failing-always", "x")).extracting(ServedFunctionAnswersTests::attempt)
			.containsExactly(0, 1, 2);
		// The run failed on the step's last attempt, without another discovery.
		assertThat(stepId(calls.get(calls.size() - 1))).isEqualTo(StepIds.hash("x"));
	}

	@Test
	void stepsWhoseCallsFailTogetherOutsideTheirCodeEachCountTheFailure() {
		RunView run = completed("step-calls-failing-together");
		for (String name : List.of("a", "b")) {
			assertThat(callsOf("fake-step-calls-failing-together", name)).as("the calls of step %s", name)
				.extracting(ServedFunctionAnswersTests::attempt)
				.containsExactly(0, 1);
		}
		assertThat(this.steps.attempts(run.id())).extracting(AttemptRecord::stepKey)
			.containsExactlyInAnyOrder(StepIds.hash("a"), StepIds.hash("b"));
	}

	@Test
	void aStepCallRefusedForGoodFailsTheRunAndKeepsTheFailuresBesideIt() {
		RunView run = run("step-call-refused");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).isEqualTo("refused");
		assertThat(callsOf("fake-step-call-refused", "a")).hasSize(1);
		assertThat(callsOf("fake-step-call-refused", "b")).hasSize(1);
		assertThat(this.steps.attempts(run.id())).extracting(AttemptRecord::stepKey).contains(StepIds.hash("a"));
		RunTimeline.Span a = stepSpan(run, "a");
		assertThat(a.note()).isEqualTo("Not retried: its run ended first");
		assertThat(a.end()).isEqualTo(run.endedAt());
	}

	@Test
	void aCallThatDoesNotReachItsStepCountsAgainstTheStep() {
		RunView run = completedAfterStepXRetried("step-not-found", "found");
		assertThat(this.steps.attempts(run.id())).extracting(AttemptRecord::stepKey).containsExactly(StepIds.hash("x"));
	}

	@Test
	void stepsCalledTogetherAreListedInTheOrderTheyEnded() {
		RunView run = completed("finish-order");
		assertThat(run.output()).isEqualTo("ordered");
		JsonNode last = this.requests.get("fake-finish-order").getLast().body();
		// As the SDK resolves a race of two steps by this order.
		assertThat(last.get("ctx").get("stack").get("stack").valueStream().map(JsonNode::asString))
			.containsExactly(StepIds.hash("fast"), StepIds.hash("slow"));
	}

	@Test
	void aStepCallAnsweredWithMalformedOpsCountsAgainstTheStep() {
		RunView run = completedAfterStepXRetried("step-call-malformed", "mended");
		assertThat(this.steps.attempts(run.id())).singleElement().satisfies((attempt) -> {
			assertThat(attempt.stepKey()).isEqualTo(StepIds.hash("x"));
			assertThat(attempt.error().message()).contains("neither an op nor an array of ops");
		});
	}

	@Test
	void stepsPlannedTogetherAreCalledAtOnceUpToALimit() {
		RunView run = completed("many-planned");
		List<String> stepIds = this.requests.get("fake-many-planned")
			.stream()
			.map(ServedFunctionAnswersTests::stepId)
			.filter((stepId) -> !stepId.equals(DISCOVERY))
			.toList();
		int many = ServedFunctionBody.MAX_CALLS_AT_ONCE + 4;
		assertThat(stepIds).hasSize(many).doesNotHaveDuplicates();
		assertThat(this.maxInFlight.get()).isGreaterThan(1).isLessThanOrEqualTo(ServedFunctionBody.MAX_CALLS_AT_ONCE);
	}

	/**
	 * A completed run of a function whose step {@code x} was called twice, the second
	 * time with its next attempt.
	 */
	private RunView completedAfterStepXRetried(String id, String output) {
		RunView run = completed(id);
		assertThat(run.output()).isEqualTo(output);
		assertThat(callsOf("fake-" + id, "x")).extracting(ServedFunctionAnswersTests::attempt).containsExactly(0, 1);
		return run;
	}

	/** The span of a run's step on its timeline. */
	private RunTimeline.Span stepSpan(RunView run, String name) {
		return this.runs.timeline(run.id())
			.orElseThrow()
			.spans()
			.stream()
			.filter((span) -> StepIds.hash(name).equals(span.stepKey()))
			.findFirst()
			.orElseThrow();
	}

	/** How many requests for a step a function got, this one included. */
	private long count(Request request, String stepId) {
		String functionId = request.query().replaceAll("^fnId=([^&]*).*$", "$1");
		return this.requests.get(functionId)
			.stream()
			.filter((other) -> other.query().contains("stepId=" + stepId))
			.count();
	}

	/** The calls a function got of the step of a name, in order. */
	private List<Request> callsOf(String functionId, String step) {
		String id = StepIds.hash(step);
		return this.requests.get(functionId).stream().filter((call) -> stepId(call).equals(id)).toList();
	}

	/** The attempt a call carried. */
	private static int attempt(Request call) {
		return call.body().path("ctx").path("attempt").asInt();
	}

	/** The step a request asks to execute, or {@link #DISCOVERY}. */
	private static String stepId(Request request) {
		return request.query().replaceAll("^.*stepId=([^&]*).*$", "$1");
	}

	/**
	 * A discovery's answer: the steps of these names that have no memo yet, planned, or
	 * the function's return value once all have one.
	 */
	private static Reply planUnmemoized(Request request, List<String> names, String value) {
		JsonNode memos = request.body().get("steps");
		String[] planned = names.stream()
			.filter((name) -> !memos.has(StepIds.hash(name)))
			.map((name) -> "{\"op\":\"StepPlanned\",\"id\":\"" + StepIds.hash(name) + "\",\"name\":\"" + name + "\"}")
			.toArray(String[]::new);
		return (planned.length == 0) ? new Reply(200, true, Map.of(), value) : ops(planned);
	}

	/** An error answer to retry, as an SDK answers a failure outside a step. */
	private static Reply serverError(String message) {
		return new Reply(500, true, Map.of("X-Inngest-No-Retry", "false"),
				"{\"name\":\"Error\",\"message\":\"" + message + "\"}");
	}

	/** An answer that reports an attempt of a step failed, to retry. */
	private static Reply stepError(String id, Map<String, String> headers) {
		Map<String, String> all = new HashMap<>(headers);
		all.put("X-Inngest-No-Retry", "false");
		return new Reply(206, true, all, "[{\"op\":\"StepError\",\"id\":\"" + id
				+ "\",\"error\":{\"name\":\"Error\",\"message\":\"not yet\"}}]");
	}

	private static Reply stepRun(String id, String data) {
		return ops("{\"op\":\"StepRun\",\"id\":\"" + id + "\",\"data\":" + data + "}");
	}

	/** An answer of 206 with these ops. */
	private static Reply ops(String... ops) {
		return new Reply(206, true, Map.of(), "[" + String.join(",", ops) + "]");
	}

	private static String waitOp(String name, String event) {
		return "{\"op\":\"WaitForEvent\",\"id\":\"" + StepIds.hash(name) + "\",\"name\":\"" + event
				+ "\",\"opts\":{\"event\":\"" + event + "\",\"timeout\":\"1h\"}}";
	}

	private Reply invoke(String name, String opts) {
		return new Reply(206, true, Map.of(), "[{\"op\":\"InvokeFunction\",\"id\":\"" + StepIds.hash(name)
				+ "\",\"name\":\"" + name + "\",\"opts\":" + opts + "}]");
	}

	/** The memo of a step in the n-th call a function got. */
	private JsonNode memo(String functionId, int call, String step) {
		return new ArrayList<>(this.requests.get(functionId)).get(call).body().get("steps").get(StepIds.hash(step));
	}

	/** Runs a function and asserts that its run completed. */
	private RunView completed(String id) {
		RunView run = run(id);
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		return run;
	}

	private RunView run(String id) {
		String key = UUID.randomUUID().toString();
		this.inngest.send(Event.of("fake/" + id, Map.of("key", key)));
		return run(id, key);
	}

	private RunView run(String id, String key) {
		return await().atMost(WAIT)
			.until(() -> this.runs.list(new RunQuery("fake-" + id, null, null, null, RunQuery.MAX_LIMIT, null))
				.runs()
				.stream()
				.filter((view) -> key.equals(view.event().data().get("key")) && view.status().isFinal())
				.findFirst()
				.orElse(null), (view) -> view != null);
	}

	private RunView find(String functionId, java.util.function.Predicate<RunView> filter) {
		return this.runs.list(new RunQuery(functionId, null, null, null, RunQuery.MAX_LIMIT, null))
			.runs()
			.stream()
			.filter(filter)
			.findFirst()
			.orElse(null);
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void script(String id, Function<Integer, Reply> script) {
		this.scripts.put(id, script);
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] bytes = exchange.getRequestBody().readAllBytes();
		String query = exchange.getRequestURI().getRawQuery();
		String functionId = query.replaceAll("^fnId=([^&]*).*$", "$1");
		Deque<Request> calls = this.requests.computeIfAbsent(functionId, (key) -> new ConcurrentLinkedDeque<>());
		Request request = new Request(query, JSON.readTree(bytes), bytes,
				exchange.getRequestHeaders().getFirst("X-Inngest-Signature"), System.currentTimeMillis());
		calls.add(request);
		String scriptId = functionId.substring("fake-".length());
		Function<Request, Reply> stepScript = this.stepScripts.get(scriptId);
		Reply reply = (stepScript != null) ? stepScript.apply(request)
				: this.scripts.get(scriptId).apply(calls.size() - 1);
		byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		if (reply.sdk()) {
			exchange.getResponseHeaders().add("X-Inngest-SDK", "fake:v1.0.0");
		}
		long now = System.currentTimeMillis() / 1000;
		String signature = switch (reply.signing()) {
			case KEY -> SigningKey.of(KEY).signatureHeader(body, now);
			case NONE -> null;
			case OTHER_KEY -> OTHER_KEY.signatureHeader(body, now);
			case STALE -> SigningKey.of(KEY).signatureHeader(body, now - 301);
			case OTHER_BYTES ->
				SigningKey.of(KEY).signatureHeader("\"original\"".getBytes(StandardCharsets.UTF_8), now);
			case MILLISECONDS -> SigningKey.of(KEY).signatureHeader(body, System.currentTimeMillis());
		};
		if (signature != null) {
			exchange.getResponseHeaders().add("X-Inngest-Signature", signature);
		}
		reply.headers().forEach((name, value) -> {
			if (!name.equals(BODY_DELAY)) {
				exchange.getResponseHeaders().add(name, value);
			}
		});
		try {
			exchange.sendResponseHeaders(reply.status(), body.length);
			String bodyDelay = reply.headers().get(BODY_DELAY);
			if (bodyDelay != null) {
				// The answer begins at once, and its last byte comes late.
				exchange.getResponseBody().write(body, 0, body.length - 1);
				exchange.getResponseBody().flush();
				pause(Duration.parse(bodyDelay));
				exchange.getResponseBody().write(body, body.length - 1, 1);
			}
			else {
				exchange.getResponseBody().write(body);
			}
		}
		catch (IOException ex) {
			// The executor gave up on a late answer.
		}
		exchange.close();
	}

	record Request(String query, JsonNode body, byte[] bytes, String signature, long receivedAtMillis) {

	}

	/**
	 * An answer as the app sends it, signed as an SDK that holds the key signs it unless
	 * the test says otherwise.
	 */
	record Reply(int status, boolean sdk, Map<String, String> headers, String body, Signing signing) {

		Reply(int status, boolean sdk, Map<String, String> headers, String body) {
			this(status, sdk, headers, body, Signing.KEY);
		}

	}

	/** How an answer is signed. */
	enum Signing {

		/** With the executor's key, now. */
		KEY,

		/** Not at all. */
		NONE,

		/** With another key. */
		OTHER_KEY,

		/** With the executor's key, over five minutes ago. */
		STALE,

		/** With the executor's key, over other bytes than the ones sent. */
		OTHER_BYTES,

		/**
		 * With the executor's key, now, in milliseconds, as the JavaScript SDK did before
		 * 3.54.1 and 4.2.5.
		 */
		MILLISECONDS

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
