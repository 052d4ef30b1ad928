package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A fixed pool of workers and the dispatcher that feeds them, owned by the
 * {@link RunScheduler}. The dispatcher takes due runs from the {@link RunQueue}, as many
 * at once as there are free workers: it starts those created leased to this instance as
 * they are and claims the others in one statement. A worker that ends a run starts the
 * next due run created leased here itself, so that a busy engine goes from run to run
 * without waking the dispatcher.
 */
final class WorkerPool {

	private static final Log logger = LogFactory.getLog(WorkerPool.class);

	private final RunQueue queue;

	private final RunExecutor executor;

	private final LeasedRuns executing;

	private final Clock clock;

	private final int size;

	private final Duration leaseDuration;

	private final boolean eagerStart;

	/** Polls the store now, for the runs missed while no worker was free. */
	private final Runnable pollNow;

	/** The free workers: one permit each, made anew at each start. */
	private volatile @Nullable Semaphore permits;

	private volatile boolean running;

	private @Nullable ExecutorService workers;

	private @Nullable Thread dispatcher;

	/** How many runs the workers are executing. */
	private final AtomicInteger busy = new AtomicInteger();

	/** The runs the workers ended, per tick of the {@link HeldRunHandOff}. */
	private final RecentCounts ended = new RecentCounts();

	/**
	 * Whether runs may be due that no worker was free to take when they were signalled or
	 * polled for: the dispatcher polls for them once a worker is free and none is queued.
	 */
	private final AtomicBoolean missed = new AtomicBoolean();

	/**
	 * Whether the dispatcher holds a free worker's permit while it waits for a run to
	 * hand it: that worker is free too.
	 */
	private volatile boolean waitingForRun;

	/** Makes the workers' threads. */
	private final ThreadFactory workerThreads;

	WorkerPool(RunQueue queue, RunExecutor executor, LeasedRuns executing, Clock clock, int size,
			Duration leaseDuration, boolean eagerStart, Runnable pollNow, ThreadFactory workerThreads) {
		this.workerThreads = workerThreads;
		this.queue = queue;
		this.executor = executor;
		this.executing = executing;
		this.clock = clock;
		this.size = size;
		this.leaseDuration = leaseDuration;
		this.eagerStart = eagerStart;
		this.pollNow = pollNow;
	}

	/** Starts the workers and the dispatcher. */
	void start() {
		// A fresh count of free workers, before the poller reads it: the workers
		// abandoned by an earlier stop, if any, give their permits back to the count they
		// took them from.
		Semaphore permits = new Semaphore(this.size);
		this.permits = permits;
		this.workers = new ThreadPoolExecutor(this.size, this.size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				this.workerThreads);
		this.running = true;
		this.dispatcher = RunScheduler.daemon("inngest-dispatcher-").newThread(() -> dispatch(permits));
		this.dispatcher.start();
	}

	/**
	 * Stops taking runs: the dispatcher ends once a hand-off under way has reached the
	 * workers, and a worker ends with the run it executes. A hand-off that reaches them
	 * only after they shut down gives its runs back.
	 * @throws InterruptedException if interrupted while the dispatcher ends
	 */
	void stopTaking() throws InterruptedException {
		this.running = false;
		// Not interrupted (see dispatch): the dispatcher sees the stop within 100 ms.
		this.dispatcher.join(TimeUnit.SECONDS.toMillis(5));
	}

	/** Lets the workers end the runs they execute, and takes no more. */
	void shutdown() {
		this.workers.shutdown();
	}

	/**
	 * Waits for the workers to end the runs they execute, after {@link #shutdown()}.
	 * @param timeout how long to wait for them
	 * @return {@code true} if they all ended in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitTermination(Duration timeout) throws InterruptedException {
		return this.workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	int size() {
		return this.size;
	}

	/** How many runs the workers are executing. */
	int busy() {
		return this.busy.get();
	}

	RecentCounts ended() {
		return this.ended;
	}

