package dev.durable.inngest.remote;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RetryAfterException;
import dev.durable.inngest.StepOptions;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.engine.RetryBackoff;
import dev.durable.inngest.engine.StepReplay;
import dev.durable.inngest.engine.StepReplay.StepCall;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.function.Expression;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Drives a function's steps from a call request: a step whose hash is among the request's
 * {@code steps} is replayed from it, and the first step that is not stops the body with
 * the op that answers the request, executed first if it is a run step the request lets
 * run. The ops have the fields and values the official JavaScript SDK gives them.
 * <p>
 * A run step's own options are honoured as far as the platform lets an SDK: it counts the
 * step's attempts against the function's registered retries ({@code ctx.attempt} of
 * {@code ctx.max_attempts}), so a step with fewer retries fails for good early, answered
 * with {@code StepFailed}, while more retries than the function's cannot be had. A step's
 * own back-off is asked for with {@code Retry-After}, in whole seconds.
 */
final class RemoteExecution implements StepReplay.Driver {

	/**
	 * The op name of a {@code sendEvent} step, which the official SDKs report as a run
	 * step.
	 */
	static final String SEND_EVENT_NAME = "sendEvent";

	private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private static final Log logger = LogFactory.getLog(RemoteExecution.class);

	private final JsonMapper mapper;

	private final JsonNode steps;

	private final @Nullable String target;

	private final boolean planOnly;

	private final boolean lastAttempt;

	private final int attempt;

	private final int maxAttempts;

	private final String functionId;

	/**
	 * The steps already warned of a budget the platform cannot honour, shared by calls.
	 */
	private final Set<String> warned;

	private final EventSender sender;

	private final Clock clock;

	/** The op that stopped the body, to answer with even if the body caught it. */
	private @Nullable StepInterrupt interrupt;

	/**
	 * The errors of the memoized failed steps as the platform sent them, by the error
	 * each was read as: a step's error the body does not catch fails the run with it as
	 * sent, its cause included.
	 */
	private final Map<ErrorInfo, ObjectNode> memoizedErrors = new IdentityHashMap<>();

	/**
	 * Creates the driver of one call request's steps.
	 * @param mapper reads and writes the wire's JSON
	 * @param steps the memoized steps, by hash
	 * @param target the hash of the only step to execute, or {@code null}
	 * @param planOnly whether new run steps are reported, not executed
	 * @param lastAttempt whether the platform makes no attempt after this one
	 * @param attempt the platform's 0-based attempt of this request
	 * @param maxAttempts the platform's most attempts, the function's retries plus one
	 * @param functionId the function's id, for the log
	 * @param warned the steps already warned of, shared by the calls of an application
	 * @param sender sends the events of {@code sendEvent} steps
	 * @param clock the clock
	 */
	RemoteExecution(JsonMapper mapper, JsonNode steps, @Nullable String target, boolean planOnly, boolean lastAttempt,
			int attempt, int maxAttempts, String functionId, Set<String> warned, EventSender sender, Clock clock) {
		this.mapper = mapper;
		this.steps = steps;
		this.target = target;
		this.planOnly = planOnly;
		this.lastAttempt = lastAttempt;
		this.attempt = attempt;
		this.maxAttempts = maxAttempts;
		this.functionId = functionId;
		this.warned = warned;
		this.sender = sender;
		this.clock = clock;
	}

	@Nullable StepInterrupt interrupt() {
		return this.interrupt;
	}

	/**
	 * A memoized step's error as the platform sent it.
	 * @param error the error as read
	 * @return the error as sent, or {@code null} if it was not memoized here
	 */
	@Nullable ObjectNode memoizedError(ErrorInfo error) {
		return this.memoizedErrors.get(error);
	}

	@Override
	public void entering() {
		if (this.interrupt != null) {
			// The body caught the interrupt and called another step: stop it again.
			throw this.interrupt;
		}
	}

	@Override
	public StepReplay.@Nullable Memo memo(StepCall step, StepKind kind) {
		String hash = StepIds.hash(step.key());
		JsonNode memo = this.steps.get(hash);
		if (memo == null || wrapped(memo, "input") != null) {
			return null;
		}
		return switch (kind) {
			case RUN, SEND, INVOKE -> {
				JsonNode error = wrapped(memo, "error");
				if (error != null && !error.isNull()) {
					ErrorInfo info = new ErrorInfo(text(error, "name"), text(error, "message"), text(error, "stack"));
					if (error instanceof ObjectNode original) {
						this.memoizedErrors.put(info, original);
					}
					yield new StepReplay.Failed(info);
				}
				JsonNode wrappedData = wrapped(memo, "data");
				JsonNode data = (wrappedData != null) ? wrappedData : memo;
				if (kind == StepKind.SEND && data != null) {
					data = data.get("ids");
				}
				yield new StepReplay.Completed(json(data));
			}
			case SLEEP -> new StepReplay.Completed(null);
			// The event received, or null for a wait that timed out.
			case WAIT -> new StepReplay.Completed(json(RemoteCalls.event(memo)));
		};
	}

