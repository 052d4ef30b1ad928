package dev.durable.inngest.remote;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RetryAfterException;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.engine.InvalidStepException;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.StepReplay;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.function.Invocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Executes call requests: runs the called function's body once, with the same step
 * semantics as the local engine, over the memoized state the request carries, and answers
 * with the run's output, the op of the first step that has none, or the error, as the
 * official JavaScript SDK answers them. The platform keeps the run's state and decides on
 * retries; the application executes code.
 */
public final class RemoteCalls implements CallHandler {

	/** The header that tells the platform whether to retry after an error. */
	public static final String NO_RETRY = "X-Inngest-No-Retry";

	/** The longest delay a {@code Retry-After} asks for: one day. */
	private static final long MAX_RETRY_AFTER_SECONDS = 86_400;

	private static final Log logger = LogFactory.getLog(RemoteCalls.class);

	private static final String DISCOVERY = "step";

	private final String appId;

	private final Supplier<FunctionRegistry> functions;

	private final JsonMapper mapper;

	private final JsonCodec json;

	private final EventSender sender;

	private final RunPayloads payloads;

	private final Clock clock;

	/** The steps warned of a retry budget the platform cannot honour, to warn once. */
	private final Set<String> warnedSteps = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the handler of an application's call requests.
	 * @param appId the application's id, which prefixes its functions' ids on the wire
	 * @param functions the functions
	 * @param mapper reads events and step values and writes outputs
	 * @param sender sends the events of {@code sendEvent} steps
	 * @param payloads fetches the events and steps a request left out as too large
	 * @param clock the clock for sleeps until an instant and {@code Retry-After}
	 */
	public RemoteCalls(String appId, FunctionRegistry functions, JsonMapper mapper, EventSender sender,
			RunPayloads payloads, Clock clock) {
		this(appId, () -> functions, mapper, sender, payloads, clock);
	}

	/**
	 * Creates the handler of an application's call requests, whose functions are read
	 * when a call needs them: in an application, they are complete only once its beans
	 * are created.
	 * @param appId the application's id, which prefixes its functions' ids on the wire
	 * @param functions the functions
	 * @param mapper reads events and step values and writes outputs
	 * @param sender sends the events of {@code sendEvent} steps
	 * @param payloads fetches the events and steps a request left out as too large
	 * @param clock the clock for sleeps until an instant and {@code Retry-After}
	 */
	public RemoteCalls(String appId, Supplier<FunctionRegistry> functions, JsonMapper mapper, EventSender sender,
			RunPayloads payloads, Clock clock) {
		this.appId = appId;
		this.functions = functions;
		this.mapper = mapper;
		this.json = new JsonCodec(mapper);
		this.sender = sender;
		this.payloads = payloads;
		this.clock = clock;
	}

	@Override
	public CallResponse call(CallRequest request) {
		Optional<FunctionDefinition> found = find(request.functionId());
		if (found.isEmpty()) {
			// As the official SDK answers: retried by the platform, which heals a deploy
			// race.
			ObjectNode error = this.mapper.createObjectNode();
			error.put("name", "Error");
			error.put("message", "Function \"" + request.functionId()
					+ "\" was not found in this app; is the app synced correctly?");
			return new CallResponse(500, Map.of(), this.mapper.writeValueAsString(error));
		}
		FunctionDefinition function = found.get();
		Call call;
		try {
			call = Call.read(this.mapper, request.body(), function);
		}
		catch (JacksonException ex) {
			// A body that is not JSON, or past the reader's limits (nesting, length), is
			// the request's fault: refused before any function code runs.
			return refused("is not JSON the application can read: " + Errors.abbreviate(ex.getOriginalMessage()));
		}
		catch (UnreadableCallException ex) {
			return refused(ex.getMessage());
		}
		try {
			if (call.useApi()) {
				JsonNode events = this.payloads.events(call.runId());
				call = call.withPayloads(events, this.payloads.steps(call.runId()));
			}
		}
		catch (RuntimeException ex) {
			return error(500, "false", WireErrors.of(this.mapper, ex), Map.of());
		}
		String target = (request.stepId() == null || DISCOVERY.equals(request.stepId())) ? null : request.stepId();
		RemoteExecution execution = new RemoteExecution(this.mapper, call.steps(), target,
				call.disableImmediateExecution(), call.lastAttempt(), call.attempt(), call.maxAttempts(), function.id(),
				this.warnedSteps, this.sender, this.clock);
		StepReplay steps = new StepReplay(call.runId(), function.id(), call.maxAttempts(), call.attempt(), this.json,
				execution);
		Object output;
		try {
			Event event = this.mapper.treeToValue(event(call.event()), Event.class);
			FailureContext failure = function.handledRun(event);
			output = function.invoker().invoke(new Invocation(event, steps, steps, failure, this.mapper));
		}
		catch (Throwable ex) {
			StepInterrupt interrupt = interrupt(ex, execution);
			return (interrupt != null) ? interrupt.response() : failed(ex, call.lastAttempt(), execution);
		}
		if (execution.interrupt() != null) {
			logger.warn("Function '" + function.id() + "' caught the signal that stops it at a step and returned; "
					+ "do not catch Throwable or Error around steps");
			return execution.interrupt().response();
		}
		return new CallResponse(200, Map.of(), this.mapper.writeValueAsString(output));
	}