	/**
	 * Whether a worker is free: a permit no one holds, or the one the dispatcher holds
	 * while it waits for a run to hand over (with one worker, the dispatcher holds its
	 * only permit nearly all the time the worker is free).
	 */
	boolean workerFree() {
		return this.permits.availablePermits() > 0 || this.waitingForRun;
	}

	/** Notes that runs may be due that no worker was free to take. */
	void missed() {
		this.missed.set(true);
	}

	void clearMissed() {
		this.missed.set(false);
	}

	private void dispatch(Semaphore permits) {
		// Never interrupted: an interrupt while a claim reads H2's file would close the
		// file (the channel's ClosedByInterruptException), and H2 would lose the commits
		// it has not written yet. Each wait ends in time to see a stop.
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
				// Interrupted from outside the engine: nothing taken, the worker is not
				// needed.
				permits.release();
				return;
			}
			finally {
				this.waitingForRun = false;
			}
			if (first == null) {
				permits.release();
				// A worker is free and none is queued: runs signalled while all were busy
				// now.
				if (this.missed.compareAndSet(true, false)) {
					this.pollNow.run();
				}
				continue;
			}
			// As many due runs as there are free workers, claimed in one statement.
			// Taking them cannot be interrupted, so a stop never loses a taken run or a
			// worker's permit.
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
		// Not due, or held by another worker: a stale or duplicate hand-off; or its claim
		// failed.
		permits.release(runIds.size() - claims.size());
		List<RunExecutor.Claim> refused = new ArrayList<>();
		for (RunExecutor.Claim claim : claims) {
			try {
				this.workers.execute(() -> work(claim, permits));
			}
			catch (RuntimeException ex) {
				// Refused by workers shut down while the run was taken: no execution
				// begins, and none would forget the run as starting.
				this.executing.notStarted(claim.run().id());
				this.busy.decrementAndGet();
				this.queue.done(claim.run().id());
				permits.release();
				refused.add(claim);
			}
		}
		if (!refused.isEmpty()) {
			giveBack(refused);
		}
	}

	/**
	 * Gives back the runs that the workers refused as they shut down: queued again at
	 * once for any instance, or for this one once it starts again, rather than left
	 * leased here until their leases expire.
	 */
	private void giveBack(List<RunExecutor.Claim> refused) {
		List<String> runIds = refused.stream().map((claim) -> claim.run().id()).toList();
		try {
			Set<String> givenBack = this.executor.giveBack(refused);
			logger.warn("The workers, shutting down, refused runs " + runIds + "; " + givenBack.size()
					+ " given back, queued again at once for any instance"
					+ ((givenBack.size() < runIds.size()) ? " (the others were no longer leased here)" : ""));
		}
		catch (RuntimeException ex) {
			logger.error("Could not hand runs " + runIds + " to the workers, which are shutting down, nor give "
					+ "them back; they are resumed once their leases expire", ex);
		}
	}

	/**
	 * Takes runs from the queue for workers: runs created leased to this instance start
	 * as they are; the others are claimed in one statement. Each run taken counts as
	 * busy; the others are done here.
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
	 * Executes a run, then, while the engine runs, each next due run created leased here,
	 * on the same thread and with the same permit: a worker that ends a run while others
	 * wait goes on without handing over to the dispatcher and back. Runs to be claimed
	 * are left to the dispatcher, which claims as many at once as there are free workers.
	 */
	private void work(RunExecutor.Claim first, Semaphore permits) {
		// Without runs created leased, none is held here: no look at the queue after each
		// run.
		boolean goOn = this.eagerStart;
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
	 * Starts a run created leased to this instance, if it is still held here and its
	 * lease has time enough left for the renewal every third; it then counts as busy.
	 * @return its claim, or {@code null} if it is not held here
	 */
	private RunExecutor.@Nullable Claim startHeld(String runId) {
		Instant heldSince = this.clock.instant().minus(this.leaseDuration.dividedBy(2));
		RunExecutor.Claim held = this.executing.takeHeld(runId, heldSince);
		if (held == null) {
			return null;
		}
		this.busy.incrementAndGet();
		// Executed in place of a claim: the claim made when it was created.
		this.executing.starting(runId);
		return held;
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

}
