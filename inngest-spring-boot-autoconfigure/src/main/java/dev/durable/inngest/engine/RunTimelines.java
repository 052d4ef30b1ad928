package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunTimeline.Span;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Puts a run's steps, failed attempts, end and follow-up handler runs on one time axis,
 * from the rows the engine keeps for them.
 */
final class RunTimelines {

	/**
	 * How long after a run ended its handler's run is looked for: it is started by the
	 * run's end event, in a transaction of its own right after the run ends.
	 */
	private static final Duration HANDLER_WINDOW = Duration.ofMinutes(1);

	private final StepStore steps;

	private final JsonCodec json;

	private final Supplier<FunctionRegistry> registry;

	RunTimelines(StepStore steps, JsonCodec json, Supplier<FunctionRegistry> registry) {
		this.steps = steps;
		this.json = json;
		this.registry = registry;
	}

	RunTimeline of(RunView run, Function<RunQuery, RunPage> list) {
		List<Span> spans = new ArrayList<>();
		if (run.startedAt() != null || run.endedAt() != null) {
			Instant until = (run.startedAt() != null) ? run.startedAt() : run.endedAt();
			spans.add(new Span("queued", "queued", null, null, run.createdAt(), until, null, null, null, null));
		}
		else {
			spans.add(new Span("queued", "queued", null, null, run.createdAt(), null, null, null, null, null));
		}
		// A failed attempt is labelled as its step is, by its name, which is not its key
		// for a step memoized by an SDK's hashed id.
		Map<String, String> names = new HashMap<>();
		for (StepRecord step : this.steps.findByRun(run.id())) {
			spans.add(step(step, run.endedAt()));
			names.put(step.key(), step.stepId());
		}
		for (AttemptRecord attempt : this.steps.attempts(run.id())) {
			String label = (attempt.stepKey() != null) ? names.getOrDefault(attempt.stepKey(), attempt.stepKey())
					: "function body";
			spans.add(new Span("attempt", label, attempt.stepKey(), null, attempt.failedAt(), attempt.failedAt(),
					attempt.attempt(), attempt.error(), null, null));
		}
		if (run.endedAt() != null) {
			switch (run.status()) {
				case COMPLETED -> spans.add(new Span("completed", "completed", null, null, run.endedAt(), run.endedAt(),
						null, null, null, null));
				case FAILED -> spans.add(new Span("failed", "failed", null, null, run.endedAt(), run.endedAt(), null,
						run.error(), null, null));
				case CANCELLED ->
					spans.add(new Span("cancelled", "cancelled", null, null, run.endedAt(), run.endedAt(), null, null,
							(run.cancellation() != null)
									? "By " + run.cancellation().by() + ": " + run.cancellation().reason() : null,
							null));
				default -> {
				}
			}
			FunctionDefinition function = this.registry.get().find(run.functionId()).orElse(null);
			if (function != null && run.status() == RunStatus.FAILED && function.failureHandlerId() != null) {
				handlers(run, function.failureHandlerId(), "failure-handler", list, spans);
			}
			if (function != null && run.status() == RunStatus.CANCELLED && function.cancellationHandlerId() != null) {
				handlers(run, function.cancellationHandlerId(), "cancellation-handler", list, spans);
			}
		}
		spans.sort(Comparator.comparing(Span::start));
		return new RunTimeline(run, spans);
	}

	/**
	 * A step's span. A sleep, a wait or an invoke still pending when its run ended, one
	 * awaited together with another that ended first, ends with the run, as does a step
	 * still waiting for its retry, one called beside another whose failure ended it.
	 */
	private Span step(StepRecord step, @Nullable Instant runEnded) {
		String type = switch (step.kind()) {
			case SLEEP -> "sleep";
			case WAIT -> "wait";
			case SEND -> "send";
			case INVOKE -> "invoke";
			default -> "step";
		};
		Instant end = step.endedAt();
		String note = null;
		if (step.kind() == StepKind.SLEEP) {
			note = (end != null) ? "Slept until " + end
					: (step.wakeAt() != null) ? "Sleeping until " + step.wakeAt() : null;
		}
		else if (step.kind() == StepKind.WAIT) {
			note = waitNote(step);
		}
		else if (step.kind() == StepKind.INVOKE) {
			note = invokeNote(step);
		}
		if (runEnded != null && end == null
				&& (step.status() == StepStatus.SLEEPING || step.status() == StepStatus.WAITING)) {
			end = runEnded;
			note = "Not awaited any more: its run ended first";
		}
		else if (runEnded != null && step.status() == StepStatus.RETRYING) {
			end = runEnded;
			note = "Not retried: its run ended first";
		}
		return new Span(type, step.stepId(), step.key(), step.status().name(), step.startedAt(), end, step.attempts(),
				(step.status() == StepStatus.FAILED) ? step.error() : null, note, null);
	}

	private @Nullable String invokeNote(StepRecord step) {
		return switch (step.status()) {
			case WAITING -> (step.wakeAt() != null) ? "Waiting for the invoked run until " + step.wakeAt()
					: "Waiting for the invoked run";
			case COMPLETED -> "The invoked run completed";
			case CANCELLED -> "Cancelled with its run";
			// The error says why: the invoked run's, its time-out, or no such function.
			default -> null;
		};
	}

	private String waitNote(StepRecord step) {
		if (step.status() == StepStatus.WAITING) {
			return (step.wakeAt() != null) ? "Waiting for an event until " + step.wakeAt() : "Waiting for an event";
		}
		if (step.status() == StepStatus.CANCELLED) {
			return "Cancelled with its run";
		}
		if (step.output() == null || "null".equals(step.output())) {
			return "Timed out: no matching event arrived";
		}
		try {
			Map<String, Object> event = this.json.readObject(step.output());
			return "Ended by event '" + event.get("name") + "' (" + event.get("id") + ")";
		}
		catch (RuntimeException ex) {
			return "Ended by an event";
		}
	}

	private void handlers(RunView run, String handlerId, String type, Function<RunQuery, RunPage> list,
			List<Span> spans) {
		RunQuery query = new RunQuery(handlerId, null, run.endedAt().minusSeconds(1),
				run.endedAt().plus(HANDLER_WINDOW), RunQuery.MAX_LIMIT, null);
		for (RunView handler : list.apply(query).runs()) {
			Object data = handler.event().data().get("run_id");
			if (run.id().equals(data)) {
				spans.add(new Span(type, handlerId, null, handler.status().name(), handler.createdAt(),
						handler.endedAt(), null, handler.error(), null, handler.id()));
			}
		}
	}

}
