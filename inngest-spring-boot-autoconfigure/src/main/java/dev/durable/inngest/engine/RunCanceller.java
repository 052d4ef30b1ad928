package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.List;

import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.RunRecord;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Cancels runs, however the cancellation came: a queued, sleeping or waiting run ends at once,
 * and its sleep, wait or step waiting for a retry is marked cancelled; a run executing a step
 * ends as cancelled at once too, while its step completes and is stored, and its execution stops
 * before the next step. Each run is cancelled once, by whichever
 * cancellation commits first, and only that one emits the cancelled events.
 */
public final class RunCanceller {

	private final ExecutionEnvironment env;

	private final RunOutcomes outcomes;

	private final ExecutingRuns executing;

	/**
	 * Creates a canceller.
	 * @param env the stores and services
	 * @param outcomes told of each cancelled run
	 * @param executing the executions to stop in this instance
	 */
	public RunCanceller(ExecutionEnvironment env, RunOutcomes outcomes, ExecutingRuns executing) {
		this.env = env;
		this.outcomes = outcomes;
		this.executing = executing;
	}

	/**
	 * Cancels a run that has not ended, in the caller's transaction if there is one.
	 * @param run the run as last read
	 * @param cancellation who cancels it and why
	 * @return {@code true} if this call cancelled it; {@code false} if it had ended
	 */
	public boolean cancel(RunRecord run, RunView.Cancellation cancellation) {
		return Boolean.TRUE.equals(this.env.transactions().execute((status) -> {
			Instant now = this.env.clock().instant();
			if (!this.env.runs().cancel(run.id(), cancellation, now)) {
				return false;
			}
			this.env.steps().cancelPending(run.id(), now);
			this.env.waits().deleteByRun(run.id());
			this.outcomes.cancelled(run);
			this.env.signals().cancelled(List.of(run.id()));
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					RunCanceller.this.executing.stop(List.of(run.id()));
				}
			});
			return true;
		}));
	}

}
