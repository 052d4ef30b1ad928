package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.engine.store.RunStatsStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Rolls up, at every interval, the minutes that are over into the counts the charts read
 * ({@link RunStatsStore#rollUp}), a few minutes per transaction, and deletes the counts
 * of the minutes the retention no longer keeps runs of. A minute is rolled up
 * {@link #DELAY} after it ends, so that the runs that ended in it have been committed: a
 * run whose end is committed later than that is left out of the charts. Several instances
 * may roll up at once: the store counts each minute once.
 */
public final class StatsRollup implements SmartLifecycle {

	/** How long after a minute ends it is rolled up. */
	public static final Duration DELAY = Duration.ofMinutes(2);

	private static final Log logger = LogFactory.getLog(StatsRollup.class);

	/**
	 * The most minutes a transaction rolls up, so that catching up holds no rows long.
	 */
	private static final int MINUTES_PER_TRANSACTION = 5;

	private static final Duration FIRST_ROLL_UP = Duration.ofSeconds(10);

	private final RunStatsStore store;

	private final TransactionOperations transactions;

	private final Clock clock;

	private final Duration interval;

	private final @Nullable Duration keep;

	private final RepeatedFailures failures = new RepeatedFailures(logger,
			"Rolling up the counts of runs for the charts", Clock.systemUTC());

	private volatile boolean running;

	private volatile boolean stopping;

	private @Nullable ScheduledThreadPoolExecutor timer;

	/**
	 * Creates a roll-up.
	 * @param store the store that keeps the counts
	 * @param transactions runs each step in a transaction of its own
	 * @param clock the clock, which says which minutes are over
	 * @param interval how long from the end of one roll-up to the start of the next
	 * @param keep how long the counts of a minute are kept, the retention period of runs;
	 * or {@code null} to keep them for ever, as runs are when the retention is off
	 */
	public StatsRollup(RunStatsStore store, TransactionOperations transactions, Clock clock, Duration interval,
			@Nullable Duration keep) {
		this.store = store;
		this.transactions = transactions;
		this.clock = clock;
		this.interval = interval;
		this.keep = keep;
	}

	/**
	 * Rolls up every minute that ended at least {@link #DELAY} ago, then deletes the
	 * counts older than the retention period.
	 * @return the end of the last minute rolled up
	 */
	public Instant rollUp() {
		Instant now = this.clock.instant();
		Instant until = now.minus(DELAY).truncatedTo(ChronoUnit.MINUTES);
		Instant done;
		do {
			done = this.transactions.execute((status) -> this.store.rollUp(until, MINUTES_PER_TRANSACTION));
		}
		while (done.isBefore(until) && !this.stopping);
		Duration keep = this.keep;
		if (keep != null) {
			this.transactions.execute((status) -> this.store.deleteRollUpsBefore(now.minus(keep)));
		}
		return done;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		CustomizableThreadFactory threads = new CustomizableThreadFactory("inngest-stats-");
		threads.setDaemon(true);
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, threads);
		timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		long interval = Math.max(1, this.interval.toMillis());
		this.stopping = false;
		this.running = true;
		this.timer = timer;
		timer.scheduleWithFixedDelay(this::rollUpSafely, Math.min(interval, FIRST_ROLL_UP.toMillis()), interval,
				TimeUnit.MILLISECONDS);
	}

	private void rollUpSafely() {
		try {
			rollUp();
			this.failures.succeeded();
		}
		catch (RuntimeException ex) {
			this.failures.failed(ex, "in " + this.interval);
		}
	}

	@Override
	public synchronized void stop() {
		ScheduledThreadPoolExecutor timer = this.timer;
		if (!this.running || timer == null) {
			return;
		}
		this.running = false;
		this.stopping = true;
		timer.shutdown();
		try {
			// Not interrupted, as an interrupt while H2 reads its file closes the file.
			timer.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
