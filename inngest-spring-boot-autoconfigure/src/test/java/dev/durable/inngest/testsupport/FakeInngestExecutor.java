package dev.durable.inngest.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import dev.durable.inngest.function.Expression;
import dev.durable.inngest.remote.CanonicalJson;
import dev.durable.inngest.remote.SigningKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * Drives an application's serve endpoint over real HTTP as the Inngest platform's
 * executor does: syncs it (in band, from the PUT's answer, or from a register payload
 * posted out of band), then runs a function by sending signed call requests whose
 * {@code steps} grow with each step's outcome (§7–§9 of the SDK protocol). It memoizes
 * run steps, retries step errors and failed requests within the function's attempts,
 * skips sleeps (recording them), answers waits with an event or a time-out chosen by the
 * test, and records every exchange, so that a test can check both what a run did and what
 * went over the wire.
 */
public final class FakeInngestExecutor {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	/**
	 * How many requests one run may take before the fake gives up, against a runaway
	 * loop.
	 */
	private static final int MAX_REQUESTS = 500;

	private final HttpClient http = HttpClient.newHttpClient();

	private final String appUrl;

	private final SigningKey signingKey;

	private final Clock clock;

	private final Map<String, JsonNode> functions = new LinkedHashMap<>();

	private Function<JsonNode, JsonNode> waits = (op) -> null;

	private FakePlatform api;

	/**
	 * Creates an executor for an application.
	 * @param appUrl the serve endpoint's URL, such as
	 * {@code http://localhost:8080/api/inngest}
	 * @param signingKey the key it signs requests with, or {@code null} to send them
	 * unsigned, as the dev server does
	 * @param clock the time of the signatures
	 */
	public FakeInngestExecutor(String appUrl, SigningKey signingKey, Clock clock) {
		this.appUrl = appUrl;
		this.signingKey = signingKey;
		this.clock = clock;
	}

	/**
	 * Says how waits for events end: the event that arrived, or {@code null} for a
	 * time-out.
	 * @param waits from the {@code WaitForEvent} op to the event, or {@code null}
	 * @return this executor
	 */
	public FakeInngestExecutor answeringWaits(Function<JsonNode, JsonNode> waits) {
		this.waits = waits;
		return this;
	}

	/**
	 * Leaves a run's events and steps out of every call request ({@code use_api: true}),
	 * as the platform does when they are too large, and hands them to a fake platform's
	 * API instead, for the application to fetch.
	 * @param api the platform whose API serves them
	 * @return this executor
	 */
	public FakeInngestExecutor overApi(FakePlatform api) {
		this.api = api;
		return this;
	}

	/**
	 * Syncs in band: a signed PUT asking for the configuration in its answer.
	 * @return the answer
	 */
	public Exchange syncInBand() {
		byte[] body = JSON.writeValueAsBytes(Map.of("url", this.appUrl));
		Exchange exchange = send("PUT", this.appUrl, body, Map.of("X-Inngest-Sync-Kind", "in_band"));
		if (exchange.status() == 200) {
			use(exchange.json().get("functions"));
		}
		return exchange;
	}

	/**
	 * Takes the functions of a register payload posted out of band, as the platform
	 * would.
	 * @param payload the payload posted to {@code /fn/register}
	 * @return this executor
	 */
	public FakeInngestExecutor useRegistered(JsonNode payload) {
		use(payload.get("functions"));
		return this;
	}

	private void use(JsonNode configs) {
		this.functions.clear();
		configs.forEach((config) -> this.functions.put(config.get("id").asString(), config));
	}

	/**
	 * The functions synced, by composite id.
	 * @return their configurations
	 */
	public Map<String, JsonNode> functions() {
		return Map.copyOf(this.functions);
	}

