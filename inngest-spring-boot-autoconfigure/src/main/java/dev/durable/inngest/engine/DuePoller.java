package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

import dev.durable.inngest.engine.store.RunStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Polls the store, at each poll interval on the {@link RunScheduler}'s poller: for the
 * due runs the in-process queue does not know of (made due by another instance, sleeps
 * and retries past its horizon, expired leases), while a worker is free to take them; for
 * the runs still queued past their start timeout, to cancel them; and for the cron ticks
 * and the batches of bulk cancellations that are due.
 */
final class DuePoller {

	private static final Log logger = LogFactory.getLog(DuePoller.class);

	private final RunStore runs;

	private final RunExecutor executor;

	private final RunQueue queue;

	private final WorkerPool workers;

	private final CronScheduler crons;

	private final BulkCancellations bulkCancellations;

	private final RunReplays replays;

	private final Clock clock;

	private final Duration pollInterval;

	private final RepeatedFailures failures;

	DuePoller(RunStore runs, RunExecutor executor, RunQueue queue, WorkerPool workers, CronScheduler crons,
			BulkCancellations bulkCancellations, RunReplays replays, Clock clock, Duration pollInterval) {
		this.runs = runs;
		this.executor = executor;
		this.queue = queue;
		this.workers = workers;
		this.crons = crons;
		this.bulkCancellations = bulkCancellations;
		this.replays = replays;
		this.clock = clock;
		this.pollInterval = pollInterval;
		this.failures = new RepeatedFailures(logger, "Polling for due runs", Clock.systemUTC());
	}

	/** How often the store is polled, in milliseconds. */
	long intervalMillis() {
		return Math.max(1, this.pollInterval.toMillis());
	}

	void poll() {
		try {
			if (this.workers.workerFree()) {
				// Whatever was missed before is due now, and found by this poll.
				this.workers.clearMissed();
				// Only runs this application can execute: others wait, due, for an
				// instance that can.
				List<String> due = this.runs.findDue(this.clock.instant(), this.workers.size() * 4,
						this.executor.functionIds());
				this.queue.offerPolled(due);
			}
			else {
				this.workers.missed();
			}
			this.crons.fireDue();
			this.bulkCancellations.process();
			this.replays.process();
			// Busy workers or not: a run queued past its start timeout, or executing past
			// its finish timeout, is cancelled now, not when a worker reaches it.
			this.executor.cancelPastTimeouts();
			this.failures.succeeded();
		}
		catch (RuntimeException ex) {
			this.failures.failed(ex, "in " + this.pollInterval);
		}
	}

	/**
	 * Offers runs made due by another instance, if a worker is free to take them; else
	 * notes that runs were missed, for the dispatcher to poll for once a worker is free.
	 */
	void offer(Collection<String> runIds) {
		if (this.workers.workerFree()) {
			this.queue.offerPolled(runIds);
		}
		else {
			this.workers.missed();
		}
	}

}
