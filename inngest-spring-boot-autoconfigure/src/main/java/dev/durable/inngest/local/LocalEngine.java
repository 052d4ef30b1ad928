package dev.durable.inngest.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.engine.BulkCancellations;
import dev.durable.inngest.engine.CronScheduler;
import dev.durable.inngest.engine.ExecutingRuns;
import dev.durable.inngest.engine.RunExecutor;
import dev.durable.inngest.engine.RunQueue;
import dev.durable.inngest.engine.store.RunStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs the local engine's threads: a dispatcher that takes due runs from the {@link RunQueue}
 * and hands them to a fixed pool of workers, starting at once those created leased to this
 * instance and claiming the others, as many at once as there are free workers; the workers,
 * each of which, when it ends a run, starts the next due run created leased here itself, so that
 * a busy engine goes from run to run without waking the dispatcher; and a poller
 * that finds due runs in the store (runs made due by another instance, sleeps and retries past
 * the in-process horizon, expired leases), fires cron ticks, gives back the runs created leased
 * here that no worker took in time, and renews the leases of the runs executing here.
 */
public final class LocalEngine implements SmartLifecycle {

	/**
	 * The engine's lifecycle phase: it starts before the web server takes requests and stops
	 * after the web server has stopped taking them.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final Log logger = LogFactory.getLog(LocalEngine.class);

	/** How often the runs ended are counted, and held runs waiting too long given back. */
	private static final Duration TICK = Duration.ofMillis(50);

	/**
	 * How the engine's threads are sized and paced.
	 *
	 * @param workers how many runs execute at once
	 * @param pollInterval how often the store is polled for due runs
	 * @param leaseDuration how long a claimed run stays leased unless renewed
	 * @param shutdownTimeout how long stopping waits for executing runs
	 * @param eagerStart whether runs created here are created leased to this instance and held
	 * for its workers, which start them without claiming them
	 * @param eagerStartMaxWait how long a run created leased waits for a worker here before it
	 * is given back to every instance; at most a third of the lease's duration, so that its lease
	 * never needs renewing before a worker starts it
	 * @param stepTimeout how long a step's body, or a function's body between two steps, may run
	 * before its thread is interrupted; {@code null} or zero for no limit
	 */
	public record Settings(int workers, Duration pollInterval, Duration leaseDuration, Duration shutdownTimeout,
			boolean eagerStart, Duration eagerStartMaxWait, Duration stepTimeout) {

		/**
		 * Checks the settings, naming the property of each wrong value.
		 */
		public Settings {
			if (workers < 1) {
				throw new IllegalArgumentException("inngest.local.workers must be at least 1, but was " + workers);
			}
			requirePositive("inngest.local.poll-interval", pollInterval);
			requirePositive("inngest.local.lease.duration", leaseDuration);
			requirePositive("inngest.local.eager-start.max-wait", eagerStartMaxWait);
			if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException(
						"inngest.local.shutdown-timeout must be zero or positive, but was " + shutdownTimeout);
			}
			if (stepTimeout != null && stepTimeout.isNegative()) {
				throw new IllegalArgumentException(
						"inngest.local.step-timeout must be zero (no limit) or positive, but was " + stepTimeout);
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
		 * How long a run created leased is held for a worker here: the maximum wait, or a third
		 * of the lease's duration if that is shorter.
		 * @return the hold
		 */
		public Duration hold() {
			Duration third = this.leaseDuration.dividedBy(3);
			return (this.eagerStartMaxWait.compareTo(third) < 0) ? this.eagerStartMaxWait : third;
		}

		private static void requirePositive(String property, Duration value) {
			if (value == null || value.isZero() || value.isNegative()) {
				throw new IllegalArgumentException(property + " must be positive, but was " + value);
			}
		}

	}

	private final RunQueue queue;

	private final RunExecutor executor;

	private final RunStore runs;

	private final CronScheduler crons;

	private final ExecutingRuns executing;

	private final BulkCancellations bulkCancellations;

	private final Settings settings;

	private final Clock clock;

	/** The free workers: one permit each, made anew at each start. */
	private volatile Semaphore permits;

	private volatile boolean running;

	private ExecutorService workers;

	private ScheduledExecutorService poller;

	private Thread dispatcher;

	/** How many runs the workers are executing. */
	private final AtomicInteger busy = new AtomicInteger();

	/**
	 * The runs the workers ended, per tick of {@link #TICK} over the last half hold in which they
	 * worked, oldest first: a tick in which no worker was busy and none ended a run is left out,
	 * so that runs sent after an idle are held as fast as the workers ended runs before it.
	 */
	private final RecentCounts ended = new RecentCounts();

	/**
	 * Whether runs may be due that no worker was free to take when they were signalled or
	 * polled for: the dispatcher polls for them once a worker is free and none is queued.
	 */
	private final AtomicBoolean missed = new AtomicBoolean();

	/**
	 * Whether the dispatcher holds a free worker's permit while it waits for a run to hand it:
	 * that worker is free too.
	 */
	private volatile boolean waitingForRun;

	/**
	 * Creates an engine.
	 * @param queue the in-process hand-off of due runs
	 * @param executor executes runs
	 * @param runs the run store, polled for due runs
	 * @param crons fires cron ticks
	 * @param executing the runs executing here, whose leases are renewed
	 * @param bulkCancellations processed a few batches at each poll
	 * @param settings sizes and paces the threads
	 * @param clock the clock
	 */
	public LocalEngine(RunQueue queue, RunExecutor executor, RunStore runs, CronScheduler crons,
			ExecutingRuns executing, BulkCancellations bulkCancellations, Settings settings, Clock clock) {
		this.queue = queue;
		this.executor = executor;
		this.runs = runs;
		this.crons = crons;
		this.executing = executing;
		this.bulkCancellations = bulkCancellations;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.crons.register();
		int size = this.settings.workers();
		// A fresh count of free workers, before the poller reads it: the workers abandoned by an
		// earlier stop, if any, give their permits back to the count they took them from.
		Semaphore permits = new Semaphore(size);
		this.permits = permits;
		this.workers = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				daemon("inngest-worker-"));
		ScheduledThreadPoolExecutor poller = new ScheduledThreadPoolExecutor(1, daemon("inngest-poller-"));
		// Once stopped, a poll asked for meanwhile is not needed.
		poller.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.poller = poller;
		long poll = Math.max(1, this.settings.pollInterval().toMillis());
		this.poller.scheduleWithFixedDelay(this::poll, 0, poll, TimeUnit.MILLISECONDS);
		long renew = Math.max(1, this.settings.leaseDuration().toMillis() / 3);
		this.poller.scheduleWithFixedDelay(this::renewLeases, renew, renew, TimeUnit.MILLISECONDS);
		if (this.settings.limitsSteps()) {
			// A tenth of the time-out late at most, and never more than a second.
			long check = Math.min(1000, Math.max(10, this.settings.stepTimeout().toMillis() / 10));
			this.poller.scheduleWithFixedDelay(this::interruptOverran, check, check, TimeUnit.MILLISECONDS);
		}
		this.running = true;
		this.dispatcher = daemon("inngest-dispatcher-").newThread(() -> dispatch(permits));
		this.dispatcher.start();
		if (this.settings.eagerStart()) {
			// Free workers start runs at once; busy ones as fast as they ended runs lately: as many
			// as they ended in half the hold while they worked, so that they start those they hold
			// within it. Idle time tells nothing of how fast they are.
			this.ended.reset((int) Math.max(1, this.settings.hold().dividedBy(2).toMillis() / TICK.toMillis()));
			this.poller.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
			this.executing.holdWithin(() -> size - this.busy.get() + this.ended.total());
		}
		logger.info("Durable function engine started with " + size + " workers");
	}

