package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.engine.store.RunStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs the engine's threads, and starts and stops its parts in order: the
 * {@link WorkerPool} (a dispatcher and the workers it feeds), and, on one poller thread,
 * the {@link DuePoller} (due runs, cron ticks, bulk cancellations), the
 * {@link LeaseRenewer}, the watch on steps past their time-out and, with eager start, the
 * {@link HeldRunHandOff} of runs created leased here.
 */
public final class RunScheduler implements SmartLifecycle {

	/**
	 * The engine's lifecycle phase: it starts before the web server takes requests and
	 * stops after the web server has stopped taking them.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final Log logger = LogFactory.getLog(RunScheduler.class);

	private static final String WORKER_THREADS = "inngest-worker-";

	/**
	 * How the engine's threads are sized and paced.
	 *
	 * @param workers how many runs execute at once
	 * @param pollInterval how often the store is polled for due runs
	 * @param leaseDuration how long a claimed run stays leased unless renewed
	 * @param shutdownTimeout how long stopping waits for executing runs
	 * @param eagerStart whether runs created here are created leased to this instance and
	 * held for its workers, which start them without claiming them
	 * @param eagerStartMaxWait how long a run created leased waits for a worker here
	 * before it is given back to every instance; at most a third of the lease's duration,
	 * so that its lease never needs renewing before a worker starts it
	 * @param stepTimeout how long a step's body, or a function's body between two steps,
	 * may run before its thread is interrupted; {@code null} or zero for no limit
	 * @param virtualThreads whether the workers are virtual threads (Java 21 and later)
	 * rather than platform threads
	 */
	public record Settings(int workers, Duration pollInterval, Duration leaseDuration, Duration shutdownTimeout,
			boolean eagerStart, Duration eagerStartMaxWait, @Nullable Duration stepTimeout, boolean virtualThreads) {

		/**
		 * Checks the settings, naming the property of each wrong value.
		 */
		public Settings {
			if (workers < 1) {
				throw new InvalidConfigurationPropertyValueException("inngest.local.workers", workers,
						"It must be at least 1.");
			}
			PropertyChecks.atLeastOneMillisecond("inngest.local.poll-interval", pollInterval);
			PropertyChecks.atLeastOneMillisecond("inngest.local.lease.duration", leaseDuration);
			PropertyChecks.atLeastOneMillisecond("inngest.local.eager-start.max-wait", eagerStartMaxWait);
			if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
				throw new InvalidConfigurationPropertyValueException("inngest.local.shutdown-timeout", shutdownTimeout,
						"It must be zero or positive.");
			}
			// Under a millisecond, a negative one included, but zero, which sets no
			// limit.
			if (stepTimeout != null && !stepTimeout.isZero() && stepTimeout.toMillis() < 1) {
				throw new InvalidConfigurationPropertyValueException("inngest.local.step-timeout", stepTimeout,
						"It must be zero (no limit) or at least 1ms.");
			}
		}

		/**
		 * Whether function code that runs too long is interrupted.
		 * @return {@code true} if a step time-out is set
		 */
		public boolean limitsSteps() {
			return this.stepTimeout != null && !this.stepTimeout.isZero();
		}