	private Optional<FunctionDefinition> find(String id) {
		String prefix = FunctionConfigs.compositeId(this.appId, "");
		if (id.startsWith(prefix)) {
			Optional<FunctionDefinition> function = this.functions.get().find(id.substring(prefix.length()));
			if (function.isPresent()) {
				return function;
			}
		}
		return this.functions.get().find(id);
	}

	/**
	 * The interrupt that stopped the body, even if the body wrapped it in another
	 * exception.
	 */
	private static @Nullable StepInterrupt interrupt(Throwable thrown, RemoteExecution execution) {
		for (Throwable ex = thrown; ex != null; ex = (ex.getCause() != ex) ? ex.getCause() : null) {
			if (ex instanceof StepInterrupt interrupt) {
				return interrupt;
			}
		}
		return execution.interrupt();
	}

	private CallResponse failed(Throwable ex, boolean lastAttempt, RemoteExecution execution) {
		if (ex instanceof StepFailedException failed) {
			// A step that failed for good and that the body did not handle fails the run,
			// with the step's error as the platform sent it.
			ObjectNode memoized = execution.memoizedError(failed.error());
			return error(400, "true", (memoized != null) ? memoized : WireErrors.of(this.mapper, failed.error()),
					Map.of());
		}
		// The official SDK, unlike the spec, answers the last attempt's error as final
		// itself.
		if (ex instanceof NonRetriableException || ex instanceof InvalidStepException || lastAttempt) {
			return error(400, "true", WireErrors.of(this.mapper, ex), Map.of());
		}
		if (ex instanceof RetryAfterException retry) {
			return error(500, "false", WireErrors.of(this.mapper, ex),
					Map.of("Retry-After", retryAfter(retry, this.clock.instant())));
		}
		return error(500, "false", WireErrors.of(this.mapper, ex), Map.of());
	}

	private CallResponse refused(String problem) {
		ObjectNode refusal = this.mapper.createObjectNode();
		refusal.put("error", "The call request's body " + problem);
		refusal.put("status", 400);
		return new CallResponse(400, Map.of(NO_RETRY, "true"), this.mapper.writeValueAsString(refusal));
	}

	private CallResponse error(int status, String noRetry, ObjectNode error, Map<String, String> headers) {
		Map<String, String> all = new LinkedHashMap<>(headers);
		all.put(NO_RETRY, noRetry);
		return new CallResponse(status, Map.copyOf(all), this.mapper.writeValueAsString(error));
	}

	/**
	 * An event as the platform sends it, with the fields an {@link Event} needs: an event
	 * sent without a time has none until the platform stores it.
	 */
	static JsonNode event(JsonNode event) {
		if (event instanceof ObjectNode object && !object.hasNonNull("ts")) {
			ObjectNode copy = object.deepCopy();
			copy.put("ts", 0L);
			return copy;
		}
		return event;
	}

	/**
	 * The {@code Retry-After} of a {@link RetryAfterException}: whole seconds from now,
	 * at least one, as the official SDK sends it.
	 */
	static String retryAfter(RetryAfterException ex, Instant now) {
		return seconds(Duration.between(now, ex.retryAt(now)));
	}

	/**
	 * A delay as a {@code Retry-After} value: whole seconds, rounded up, from one second
	 * to one day. The platform waits no longer than a day, and reads a value of more than
	 * seven characters as a date, not as seconds.
	 */
	static String seconds(Duration delay) {
		long seconds = delay.toSeconds() + ((delay.toNanosPart() > 0) ? 1 : 0);
		return Long.toString(Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, seconds)));
	}

	/**
	 * What a call request's body says, as far as a sequential SDK needs it.
	 */
	record Call(JsonNode event, JsonNode steps, String runId, int attempt, int maxAttempts, boolean lastAttempt,
			boolean disableImmediateExecution, boolean useApi) {

		static Call read(JsonMapper mapper, byte[] body, FunctionDefinition function) {
			JsonNode root = mapper.readTree(body);
			if (root == null || root.isMissingNode()) {
				throw new UnreadableCallException("is empty");
			}
			if (!root.isObject()) {
				throw new UnreadableCallException("is JSON but not an object: " + root.getNodeType());
			}
			JsonNode ctx = root.path("ctx");
			String runId = ctx.path("run_id").asString("");
			int attempt = ctx.path("attempt").asInt(0);
			// Old servers leave max_attempts out: the function's own retries count then.
			boolean known = ctx.hasNonNull("max_attempts");
			int maxAttempts = known ? ctx.path("max_attempts").asInt() : function.maxAttempts();
			// Only the platform's count tells the last attempt, as in the official SDK.
			boolean lastAttempt = known && attempt >= maxAttempts - 1;
			boolean useApi = root.path("use_api").asBoolean(false) || ctx.path("use_api").asBoolean(false);
			JsonNode steps = root.path("steps");
			return new Call(root.path("event"), steps.isObject() ? steps : mapper.createObjectNode(), runId, attempt,
					maxAttempts, lastAttempt, ctx.path("disable_immediate_execution").asBoolean(false), useApi);
		}

		Call withPayloads(JsonNode events, JsonNode steps) {
			JsonNode event = (events.size() > 0) ? events.get(0) : this.event;
			return new Call(event, steps, this.runId, this.attempt, this.maxAttempts, this.lastAttempt,
					this.disableImmediateExecution, false);
		}

	}

	/**
	 * A call request's body that is JSON, but not a call request.
	 */
	static final class UnreadableCallException extends RuntimeException {

		UnreadableCallException(String problem) {
			super(problem);
		}

	}

}
