package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.engine.store.DeletedRows;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.engine.store.RetentionStore.Batch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Deletes, at every interval, what has been kept for the retention period and is no
 * longer needed: runs that ended before it, with their steps, failed attempts and waits;
 * then the events received before it that no stored run has as its trigger; then the bulk
 * cancellations that ended before it. Each batch is a transaction of its own, so that
 * none holds rows for long; a stop ends the sweep after the batch under way. Several
 * instances may sweep at once: the store deletes each row once.
 */
public final class RetentionSweeper implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RetentionSweeper.class);

	/** The longest wait for the first sweep after a start. */
	private static final Duration FIRST_SWEEP = Duration.ofMinutes(1);

	private final RetentionStore store;

	private final TransactionOperations transactions;

	private final Clock clock;

	private final Settings settings;

	private final List<Listener> listeners;

	private final RepeatedFailures failures = new RepeatedFailures(logger,
			"Deleting the runs and events older than the retention period", Clock.systemUTC());

	private volatile boolean running;

	/** Whether a stop asked the sweep under way to end after its batch. */
	private volatile boolean stopping;

	private @Nullable ScheduledThreadPoolExecutor timer;

	/**
	 * Creates a sweeper.
	 * @param store deletes the rows
	 * @param transactions runs each batch in a transaction of its own
	 * @param clock the clock, which dates the period
	 * @param settings the period, the interval and the batch size
	 * @param listeners told of what each batch deleted
	 */
	public RetentionSweeper(RetentionStore store, TransactionOperations transactions, Clock clock, Settings settings,
			List<Listener> listeners) {
		this.store = store;
		this.transactions = transactions;
		this.clock = clock;
		this.settings = settings;
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Deletes what ended, or was received, before the retention period, in batches.
	 * @return what it deleted
	 */
	public DeletedRows sweep() {
		Instant before = this.clock.instant().minus(this.settings.period());
		DeletedRows deleted = inBatches(before, this.store::deleteEndedRuns);
		deleted = deleted.plus(inBatches(before, this.store::deleteUnneededEvents));
		deleted = deleted.plus(inBatches(before, this.store::deleteEndedCancellations));
		deleted = deleted.plus(inBatches(before, this.store::deleteEndedReplays));
		if (logger.isDebugEnabled()) {
			logger.debug("Retention deleted what ended or was received before " + before + ": " + deleted.runs()
					+ " runs, " + deleted.steps() + " steps, " + deleted.attempts() + " failed attempts, "
					+ deleted.waits() + " waits, " + deleted.events() + " events, " + deleted.cancellations()
					+ " bulk cancellations, " + deleted.replays() + " bulk replays");
		}
		return deleted;
	}

	private <P> DeletedRows inBatches(Instant before, Deletion<P> deletion) {
		DeletedRows deleted = DeletedRows.NONE;
		P after = null;
		boolean more = true;
		while (more && !this.stopping) {
			P from = after;
			Batch<P> batch = this.transactions
				.execute((status) -> deletion.apply(before, from, this.settings.batchSize()));
			deleted = deleted.plus(batch.deleted());
			if (batch.deleted().total() > 0) {
				this.listeners.forEach((listener) -> listener.deleted(batch.deleted()));
			}
			after = batch.next();
			more = after != null;
		}
		return deleted;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				RunScheduler.daemon("inngest-retention-"));
		// Once stopped, a sweep asked for meanwhile is not needed.
		timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		long interval = Math.max(1, this.settings.interval().toMillis());
		long first = Math.min(interval, FIRST_SWEEP.toMillis());
		this.stopping = false;
		this.running = true;
		this.timer = timer;
		timer.scheduleWithFixedDelay(this::sweepSafely, first, interval, TimeUnit.MILLISECONDS);
	}

	private void sweepSafely() {
		try {
			sweep();
			this.failures.succeeded();
		}
		catch (RuntimeException ex) {
			this.failures.failed(ex, "in " + this.settings.interval());
		}
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopping = true;
		this.timer.shutdown();
		try {
			// Not interrupted, as an interrupt while H2 reads its file closes the file:
			// the batch under way finishes before the data source closes, and the sweep
			// ends after it.
			this.timer.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The period, the interval and the batch size.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * One kind of deletion of the store, a batch at a time.
	 */
	@FunctionalInterface
	private interface Deletion<P> {

		Batch<P> apply(Instant before, P after, int limit);

	}

	/**
	 * How long ended runs and events are kept, and how they are deleted.
	 *
	 * @param period how long runs are kept after they end, and events after they were
	 * received when no run needs them; at least {@link #MINIMUM_PERIOD}
	 * @param interval how long from the end of one sweep to the start of the next
	 * @param batchSize the most rows of a kind a batch reads, and so deletes, in one
	 * transaction
	 */
	public record Settings(Duration period, Duration interval, int batchSize) {

		/**
		 * The shortest period: Inngest's deduplication window of event ids. An event sent
		 * again with the id of one received within it starts no run, which only holds
		 * while the event received first is kept.
		 */
		public static final Duration MINIMUM_PERIOD = EventIntake.DEDUPLICATION_WINDOW;

		/**
		 * Checks the settings, naming the property of each wrong value.
		 */
		public Settings {
			if (period == null || period.compareTo(MINIMUM_PERIOD) < 0) {
				throw new InvalidConfigurationPropertyValueException("inngest.local.retention.period", period,
						"The retention period must be at least 24 hours (24h, or 1d), Inngest's deduplication "
								+ "window of event ids: an event sent again with the id of one sent within it must "
								+ "still be recognised, and start no run.");
			}
			PropertyChecks.atLeastOneMillisecond("inngest.local.retention.interval", interval);
			if (batchSize < 1) {
				throw new InvalidConfigurationPropertyValueException("inngest.local.retention.batch-size", batchSize,
						"A batch must read at least one row.");
			}
		}

	}

	/**
	 * Told of the rows each batch deleted, such as to count them.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called after a batch that deleted rows was committed.
		 * @param rows the rows it deleted
		 */
		void deleted(DeletedRows rows);

	}

}