	private static CustomizableThreadFactory daemon(String prefix) {
		CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
		// Abandoned at shutdown, a run's thread must not keep the JVM alive.
		factory.setDaemon(true);
		return factory;
	}

	private void dispatch(Semaphore permits) {
		// Never interrupted: an interrupt while a claim reads H2's file would close the file
		// (the channel's ClosedByInterruptException), and H2 would lose the commits it has not
		// written yet. Each wait ends in time to see a stop.
		while (this.running) {
			try {
				if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
					continue;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			String first;
			this.waitingForRun = true;
			try {
				first = this.queue.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				// Interrupted from outside the engine: nothing taken, the worker is not needed.
				permits.release();
				return;
			}
			finally {
				this.waitingForRun = false;
			}
			if (first == null) {
				permits.release();
				// A worker is free and none is queued: runs signalled while all were busy now.
				if (this.missed.compareAndSet(true, false)) {
					pollNow();
				}
				continue;
			}
			// As many due runs as there are free workers, claimed in one statement. Taking them
			// cannot be interrupted, so a stop never loses a taken run or a worker's permit.
			Set<String> runIds = new LinkedHashSet<>();
			runIds.add(first);
			while (permits.tryAcquire()) {
				String next = this.queue.pollDue();
				if (next == null) {
					permits.release();
					break;
				}
				if (!runIds.add(next)) {
					// The same run offered twice: no second worker for it.
					permits.release();
				}
			}
			handOver(new ArrayList<>(runIds), permits);
		}
	}

	private void handOver(List<String> runIds, Semaphore permits) {
		List<RunExecutor.Claim> claims = take(runIds);
		// Not due, or held by another worker: a stale or duplicate hand-off; or its claim failed.
		permits.release(runIds.size() - claims.size());
		for (RunExecutor.Claim claim : claims) {
			try {
				this.workers.execute(() -> work(claim, permits));
			}
			catch (RuntimeException ex) {
				this.busy.decrementAndGet();
				this.queue.done(claim.run().id());
				permits.release();
				logger.error("Could not hand run " + claim.run().id() + " to a worker; it is resumed once its "
						+ "lease expires", ex);
			}
		}
	}

	/**
	 * Takes runs from the queue for workers: runs created leased to this instance start as they
	 * are; the others are claimed in one statement. Each run taken counts as busy; the others
	 * are done here.
	 * @return the runs taken
	 */
	private List<RunExecutor.Claim> take(List<String> runIds) {
		List<RunExecutor.Claim> claims = new ArrayList<>(runIds.size());
		List<String> unheld = new ArrayList<>(runIds.size());
		for (String runId : runIds) {
			RunExecutor.Claim held = startHeld(runId);
			if (held != null) {
				claims.add(held);
			}
			else {
				unheld.add(runId);
			}
		}
		if (!unheld.isEmpty()) {
			try {
				List<RunExecutor.Claim> claimed = this.executor.claim(unheld);
				this.busy.addAndGet(claimed.size());
				claims.addAll(claimed);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not claim runs " + unheld + "; polling finds them again", ex);
			}
		}
		Set<String> taken = new HashSet<>();
		for (RunExecutor.Claim claim : claims) {
			taken.add(claim.run().id());
		}
		for (String runId : runIds) {
			if (!taken.contains(runId)) {
				this.queue.done(runId);
			}
		}
		return claims;
	}

	/**
	 * Executes a run, then, while the engine runs, each next due run created leased here, on
	 * the same thread and with the same permit: a worker that ends a run while others wait goes
	 * on without handing over to the dispatcher and back. Runs to be claimed are left to the
	 * dispatcher, which claims as many at once as there are free workers.
	 */
	private void work(RunExecutor.Claim first, Semaphore permits) {
		// Without runs created leased, none is held here: no look at the queue after each run.
		boolean goOn = this.settings.eagerStart();
		try {
			RunExecutor.Claim claim = first;
			while (claim != null) {
				executeOne(claim);
				claim = (goOn && this.running) ? this.queue.pollDue(this::startHeld) : null;
			}
		}
		finally {
			permits.release();
		}
	}

	/**
	 * Starts a run created leased to this instance, if it is still held here and its lease has
	 * time enough left for the renewal every third; it then counts as busy.
	 * @return its claim, or {@code null} if it is not held here
	 */
	private RunExecutor.Claim startHeld(String runId) {
		Instant heldSince = this.clock.instant().minus(this.settings.leaseDuration().dividedBy(2));
		RunExecutor.Claim held = this.executing.takeHeld(runId, heldSince);
		if (held == null) {
			return null;
		}
		this.busy.incrementAndGet();
		return this.executor.startHeld(held);
	}

	private void executeOne(RunExecutor.Claim claim) {
		String runId = claim.run().id();
		try {
			Optional<Instant> dueAgain = this.executor.execute(claim);
			this.queue.done(runId);
			dueAgain.ifPresent((at) -> this.queue.offerAt(runId, at));
		}
		catch (RuntimeException | Error ex) {
			// An error too (of the engine's own code: the function's are stored as failed
			// attempts), so that the worker's thread goes on to the next run.
			this.queue.done(runId);
			logger.warn("Run " + runId + " could not be executed; it is retried once its lease expires", ex);
		}
		finally {
			this.busy.decrementAndGet();
			this.ended.add();
		}
	}

	private void poll() {
		try {
			if (workerFree()) {
				// Whatever was missed before is due now, and found by this poll.
				this.missed.set(false);
				// Only runs this application can execute: others wait, due, for an instance that can.
				List<String> due = this.runs.findDue(this.clock.instant(), this.settings.workers() * 4,
						this.executor.functionIds());
				this.queue.offerPolled(due);
			}
			else {
				this.missed.set(true);
			}
			this.crons.fireDue();
			this.bulkCancellations.process();
		}
		catch (RuntimeException ex) {
			logger.warn("Polling for due runs failed; polling again in " + this.settings.pollInterval(), ex);
		}
	}

	private void tick() {
		this.ended.next(this.busy.get() == 0);
		// Queued again here too, for a claim: a run taken meanwhile from the queue, found held
		// no longer, was dropped from it.
		this.queue.offerPolled(giveBack(this.clock.instant().minus(this.settings.hold())));
	}

	/**
	 * Gives back the runs created leased to this instance that no worker here started by a
	 * time, so that any instance may claim them: this one is busy.
	 * @return the ids of the runs given back
	 */
	private Set<String> giveBack(Instant createdBy) {
		List<RunExecutor.Claim> held = this.executing.takeHeldCreatedBy(createdBy);
		if (held.isEmpty()) {
			return Set.of();
		}
		try {
			Set<String> givenBack = this.executor.giveBack(held);
			if (logger.isDebugEnabled()) {
				logger.debug("Gave back " + givenBack.size() + " runs created here that no worker here started");
			}
			return givenBack;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not give back " + held.size() + " runs created here that no worker here started; "
					+ "they are resumed once their leases expire", ex);
			return Set.of();
		}
	}

