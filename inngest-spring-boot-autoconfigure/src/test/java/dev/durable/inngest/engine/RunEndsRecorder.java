package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;

import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records each run's end as the engine tells it, once it is committed, and each Spring
 * event of a failed or cancelled run, for tests that check them against what they
 * expected.
 */
public abstract class RunEndsRecorder implements RunOutcomes {

	/** The ends the engine told of, committed, by run id. */
	final Map<String, List<String>> ends = new ConcurrentHashMap<>();

	/** The Spring events of failed and cancelled runs, by run id. */
	final Map<String, List<String>> springEvents = new ConcurrentHashMap<>();

	@Override
	public void completed(RunRecord run, Instant endedAt) {
		told(run.id(), "COMPLETED");
	}

	@Override
	public void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
		told(run.id(), "FAILED");
	}

	@Override
	public void cancelled(RunRecord run) {
		told(run.id(), "CANCELLED");
	}

	private void told(String runId, String end) {
		// Failures and cancellations are told inside their transaction: counted once it
		// commits.
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			this.ends.computeIfAbsent(runId, (k) -> new CopyOnWriteArrayList<>()).add(end);
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				RunEndsRecorder.this.ends.computeIfAbsent(runId, (k) -> new CopyOnWriteArrayList<>()).add(end);
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