	/**
	 * The value of a step's state of one kind, {@code {"<kind>": value}}, with
	 * {@code "type": "<kind>"} or without, as the official SDK reads it; {@code null} if
	 * the state is not of that kind. A state of none of the kinds is the step's data
	 * whole. A state that is only an input is what the platform sends for a step a run is
	 * rerun from with its input edited, which has not completed in this run: the official
	 * SDK runs such a step instead of replaying it, and so does this, without the input,
	 * which a Java step does not take.
	 */
	private static @Nullable JsonNode wrapped(JsonNode memo, String kind) {
		if (!memo.isObject() || !memo.has(kind)) {
			return null;
		}
		int others = memo.size() - 1;
		boolean typed = memo.has("type") && memo.get("type").asString("").equals(kind);
		return (others == 0 || (others == 1 && typed)) ? memo.get(kind) : null;
	}

	/**
	 * The platform's most attempts, or fewer if the step's own retries are fewer.
	 */
	@Override
	public int maxAttempts(StepOptions options, int functionMaxAttempts) {
		return Math.min(StepReplay.retries(options, functionMaxAttempts - 1) + 1, functionMaxAttempts);
	}

	@Override
	public <T> @Nullable T newRun(StepCall step, StepOptions options, Type type, Callable<@Nullable T> body) {
		Integer retries = options.retries();
		if (retries != null && retries > this.maxAttempts - 1 && this.warned.add(this.functionId + "/" + step.id())) {
			logger.warn("Step '" + step.id() + "' of function '" + this.functionId + "' asks for " + retries
					+ " retries, but the platform gives a step no more retries than its function's "
					+ (this.maxAttempts - 1) + "; raise the function's @Retries for more");
		}
		throw runStep(step, step.id(), null, options, body);
	}

	@Override
	public List<String> newSend(StepCall step, List<Event> events) {
		throw runStep(step, SEND_EVENT_NAME, "step.sendEvent", StepOptions.defaults(), () -> {
			try {
				return Map.of("ids", this.sender.send(events));
			}
			catch (RuntimeException ex) {
				throw StepReplay.sendFailure(step.id(), ex);
			}
		});
	}

	/**
	 * Executes a run step if the request lets it, and stops the body with the op that
	 * reports it.
	 * @return the interrupt to throw
	 */
	private StepInterrupt runStep(StepCall step, String name, @Nullable String opType, StepOptions options,
			Callable<?> body) {
		String hash = StepIds.hash(step.key());
		ObjectNode opts = this.mapper.createObjectNode();
		if (opType != null) {
			opts.put("type", opType);
		}
		if (this.target != null) {
			if (!this.target.equals(hash)) {
				return stop(notFound(step, name));
			}
		}
		else if (this.planOnly) {
			ObjectNode op = op(step, "StepPlanned", name, opts);
			op.putNull("data");
			return stop(ops(op, Map.of()));
		}
		JsonNode data;
		try {
			// A value that cannot be written as JSON fails its step as if the body had
			// thrown.
			data = this.mapper.valueToTree(body.call());
		}
		catch (StepInterrupt ex) {
			throw ex;
		}
		catch (Throwable ex) {
			return stop(stepError(step, name, opts, options, ex));
		}
		ObjectNode op = op(step, "StepRun", name, opts);
		op.set("data", data);
		return stop(ops(op, Map.of()));
	}

	private CallResponse stepError(StepCall step, String name, ObjectNode opts, StepOptions options, Throwable ex) {
		// A step with fewer retries than the function's fails for good before the
		// platform would.
		boolean last = this.lastAttempt || ex instanceof NonRetriableException
				|| (options.retries() != null && this.attempt >= options.retries());
		ObjectNode error = WireErrors.of(this.mapper, ex);
		ObjectNode op = op(step, last ? "StepFailed" : "StepError", name, opts);
		op.set("error", error);
		// The official SDK repeats a step's final error as its data.
		op.set("data", last ? error.deepCopy() : this.mapper.nullNode());
		if (last) {
			return ops(op, Map.of(RemoteCalls.NO_RETRY, "true"));
		}
		if (ex instanceof RetryAfterException retry) {
			return ops(op, Map.of(RemoteCalls.NO_RETRY, "false", "Retry-After",
					RemoteCalls.retryAfter(retry, this.clock.instant())));
		}
		if (options.backoffInitial() != null) {
			Duration delay = RetryBackoff.ofStep(options).baseDelay(this.attempt);
			return ops(op, Map.of(RemoteCalls.NO_RETRY, "false", "Retry-After", RemoteCalls.seconds(delay)));
		}
		return ops(op, Map.of(RemoteCalls.NO_RETRY, "false"));
	}