	/**
	 * Runs a function to its end.
	 * @param functionId the composite id, or its end after the application's id
	 * @param event the triggering event, such as {@code {"name": "...", "data": {...}}}
	 * @return how the run went
	 */
	public Run run(String functionId, Map<String, Object> event) {
		JsonNode config = function(functionId);
		String id = config.get("id").asString();
		JsonNode retries = config.path("steps").path("step").path("retries").path("attempts");
		int maxAttempts = (retries.isNumber() ? retries.asInt() : 4) + 1;
		String url = config.path("steps").path("step").path("runtime").path("url").asString();
		ObjectNode trigger = JSON.valueToTree(event);
		trigger.putIfAbsent("id", NODES.stringNode(UUID.randomUUID().toString()));
		trigger.putIfAbsent("ts", NODES.numberNode(this.clock.millis()));
		trigger.putIfAbsent("data", NODES.objectNode());
		trigger.putIfAbsent("user", NODES.objectNode());
		RunState state = new RunState(id, "01FAKE"
				+ UUID.randomUUID().toString().replace("-", "").substring(0, 20).toUpperCase(java.util.Locale.ROOT),
				trigger, maxAttempts);
		for (int i = 0; i < MAX_REQUESTS; i++) {
			Exchange exchange = call(url, state);
			state.exchanges.add(exchange);
			Run done = next(state, exchange);
			if (done != null) {
				return done;
			}
		}
		return state.end(Outcome.GAVE_UP, null);
	}

	/**
	 * Emits {@code inngest/function.failed} for a run that failed for good, as the
	 * platform does, and runs the functions it triggers: the run's failure handler and
	 * any other function synced for it.
	 * @param failed the run
	 * @return the runs it triggered, by composite function id
	 */
	public Map<String, Run> emitFailed(Run failed) {
		if (failed.outcome() != Outcome.FAILED) {
			throw new IllegalArgumentException("Run " + failed.runId() + " did not fail but " + failed.outcome());
		}
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("name", failed.result().path("name").asString("Error"));
		error.put("message", failed.result().path("message").asString(""));
		error.put("stack", failed.result().path("stack").asString(""));
		return emit("inngest/function.failed", systemData(failed.functionId(), failed.runId(), error, failed.event()));
	}

	/**
	 * Emits {@code inngest/function.cancelled} for a run the platform cancelled, and runs
	 * the functions it triggers.
	 * @param functionId the composite id of the cancelled run's function
	 * @param runId the cancelled run's id
	 * @param event the cancelled run's triggering event
	 * @return the runs it triggered, by composite function id
	 */
	public Map<String, Run> emitCancelled(String functionId, String runId, Map<String, Object> event) {
		return emit("inngest/function.cancelled", systemData(functionId, runId,
				Map.of("name", "Error", "message", "function cancelled"), JSON.valueToTree(event)));
	}

