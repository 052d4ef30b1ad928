package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Cancels runs, however the cancellation came: a queued, sleeping or waiting run ends at
 * once, and its sleep, wait or step waiting for a retry is marked cancelled; a run
 * executing a step ends as cancelled at once too, while its step completes and is stored,
 * and its execution stops before the next step. Each run is cancelled once, by whichever
 * cancellation commits first, and only that one emits the cancelled events.
 */
public final class RunCanceller {

	private static final Log logger = LogFactory.getLog(RunExecutor.class);

	private final RunStore runs;

	private final StepStore steps;

	private final WaitStore waits;

	private final TransactionOperations transactions;

	private final Clock clock;

	private final RunSignals signals;

	private final RunEndEvents endEvents;

	private final RunOutcomes outcomes;

	private final LeasedRuns executing;

	/**
	 * Creates a canceller.
	 * @param runs the run store
	 * @param steps the step store
	 * @param waits the wait store
	 * @param transactions runs work in one transaction
	 * @param clock the clock
	 * @param signals tells the other instances of runs made due or cancelled
	 * @param endEvents emits the events of each cancelled run
	 * @param outcomes told of each cancelled run
	 * @param executing the executions to stop in this instance
	 */
	public RunCanceller(RunStore runs, StepStore steps, WaitStore waits, TransactionOperations transactions,
			Clock clock, RunSignals signals, RunEndEvents endEvents, RunOutcomes outcomes, LeasedRuns executing) {
		this.runs = runs;
		this.steps = steps;
		this.waits = waits;
		this.transactions = transactions;
		this.clock = clock;
		this.signals = signals;
		this.endEvents = endEvents;
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
		return cancel(run, cancellation, null);
	}

	/**
	 * Cancels a run that has not ended, in the caller's transaction if there is one.
	 * @param run the run as last read
	 * @param cancellation who cancels it and why
	 * @param causeId the id of the event or bulk cancellation that cancels it, or
	 * {@code null}
	 * @return {@code true} if this call cancelled it; {@code false} if it had ended
	 */
	public boolean cancel(RunRecord run, RunView.Cancellation cancellation, @Nullable String causeId) {
		return cancel(run, cancellation, causeId, false);
	}

	/**
	 * Cancels a run that is still queued and has never started, as its start timeout
	 * does: a run that a worker claimed meanwhile, or that ended, is left as it is.
	 * @param run the run as last read
	 * @param cancellation why it is cancelled
	 * @return {@code true} if this call cancelled it
	 */
	boolean cancelUnstarted(RunRecord run, RunView.Cancellation cancellation) {
		return cancel(run, cancellation, null, true);
	}

	private boolean cancel(RunRecord run, RunView.Cancellation cancellation, @Nullable String causeId,
			boolean unstartedOnly) {
		return Boolean.TRUE.equals(this.transactions.execute((status) -> {
			Instant now = this.clock.instant();
			// The run first, as every transaction that changes its waits or steps takes
			// it (RunStore.lock): a suspension that stored a wait meanwhile has committed
			// once the run is cancelled, and its wait and step are found below.
			boolean cancelled = unstartedOnly ? this.runs.cancelUnstarted(run.id(), cancellation, now)
					: this.runs.cancel(run.id(), cancellation, now);
			if (!cancelled) {
				return false;
			}
			this.steps.cancelPending(run.id(), now);
			this.waits.deleteByRun(run.id());
			// Its system event may cancel further runs, by their @CancelOn rules.
			this.endEvents.cancelled(run, FunctionCancelledEvent.Cause.of(cancellation, causeId), this::cancel);
			this.outcomes.cancelled(run);
			this.signals.cancelled(List.of(run.id()));
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					RunCanceller.this.executing.stop(List.of(run.id()));
					logCancelled(run, cancellation);
				}
			});
			return true;
		}));
	}

	/**
	 * Logs a cancellation: one by an operator or a time-out at info level, for the
	 * record; one by an event or a bulk cancellation, which may cancel many, at debug.
	 */
	private static void logCancelled(RunRecord run, RunView.Cancellation cancellation) {
		boolean notable = "api".equals(cancellation.by()) || "timeout".equals(cancellation.by());
		if (notable ? logger.isInfoEnabled() : logger.isDebugEnabled()) {
			String message = "Run " + run.id() + " of function '" + run.functionId() + "' was cancelled by "
					+ cancellation.by() + ": " + Errors.logged(cancellation.reason());
			if (notable) {
				logger.info(message);
			}
			else {
				logger.debug(message);
			}
		}
	}

}