	/**
	 * Whether a worker is free: a permit no one holds, or the one the dispatcher holds while it
	 * waits for a run to hand over (with one worker, the dispatcher holds its only permit nearly
	 * all the time the worker is free).
	 */
	private boolean workerFree() {
		return this.permits.availablePermits() > 0 || this.waitingForRun;
	}

	/**
	 * Offers runs made due by another instance, if a worker is free to take them. If none is,
	 * they are left to the other instances, and this one polls for due runs as soon as one of
	 * its workers is free and no run is queued for it, rather than at the next poll interval.
	 * @param runIds the run ids
	 */
	public void offer(Collection<String> runIds) {
		if (!this.running) {
			return;
		}
		if (workerFree()) {
			this.queue.offerPolled(runIds);
		}
		else {
			this.missed.set(true);
		}
	}

	/**
	 * Polls the store for due runs now rather than at the next interval.
	 */
	public void pollNow() {
		ScheduledExecutorService poller = this.poller;
		if (this.running && poller != null) {
			try {
				poller.execute(this::poll);
			}
			catch (RejectedExecutionException ex) {
				// Stopping.
			}
		}
	}

	private void renewLeases() {
		try {
			Set<String> lost = this.runs.renew(this.executing.leases(),
					this.clock.instant().plus(this.settings.leaseDuration()));
			// Taken over by another instance, or cancelled there: stop before the next step.
			this.executing.stop(lost);
		}
		catch (RuntimeException ex) {
			logger.warn("Renewing the leases of executing runs failed", ex);
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
		this.executing.holdWithin(null);
		try {
			// A hand-off under way reaches the workers before they stop taking runs. Neither the
			// dispatcher nor the poller is interrupted (see dispatch): the dispatcher sees the
			// stop within 100 ms, and the poller finishes the poll under way.
			this.dispatcher.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// No worker here starts them now: queued again at once for any instance, instead of
		// waiting for their leases to expire.
		giveBack(Instant.MAX);
		this.poller.shutdown();
		this.workers.shutdown();
		try {
			// A poll under way finishes before the data source closes.
			this.poller.awaitTermination(5, TimeUnit.SECONDS);
			if (!this.workers.awaitTermination(this.settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				// Given back first, then interrupted: only the function code, never a worker that
				// may be reading H2's file.
				abandonExecuting();
				this.executing.interruptFunctionCode();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executing.interruptFunctionCode();
		}
	}

	/**
	 * Gives back the runs still executing after the shutdown timeout, before their threads are
	 * interrupted (an interrupt in the middle of reading H2's file closes it): queued again at
	 * once, they are resumed by the next start or another instance without waiting for their
	 * leases to expire.
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

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Counts over a sliding window of ticks: {@link #add()} counts in the current tick,
	 * {@link #next(boolean)} starts the next one, dropping the oldest, unless nothing happened in
	 * the current one.
	 */
	private static final class RecentCounts {

		private final AtomicInteger current = new AtomicInteger();

		private int[] ticks = new int[1];

		private int oldest;

		private volatile int past;

		void reset(int ticks) {
			this.ticks = new int[ticks];
			this.oldest = 0;
			this.past = 0;
			this.current.set(0);
		}

		void add() {
			this.current.incrementAndGet();
		}

		/**
		 * Ends the current tick. Called from one thread at a time.
		 * @param idle whether nothing was under way at its end: if nothing was counted in it
		 * either, it is left out and the window stays as it was
		 */
		void next(boolean idle) {
			if (idle && this.current.get() == 0) {
				return;
			}
			int count = this.current.getAndSet(0);
			this.past += count - this.ticks[this.oldest];
			this.ticks[this.oldest] = count;
			this.oldest = (this.oldest + 1) % this.ticks.length;
		}

		int total() {
			return this.past + this.current.get();
		}

	}

}
