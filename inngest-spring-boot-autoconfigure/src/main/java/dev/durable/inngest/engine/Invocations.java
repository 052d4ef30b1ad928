package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.StepResolution;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.WaitRecord;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Runs that a step invokes, as Inngest invokes them: the run of one function, started by
 * an {@code inngest/function.invoked} event whose data carries the invoking step's
 * correlation under {@code _inngest}, and which, when it ends, stores an
 * {@code inngest/function.finished} event with that correlation and its output or error.
 * The invoking step waits for that event as a {@code waitForEvent} step waits for its
 * own, so that it is resumed in the transaction that ends the invoked run: exactly once,
 * on whichever instance, and not at all once the step timed out or its run was cancelled.
 */
final class Invocations {

	/** The name of the event that starts an invoked run. */
	static final String INVOKED = "inngest/function.invoked";

	/** The name of the event an invoked run stores when it ends. */
	static final String FINISHED = "inngest/function.finished";

	/** The field of an event's data that holds what the engine adds. */
	static final String METADATA = "_inngest";

	/** The field of the metadata and of the finished event that correlates them. */
	static final String CORRELATION_ID = "correlation_id";

	/** The dotted field of the finished event an invoke step waits on. */
	static final String MATCH = "data." + CORRELATION_ID;

	/** The error of an invoke step whose run did not end in time, as Inngest names it. */
	static final ErrorInfo TIMED_OUT = new ErrorInfo("InngestInvokeTimeoutError",
			"Timed out waiting for invoked function to complete", null);

	/** The error of an invoke step whose run was cancelled. */
	static final ErrorInfo CANCELLED = new ErrorInfo("Error", "function cancelled", null);

	private final Supplier<FunctionRegistry> registry;

	private final RunEndEvents endEvents;

	private final EventIngestor ingestor;

	/**
	 * Creates the invocations of an executor.
	 * @param registry the functions
	 * @param endEvents names functions by their full ids
	 * @param ingestor starts the invoked runs
	 */
	Invocations(Supplier<FunctionRegistry> registry, RunEndEvents endEvents, EventIngestor ingestor) {
		this.registry = registry;
		this.endEvents = endEvents;
		this.ingestor = ingestor;
	}

	/**
	 * The function of a full id, as system events name functions: a served function's own
	 * id, or the app id, a dash and the id of a function of this application.
	 * @param fullId the full id
	 * @return the function, or empty if none has that id
	 */
	Optional<FunctionDefinition> find(String fullId) {
		FunctionRegistry functions = this.registry.get();
		// A served function first: its id is its full id.
		Optional<FunctionDefinition> served = functions.find(fullId).filter(FunctionDefinition::isServed);
		if (served.isPresent()) {
			return served;
		}
		return functions.all()
			.stream()
			.filter((function) -> !function.isServed() && this.endEvents.fullId(function).equals(fullId))
			.findFirst();
	}

	/**
	 * Starts the invoked run, in the caller's transaction: of that one function, whatever
	 * else listens for the event.
	 * @param function the function
	 * @param invocation what the step asked for
	 * @param correlationId the invoking step's correlation, its run id, a dot and its key
	 * @param expiresAt when the invoking step stops waiting
	 * @param caller the invoking run
	 * @param callerFunction the invoking run's function
	 */
	void start(FunctionDefinition function, FunctionInvocation invocation, String correlationId, Instant expiresAt,
			RunRecord caller, FunctionDefinition callerFunction) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("fn_id", this.endEvents.fullId(function));
		metadata.put(CORRELATION_ID, correlationId);
		metadata.put("expire", expiresAt.toEpochMilli());
		metadata.put("source_fn_id", this.endEvents.fullId(callerFunction));
		metadata.put("source_run_id", caller.id());
		Map<String, Object> data = new LinkedHashMap<>(invocation.data());
		data.put(METADATA, metadata);
		Event event = Event.of(INVOKED, data).withUser(invocation.user());
		if (invocation.v() != null) {
			event = event.withVersion(invocation.v());
		}
		this.ingestor.startRuns(event, List.of(function));
	}

	/**
	 * The correlation of the step that invoked a run, if it was invoked.
	 * @param event the run's triggering event
	 * @return the correlation, or {@code null} for a run no step invoked
	 */
	static @Nullable String correlationId(Event event) {
		if (!INVOKED.equals(event.name())) {
			return null;
		}
		return (event.data().get(METADATA) instanceof Map<?, ?> metadata
				&& metadata.get(CORRELATION_ID) instanceof String id) ? id : null;
	}

	/**
	 * The event an invoked run stores when it ends, as Inngest shapes it.
	 * @param run the run
	 * @param fullId its function's full id
	 * @param correlationId the invoking step's correlation
	 * @param result the run's output, if it completed
	 * @param error its error, if it failed or was cancelled
	 * @return the event
	 */
	static Event finished(RunRecord run, String fullId, String correlationId, @Nullable Object result,
			@Nullable ErrorInfo error) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("function_id", fullId);
		data.put("run_id", run.id());
		data.put(CORRELATION_ID, correlationId);
		Map<String, Object> original = new LinkedHashMap<>();
		original.put("name", run.event().name());
		original.put("data", run.event().data());
		original.put("id", run.event().id());
		original.put("ts", run.event().ts());
		data.put("event", original);
		if (error != null) {
			Map<String, Object> serialized = new LinkedHashMap<>();
			serialized.put("name", error.name());
			serialized.put("message", Objects.requireNonNullElse(error.message(), ""));
			if (error.stack() != null) {
				serialized.put("stack", error.stack());
			}
			data.put("error", serialized);
		}
		else {
			data.put("result", result);
		}
		return Event.of(FINISHED, data);
	}

	/**
	 * The value an invoke step matches a finished event by.
	 * @param json the JSON codec
	 * @param correlationId the step's correlation
	 * @return the value as {@link JsonCodec#matchValue(Event, String)} makes it
	 */
	static String matchValue(JsonCodec json, String correlationId) {
		return Objects
			.requireNonNull(json.matchValue(Event.of(FINISHED, Map.of(CORRELATION_ID, correlationId)), MATCH));
	}

	/**
	 * How an invoke step ends on the finished event of the run it invoked: completed with
	 * the run's output, or failed with its error.
	 * @param wait the step's wait
	 * @param finished the event
	 * @param json the JSON codec
	 * @param now the time
	 * @return the step's resolution
	 */
	static StepResolution resolution(WaitRecord wait, Event finished, JsonCodec json, Instant now) {
		if (finished.data().get("error") instanceof Map<?, ?> error) {
			String name = (error.get("name") instanceof String text && !text.isEmpty()) ? text : "Error";
			ErrorInfo info = new ErrorInfo(name, (error.get("message") instanceof String text) ? text : "",
					(error.get("stack") instanceof String text) ? text : null);
			return new StepResolution(wait.runId(), wait.stepKey(), StepStatus.FAILED, 1, null, info, null, now);
		}
		return new StepResolution(wait.runId(), wait.stepKey(), StepStatus.COMPLETED, 1,
				json.write(finished.data().get("result")), null, null, now);
	}

}