	@Override
	public void newSleep(StepCall step, @Nullable Duration duration, @Nullable Instant until) {
		String name;
		if (duration != null) {
			name = timeString(StepReplay.checkedSleep(step.id(), duration));
		}
		else {
			StepReplay.checkedSleep(step.id(), Duration.between(this.clock.instant(), until));
			name = ISO_MILLIS.format(until);
		}
		if (this.target != null) {
			throw stop(notFound(step, name));
		}
		// The official SDK sends the duration as the op's name and leaves opts empty; the
		// platform
		// reads opts.duration first, then the name.
		ObjectNode op = op(step, "Sleep", name, this.mapper.createObjectNode());
		op.putNull("data");
		throw stop(ops(op, Map.of()));
	}

	@Override
	public Optional<Event> newWait(StepCall step, WaitForEvent wait) {
		StepReplay.checkWait(step.id(), wait, Expression::compile);
		if (this.target != null) {
			throw stop(notFound(step, wait.eventName()));
		}
		ObjectNode opts = this.mapper.createObjectNode();
		opts.put("timeout", timeString(wait.timeout()));
		String condition = condition(wait);
		if (condition != null) {
			opts.put("if", condition);
		}
		ObjectNode op = op(step, "WaitForEvent", wait.eventName(), opts);
		op.putNull("data");
		throw stop(ops(op, Map.of()));
	}

	/**
	 * The expression a wait's event must meet: a match is the equality of the field on
	 * both events, as the official SDKs turn it, and a condition besides must hold too.
	 */
	static @Nullable String condition(WaitForEvent wait) {
		String match = (wait.match() != null) ? "event." + wait.match() + " == async." + wait.match() : null;
		if (match != null && wait.condition() != null) {
			return "(" + match + ") && (" + wait.condition() + ")";
		}
		return (match != null) ? match : wait.condition();
	}

	private ObjectNode op(StepCall step, String op, String name, ObjectNode opts) {
		ObjectNode node = this.mapper.createObjectNode();
		node.put("id", StepIds.hash(step.key()));
		node.put("op", op);
		node.put("name", name);
		node.set("opts", opts);
		node.put("displayName", step.id());
		ObjectNode userland = node.putObject("userland");
		userland.put("id", step.id());
		if (step.index() > 0) {
			userland.put("index", step.index());
		}
		return node;
	}

	private CallResponse ops(ObjectNode op, Map<String, String> headers) {
		ArrayNode ops = this.mapper.createArrayNode();
		ops.add(op);
		return new CallResponse(206, headers, this.mapper.writeValueAsString(ops));
	}

	/**
	 * The answer when a targeted request meets another new step before its target: in
	 * sequential code the target cannot be reached. The official SDK answers a retriable
	 * 500 naming the steps it found (the spec's {@code StepNotFound} op is not what it
	 * sends), and so does this.
	 */
	private CallResponse notFound(StepCall step, String name) {
		String hash = StepIds.hash(step.key());
		ObjectNode body = this.mapper.createObjectNode();
		body.put("error", "Could not find step \"" + this.target + "\" to run; timed out. Found new steps: \n"
				+ step.id() + " (" + hash + ").");
		body.put("requestedStep", this.target);
		ObjectNode found = body.putArray("foundSteps").addObject();
		found.put("id", hash);
		found.put("name", name);
		found.put("displayName", step.id());
		body.put("totalFoundSteps", 1);
		return new CallResponse(500, Map.of(RemoteCalls.NO_RETRY, "false"), this.mapper.writeValueAsString(body));
	}

	private StepInterrupt stop(CallResponse response) {
		this.interrupt = new StepInterrupt(response);
		return this.interrupt;
	}

	private @Nullable String json(@Nullable JsonNode node) {
		return (node == null || node.isNull() || node.isMissingNode()) ? null : this.mapper.writeValueAsString(node);
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && !value.isNull()) ? value.asString() : null;
	}

	/**
	 * A duration as the official SDK writes it: whole weeks, days, hours, minutes and
	 * seconds, largest first, such as {@code 1h30m}; a part of a second rounds up to one
	 * second.
	 * @param duration the duration
	 * @return the time string
	 */
	static String timeString(Duration duration) {
		long millis = duration.toMillis();
		if (millis > 0 && millis < 1000) {
			millis = 1000;
		}
		long seconds = millis / 1000;
		if (seconds == 0) {
			// The official SDK writes an empty string, which the platform cannot read.
			return "0s";
		}
		StringBuilder text = new StringBuilder();
		long[] sizes = { 7 * 86400, 86400, 3600, 60, 1 };
		String[] units = { "w", "d", "h", "m", "s" };
		for (int i = 0; i < sizes.length; i++) {
			long count = seconds / sizes[i];
			if (count > 0) {
				text.append(count).append(units[i]);
				seconds %= sizes[i];
			}
		}
		return text.toString();
	}

}
