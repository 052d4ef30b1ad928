package dev.durable.inngest.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;

import org.springframework.context.event.EventListener;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * A function with a failure handler, functions triggered by
 * {@code inngest/function.failed}, and Spring listeners of {@link FunctionFailedEvent}.
 */
public class FailureFunctions {

	final List<FailureContext> handled = new CopyOnWriteArrayList<>();

	final List<Event> allFailures = new CopyOnWriteArrayList<>();

	final List<Event> chargeFailures = new CopyOnWriteArrayList<>();

	final List<FunctionFailedEvent> springEvents = new CopyOnWriteArrayList<>();

	final List<String> statusSeenByListener = new CopyOnWriteArrayList<>();

	final List<FunctionFailedEvent> afterCommitEvents = new CopyOnWriteArrayList<>();

	private final Executions executions;

	private final RunStore runs;

	public FailureFunctions(Executions executions, RunStore runs) {
		this.executions = executions;
		this.runs = runs;
	}

	@InngestFunction(id = "charge-order", event = "test/charge")
	String charge(Event event, Step step) {
		String key = RetryFunctions.key(event);
		return step.run("charge", String.class, () -> {
			this.executions.hit(key, "charge");
			if (Boolean.TRUE.equals(event.data().get("decline"))) {
				throw new NonRetriableException("card declined");
			}
			return "charged";
		});
	}

	@OnFailure(function = "charge-order")
	void chargeFailed(FailureContext failure, Step step, RunContext run) {
		String key = RetryFunctions.key(failure.originalEvent());
		step.run("alert", () -> {
			int n = this.executions.hit(key, "alert");
			String mode = String.valueOf(failure.originalEvent().data().get("handler"));
			if ("always-fails".equals(mode) || ("fails-once".equals(mode) && n == 1)) {
				throw new IllegalStateException("alerting is down");
			}
		});
		this.executions.record(key, "handler-run", run.runId());
		this.handled.add(failure);
	}

	@InngestFunction(id = "all-failures", event = FunctionFailedEvent.NAME)
	void allFailures(Event event) {
		this.allFailures.add(event);
		if (event.data().get("event") instanceof Map<?, ?> original && original.get("data") instanceof Map<?, ?> data
				&& Boolean.TRUE.equals(data.get("watcherFails"))) {
			throw new NonRetriableException("the watcher is down");
		}
	}

	@InngestFunction(id = "charge-failures", event = FunctionFailedEvent.NAME,
			condition = "event.data.function_id == 'engine-tests-charge-order'")
	void chargeFailures(Event event) {
		this.chargeFailures.add(event);
	}

	@EventListener
	void onFailed(FunctionFailedEvent failed) {
		this.springEvents.add(failed);
		this.statusSeenByListener.add(this.runs.find(failed.runId()).orElseThrow().status().name());
		if (Boolean.TRUE.equals(failed.originalEvent().data().get("listenerThrows"))) {
			throw new IllegalStateException("a listener that breaks");
		}
	}

	@TransactionalEventListener
	void afterCommit(FunctionFailedEvent failed) {
		this.afterCommitEvents.add(failed);
	}

}