		/**
		 * How long a run created leased is held for a worker here: the maximum wait, or a
		 * third of the lease's duration if that is shorter.
		 * @return the hold
		 */
		public Duration hold() {
			Duration third = this.leaseDuration.dividedBy(3);
			return (this.eagerStartMaxWait.compareTo(third) < 0) ? this.eagerStartMaxWait : third;
		}

	}

	private final RunQueue queue;

	private final CronScheduler crons;

	private final RunExecutor executor;

	private final LeasedRuns executing;

	private final Settings settings;

	private final WorkerPool workers;

	private final DuePoller duePoller;

	private final LeaseRenewer leaseRenewer;

	private final HeldRunHandOff handOff;

	private volatile boolean running;

	private boolean autoStartup = true;

	private @Nullable ScheduledExecutorService poller;

	/**
	 * Renews the leases of the runs executing here, on a thread of its own: a slow poll
	 * does not delay a renewal, a slow renewal does not delay the polls, and renewals go
	 * on while a stop waits for the workers.
	 */
	private @Nullable ScheduledExecutorService renewer;

	/**
	 * Creates the scheduler and its parts.
	 * @param queue the in-process hand-off of due runs
	 * @param executor executes runs
	 * @param runs the run store, polled for due runs
	 * @param crons fires cron ticks
	 * @param executing the runs executing here, whose leases are renewed
	 * @param bulkCancellations processed a few batches at each poll
	 * @param replays the bulk replays, processed a few batches at each poll
	 * @param settings sizes and paces the threads
	 * @param clock the clock
	 */
	public RunScheduler(RunQueue queue, RunExecutor executor, RunStore runs, CronScheduler crons, LeasedRuns executing,
			BulkCancellations bulkCancellations, RunReplays replays, Settings settings, Clock clock) {
		this.queue = queue;
		this.crons = crons;
		this.executor = executor;
		this.executing = executing;
		this.settings = settings;
		this.workers = new WorkerPool(queue, executor, executing, clock, settings.workers(), settings.leaseDuration(),
				settings.eagerStart(), this::pollNow, workerThreads(settings.virtualThreads()));
		this.duePoller = new DuePoller(runs, executor, queue, this.workers, crons, bulkCancellations, replays, clock,
				settings.pollInterval());
		this.leaseRenewer = new LeaseRenewer(runs, executing, clock, settings.leaseDuration());
		this.handOff = new HeldRunHandOff(executing, executor, queue, this.workers, clock, settings.hold());
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.crons.register();
		this.workers.start();
		this.queue.takenBy(() -> this.workers.size() - this.workers.busy());
		ScheduledThreadPoolExecutor poller = new ScheduledThreadPoolExecutor(1, daemon("inngest-poller-"));
		// Once stopped, a poll asked for meanwhile is not needed.
		poller.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.poller = poller;
		every(0, this.duePoller.intervalMillis(), this.duePoller::poll);
		ScheduledThreadPoolExecutor renewer = new ScheduledThreadPoolExecutor(1, daemon("inngest-leases-"));
		renewer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.renewer = renewer;
		long renew = this.leaseRenewer.intervalMillis();
		renewer.scheduleWithFixedDelay(this.leaseRenewer::renew, renew, renew, TimeUnit.MILLISECONDS);
		if (this.settings.limitsSteps()) {
			// A tenth of the time-out late at most, and never more than a second.
			long check = Math.min(1000, Math.max(10, this.settings.stepTimeout().toMillis() / 10));
			every(check, check, this::interruptOverran);
		}
		this.running = true;
		if (this.settings.eagerStart()) {
			this.handOff.start();
			long tick = HeldRunHandOff.TICK.toMillis();
			every(tick, tick, this.handOff::tick);
		}
		logger.info("Durable function engine started with " + this.settings.workers() + " workers");
	}

	private void every(long initialDelay, long delay, Runnable task) {
		this.poller.scheduleWithFixedDelay(task, initialDelay, delay, TimeUnit.MILLISECONDS);
	}

	/**
	 * A factory of the workers' threads, named {@code inngest-worker-1},
	 * {@code inngest-worker-2} and on, whether they are platform or virtual threads.
	 * @param virtual whether they are virtual threads (Java 21 and later)
	 * @return the factory
	 */
	static ThreadFactory workerThreads(boolean virtual) {
		if (!virtual) {
			return daemon(WORKER_THREADS);
		}
		// Virtual workers park rather than hold a platform thread while a step waits on
		// I/O. Spring's factory of them, given a prefix, would number them from 0: they
		// are named here instead, from 1 as the platform ones are.
		return numbered(WORKER_THREADS, new VirtualThreadTaskExecutor().getVirtualThreadFactory());
	}

	/**
	 * A factory that names the threads of another with a prefix and a count from 1, as
	 * {@link CustomizableThreadFactory} does.
	 * @param prefix the prefix of their names
	 * @param threads makes the threads
	 * @return the factory
	 */
	static ThreadFactory numbered(String prefix, ThreadFactory threads) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = threads.newThread(task);
			thread.setName(prefix + count.incrementAndGet());
			return thread;
		};
	}

	/**
	 * A factory of the engine's threads.
	 * @param prefix the prefix of their names
	 * @return the factory
	 */
	public static CustomizableThreadFactory daemon(String prefix) {
		CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
		// Abandoned at shutdown, a run's thread must not keep the JVM alive.
		factory.setDaemon(true);
		return factory;
	}

	/**
	 * Offers runs made due by another instance, if a worker is free to take them. If none
	 * is, they are left to the other instances, and this one polls for due runs as soon
	 * as one of its workers is free and no run is queued for it, rather than at the next
	 * poll interval.
	 * @param runIds the run ids
	 */
	public void offer(Collection<String> runIds) {
		if (!this.running) {
			return;
		}
		this.duePoller.offer(runIds);
	}

	/**
	 * Polls the store for due runs now rather than at the next interval.
	 */
	public void pollNow() {
		ScheduledExecutorService poller = this.poller;
		if (this.running && poller != null) {
			try {
				poller.execute(this.duePoller::poll);
			}
			catch (RejectedExecutionException ex) {
				// Stopping.
			}
		}
	}

	private void interruptOverran() {
		try {
			this.executing.interruptOverran(this.settings.stepTimeout());
		}
		catch (RuntimeException ex) {
			logger.warn("Looking for steps past the step time-out failed", ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.queue.takenBy(null);
		this.handOff.stop();
		try {
			// A hand-off under way reaches the workers before they stop taking runs.
			// Neither the dispatcher nor the poller is interrupted (see WorkerPool): the
			// poller finishes the poll under way.
			this.workers.stopTaking();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// No worker here starts them now: queued again at once for any instance, instead
		// of waiting for their leases to expire.
		this.handOff.giveBack(Instant.MAX);
		this.poller.shutdown();
		this.workers.shutdown();
		try {
			// A poll under way finishes before the data source closes.
			this.poller.awaitTermination(5, TimeUnit.SECONDS);
			if (!this.workers.awaitTermination(this.settings.shutdownTimeout())) {
				// Given back first, then interrupted: only the function code, never a
				// worker that may be reading H2's file.
				abandonExecuting();
				this.executing.interruptFunctionCode();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executing.interruptFunctionCode();
		}
		finally {
			// The leases of the runs executing were renewed until now; those given back
			// need none. A renewal under way finishes before the data source closes.
			this.renewer.shutdown();
			try {
				this.renewer.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Gives back the runs still executing after the shutdown timeout, before their
	 * threads are interrupted (an interrupt in the middle of reading H2's file closes
	 * it): queued again at once, they are resumed by the next start or another instance
	 * without waiting for their leases to expire.
	 */
	private void abandonExecuting() {
		try {
			Set<String> givenBack = this.executor.giveBackExecuting();
			logger.warn("Runs still executing after " + this.settings.shutdownTimeout() + " are abandoned: "
					+ givenBack.size() + " given back, to be resumed from their stored steps by the next start or "
					+ "another instance; the step each was in runs again there");
		}
		catch (RuntimeException ex) {
			logger.warn("Runs still executing after " + this.settings.shutdownTimeout() + " are abandoned; "
					+ "another instance resumes them once their leases expire", ex);
		}
	}

	/**
	 * The settings that size and pace the engine's threads.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * How many runs the workers of this instance are executing now.
	 * @return the count, at most {@link Settings#workers()}
	 */
	public int busyWorkers() {
		return this.workers.busy();
	}

	/**
	 * Sets whether the engine's threads start with the application context; when not,
	 * nothing executes runs until {@link #start()} is called, or until a caller drives
	 * them with {@link DueRuns}.
	 * @param autoStartup whether to start with the context
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