	private static Map<String, Object> systemData(String functionId, String runId, Map<String, Object> error,
			JsonNode event) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("function_id", functionId);
		data.put("run_id", runId);
		data.put("error", error);
		data.put("event", event);
		return data;
	}

	/**
	 * Runs every synced function that an event triggers: one of its triggers names the
	 * event and its expression, if any, lets the event through.
	 * @param name the event's name
	 * @param data the event's data
	 * @return the runs, by composite function id
	 */
	public Map<String, Run> emit(String name, Map<String, Object> data) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("name", name);
		event.put("data", JSON.convertValue(data, Map.class));
		event.put("id", UUID.randomUUID().toString());
		event.put("ts", this.clock.millis());
		event.put("user", Map.of());
		Map<String, Run> runs = new LinkedHashMap<>();
		this.functions.forEach((id, config) -> {
			for (JsonNode trigger : config.path("triggers")) {
				JsonNode expression = trigger.path("expression");
				if (name.equals(trigger.path("event").asString(null))
						&& (!expression.isString() || Expression.compile(expression.asString()).matches(event, null))) {
					runs.put(id, run(id, event));
					break;
				}
			}
		});
		return runs;
	}

	private JsonNode function(String functionId) {
		JsonNode config = this.functions.get(functionId);
		if (config == null) {
			config = this.functions.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().endsWith("-" + functionId))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException(
						"No function " + functionId + " was synced; synced are " + this.functions.keySet()));
		}
		return config;
	}

	private Exchange call(String url, RunState state) {
		ObjectNode ctx = NODES.objectNode();
		ctx.put("attempt", state.attempt);
		ctx.put("disable_immediate_execution", state.disableImmediateExecution);
		ctx.put("env", "");
		ctx.put("fn_id", UUID.nameUUIDFromBytes(state.functionId.getBytes(StandardCharsets.UTF_8)).toString());
		ctx.put("max_attempts", state.maxAttempts);
		ctx.put("qi_id", "");
		ctx.put("run_id", state.runId);
		ObjectNode stack = ctx.putObject("stack");
		stack.put("current", state.stack.size());
		ArrayNode hashes = stack.putArray("stack");
		state.stack.forEach(hashes::add);
		ctx.put("step_id", state.target);
		boolean useApi = this.api != null;
		ctx.put("use_api", useApi);
		ObjectNode body = NODES.objectNode();
		body.set("ctx", ctx);
		if (useApi) {
			this.api.holdRun(state.runId, NODES.arrayNode().add(state.event), state.steps.deepCopy());
			body.putObject("event");
			body.putArray("events");
			body.putObject("steps");
		}
		else {
			body.set("event", state.event);
			body.putArray("events").add(state.event);
			body.set("steps", state.steps.deepCopy());
		}
		body.put("use_api", useApi);
		body.put("version", state.version);
		String target = UriComponentsBuilder.fromUriString(url)
			.replaceQueryParam("stepId", state.target)
			.build()
			.toUriString();
		// Sent canonical, as the platform sends call requests.
		return send("POST", target, CanonicalJson.canonicalize(JSON.writeValueAsBytes(body)), Map.of());
	}

	private Run next(RunState state, Exchange exchange) {
		state.version = 2;
		boolean noRetry = "true".equals(exchange.header("X-Inngest-No-Retry"));
		if (exchange.status() == 200) {
			return state.end(Outcome.COMPLETED, exchange.json());
		}
		if (exchange.status() == 206) {
			JsonNode ops = exchange.json();
			JsonNode op = ops.isArray() ? ops.get(0) : ops;
			if (op == null) {
				return state.end(Outcome.GAVE_UP, ops);
			}
			if (ops.isArray() && ops.size() > 1) {
				// Parallel steps: plan them all, then run each in its own targeted
				// request.
				state.disableImmediateExecution = true;
				ops.forEach((planned) -> state.planned.add(planned.get("id").asString()));
				state.target = state.planned.remove(0);
				return null;
			}
			return apply(state, op, noRetry);
		}
		if (exchange.status() == 401 || noRetry || state.attempt + 1 >= state.maxAttempts) {
			return state.end(Outcome.FAILED, exchange.json());
		}
		state.attempt++;
		state.retries++;
		return null;
	}

	private Run apply(RunState state, JsonNode op, boolean noRetry) {
		String id = op.path("id").asString();
		switch (op.path("op").asString()) {
			case "RunComplete" -> {
				return state.end(Outcome.COMPLETED, op.get("data"));
			}
			case "StepRun" -> state.memoize(id, NODES.objectNode().set("data", op.get("data")));
			case "StepFailed" -> state.memoize(id, NODES.objectNode().set("error", op.get("error")));
			case "StepError" -> {
				if (noRetry || state.attempt + 1 >= state.maxAttempts) {
					state.memoize(id, NODES.objectNode().set("error", op.get("error")));
				}
				else {
					state.attempt++;
					state.retries++;
					state.target = id;
				}
			}
			case "StepPlanned" -> {
				state.target = id;
				state.attempt = 0;
			}
			case "Sleep" -> {
				JsonNode duration = op.path("opts").path("duration");
				state.sleeps.add(duration.isString() ? duration.asString() : op.path("name").asString());
				state.memoize(id, NODES.nullNode());
			}
			case "WaitForEvent" -> {
				JsonNode received = this.waits.apply(op);
				state.memoize(id, (received != null) ? received : NODES.nullNode());
			}
			case "StepNotFound" -> {
				state.attempt++;
				state.retries++;
				if (state.attempt >= state.maxAttempts) {
					return state.end(Outcome.FAILED, op);
				}
			}
			default -> {
				return state.end(Outcome.GAVE_UP, op);
			}
		}
		state.ops.add(op);
		return null;
	}

	/**
	 * Sends one request to the application, signed unless the executor has no key.
	 * @param method the method
	 * @param url the URL
	 * @param body the body's bytes
	 * @param headers more headers
	 * @return the exchange
	 */
	public Exchange send(String method, String url, byte[] body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.method(method, HttpRequest.BodyPublishers.ofByteArray(body))
			.header("Content-Type", "application/json")
			.header("X-Inngest-Server-Kind", "cloud");
		headers.forEach(request::header);
		if (this.signingKey != null) {
			request.header("X-Inngest-Signature",
					this.signingKey.signatureHeader(body, this.clock.instant().getEpochSecond()));
		}
		try {
			HttpResponse<byte[]> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
			JsonNode json = null;
			try {
				json = (response.body().length > 0) ? JSON.readTree(response.body()) : null;
			}
			catch (RuntimeException ex) {
				// Not JSON: the exchange keeps the bytes.
			}
			return new Exchange(method, url, body, response.statusCode(), response.headers().map(), response.body(),
					json);
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + url + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * How a run ended.
	 */
	public enum Outcome {

		/** The function returned. */
		COMPLETED,

		/** The function failed for good, or its attempts ran out. */
		FAILED,

		/** The application answered something the fake does not drive further. */
		GAVE_UP

	}

	/**
	 * A run as the fake drove it.
	 *
	 * @param outcome how it ended
	 * @param result the output, the error, or what the fake could not drive
	 * @param ops the ops the application answered, in order
	 * @param steps the memoized state at the end, by step hash
	 * @param sleeps the durations of the sleeps, in order
	 * @param retries how many requests were retried
	 * @param exchanges every request and answer
	 * @param functionId the function's composite id
	 * @param runId the run's id
	 * @param event the triggering event
	 */
	public record Run(Outcome outcome, JsonNode result, List<JsonNode> ops, JsonNode steps, List<String> sleeps,
			int retries, List<Exchange> exchanges, String functionId, String runId, JsonNode event) {

	}

	/**
	 * One request to the application and its answer.
	 *
	 * @param method the method
	 * @param url the URL
	 * @param requestBody the request's bytes
	 * @param status the status
	 * @param headers the answer's headers
	 * @param body the answer's bytes
	 * @param json the answer as JSON, or {@code null} if it is not JSON
	 */
	public record Exchange(String method, String url, byte[] requestBody, int status, Map<String, List<String>> headers,
			byte[] body, JsonNode json) {

		/**
		 * An answer's header.
		 * @param name the name, in any case
		 * @return its first value, or {@code null}
		 */
		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
				.map((entry) -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		/**
		 * The answer's body as text.
		 * @return the body
		 */
		public String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

	private static final class RunState {

		final String functionId;

		final String runId;

		final ObjectNode event;

		final int maxAttempts;

		final ObjectNode steps = NODES.objectNode();

		final List<String> stack = new ArrayList<>();

		final List<String> planned = new ArrayList<>();

		final List<JsonNode> ops = new ArrayList<>();

		final List<String> sleeps = new ArrayList<>();

		final List<Exchange> exchanges = new ArrayList<>();

		String target = "step";

		int attempt;

		int retries;

		int version = -1;

		boolean disableImmediateExecution;

		RunState(String functionId, String runId, ObjectNode event, int maxAttempts) {
			this.functionId = functionId;
			this.runId = runId;
			this.event = event;
			this.maxAttempts = maxAttempts;
		}

		void memoize(String id, JsonNode memo) {
			this.steps.set(id, memo);
			this.stack.add(id);
			this.attempt = 0;
			this.target = this.planned.isEmpty() ? "step" : this.planned.remove(0);
		}

		Run end(Outcome outcome, JsonNode result) {
			return new Run(outcome, result, List.copyOf(this.ops), this.steps.deepCopy(), List.copyOf(this.sleeps),
					this.retries, List.copyOf(this.exchanges), this.functionId, this.runId, this.event.deepCopy());
		}

	}

}
