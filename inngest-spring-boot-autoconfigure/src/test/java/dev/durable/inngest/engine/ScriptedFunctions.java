package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;

import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Functions that follow a script carried by their event: steps that fail on given
 * attempts, take some time, or sleep. It records each step body it starts, each run's end
 * as the engine tells it, and each Spring event of a failed or cancelled run.
 */
public class ScriptedFunctions implements RunOutcomes {

	/** The step bodies started, by run key. */
	final Map<String, List<StepStart>> starts = new ConcurrentHashMap<>();

	/** The ends the engine told of, committed, by run id. */
	final Map<String, List<String>> ends = new ConcurrentHashMap<>();

	/** The Spring events of failed and cancelled runs, by run id. */
	final Map<String, List<String>> springEvents = new ConcurrentHashMap<>();

	record StepStart(String stepId, int attempt, Instant at) {
	}

	@InngestFunction(id = "scripted-0", event = "test/scripted-0")
	@Retries(0)
	void noRetries(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@InngestFunction(id = "scripted-1", event = "test/scripted-1")
	@Retries(1)
	void oneRetry(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@InngestFunction(id = "scripted-2", event = "test/scripted-2")
	@Retries(2)
	void twoRetries(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@SuppressWarnings("unchecked")
	private void follow(Event event, Step step, RunContext run) {
		String key = (String) event.data().get("key");
		for (Map<String, Object> spec : (List<Map<String, Object>>) event.data().get("steps")) {
			String id = (String) spec.get("id");
			long millis = ((Number) spec.get("millis")).longValue();
			if ("sleep".equals(spec.get("kind"))) {
				step.sleep(id, Duration.ofMillis(millis));
				continue;
			}
			List<Integer> failures = (List<Integer>) spec.get("failures");
			step.run(id, () -> {
				this.starts.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>())
					.add(new StepStart(id, run.attempt(), Instant.now()));
				Thread.sleep(millis);
				if (failures.contains(run.attempt())) {
					throw new IllegalStateException("planned failure of " + id + " on attempt " + run.attempt());
				}
			});
		}
	}

	@Override
	public void completed(RunRecord run, Instant endedAt) {
		this.ends.computeIfAbsent(run.id(), (k) -> new CopyOnWriteArrayList<>()).add("COMPLETED");
	}

	@Override
	public void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
		afterCommit(run.id(), "FAILED");
	}

	@Override
	public void cancelled(RunRecord run) {
		afterCommit(run.id(), "CANCELLED");
	}

	private void afterCommit(String runId, String end) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				ScriptedFunctions.this.ends.computeIfAbsent(runId, (k) -> new CopyOnWriteArrayList<>()).add(end);
			}
		});
	}

	@EventListener
	void onFailed(FunctionFailedEvent failed) {
		this.springEvents.computeIfAbsent(failed.runId(), (k) -> new CopyOnWriteArrayList<>()).add("failed");
	}

	@EventListener
	void onCancelled(FunctionCancelledEvent cancelled) {
		this.springEvents.computeIfAbsent(cancelled.runId(), (k) -> new CopyOnWriteArrayList<>()).add("cancelled");
	}

}
