package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The in-process hand-off of runs that are due now or soon, so that a new run, a resumed
 * wait or a short sleep starts at once instead of at the next poll. The store stays the
 * truth: a run taken from here is claimed in the store before it executes, so a stale or
 * duplicate entry costs one failed claim.
 */
public final class RunQueue {

	private final DelayQueue<Entry> queue = new DelayQueue<>();

	private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

	private final Clock clock;

	private volatile @Nullable IntSupplier freeWorkers;

	private final AtomicInteger promised = new AtomicInteger();

	/**
	 * Creates a queue.
	 * @param clock the clock that decides when an entry is due
	 */
	public RunQueue(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Offers runs that are due now.
	 * @param runIds the run ids
	 */
	public void offerNow(Collection<String> runIds) {
		long now = this.clock.millis();
		for (String runId : runIds) {
			this.inFlight.add(runId);
			this.queue.add(new Entry(runId, now));
		}
	}

	/**
	 * Forgets every run offered. For a caller that drives the engine on its own thread,
	 * whose runs no worker takes from here: without it, entries would pile up.
	 */
	public void clear() {
		this.queue.clear();
		this.inFlight.clear();
	}

	/**
	 * Offers a run that becomes due later.
	 * @param runId the run id
	 * @param dueAt when it is due
	 */
	public void offerAt(String runId, Instant dueAt) {
		this.queue.add(new Entry(runId, dueAt.toEpochMilli()));
	}

	/**
	 * Offers runs found due by polling the store, skipping those queued or executing
	 * here.
	 * @param runIds the run ids
	 * @return how many were new
	 */
	public int offerPolled(Collection<String> runIds) {
		int added = 0;
		long now = this.clock.millis();
		for (String runId : runIds) {
			if (this.inFlight.add(runId)) {
				this.queue.add(new Entry(runId, now));
				added++;
			}
		}
		return added;
	}

	/**
	 * Takes the next due run, waiting for one.
	 * @param timeout the longest wait
	 * @param unit the unit of the timeout
	 * @return the run id, or {@code null} when none became due in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	public @Nullable String poll(long timeout, TimeUnit unit) throws InterruptedException {
		return taken(this.queue.poll(timeout, unit));
	}

	/**
	 * Takes the next due run if there is one, without waiting.
	 * @return the run id, or {@code null} when none is due
	 */
	public @Nullable String pollDue() {
		return taken(this.queue.poll());
	}

	/**
	 * Takes the next due run if there is one and the given function takes it; otherwise
	 * leaves it where it was in the queue.
	 * @param <T> what the function makes of a run it takes
	 * @param take makes something of the run's id, or returns {@code null} to leave it
	 * @return what the function made of the run, or {@code null} when none is due or the
	 * function left it
	 */
	public <T> @Nullable T pollDue(Function<String, @Nullable T> take) {
		Entry entry = this.queue.poll();
		if (entry == null) {
			return null;
		}
		T taken = take.apply(entry.runId);
		if (taken == null) {
			this.queue.add(entry);
		}
		else {
			this.inFlight.add(entry.runId);
		}
		return taken;
	}

	private @Nullable String taken(@Nullable Entry entry) {
		if (entry == null) {
			return null;
		}
		this.inFlight.add(entry.runId);
		return entry.runId;
	}

	/**
	 * Marks a run as no longer queued or executing here.
	 * @param runId the run id
	 */
	public void done(String runId) {
		this.inFlight.remove(runId);
	}

	/**
	 * Tells the queue how many of this instance's workers are free to take runs.
	 * @param freeWorkers the count, read when asked; {@code null} while no worker here
	 * takes runs
	 */
	public void takenBy(@Nullable IntSupplier freeWorkers) {
		this.freeWorkers = freeWorkers;
	}

	/**
	 * Counts runs about to be queued here as runs that this instance's free workers start
	 * at once: as many of them as there are free workers, less the runs queued or counted
	 * for them already; none while no worker here takes runs. The count holds until it is
	 * {@link #release(int) released}, once the runs are queued or will not be.
	 * @param runs how many runs are about to be queued
	 * @return how many of them were counted
	 */
	public int promise(int runs) {
		IntSupplier free = this.freeWorkers;
		if (free == null || runs <= 0) {
			return 0;
		}
		while (true) {
			int promised = this.promised.get();
			int counted = Math.max(0, Math.min(runs, free.getAsInt() - this.queue.size() - promised));
			if (counted == 0 || this.promised.compareAndSet(promised, promised + counted)) {
				return counted;
			}
		}
	}

	/**
	 * How many runs are counted and not released.
	 * @return the count
	 */
	int promised() {
		return this.promised.get();
	}

	/**
	 * Releases runs counted by {@link #promise(int)}.
	 * @param runs how many
	 */
	public void release(int runs) {
		if (runs > 0) {
			this.promised.addAndGet(-runs);
		}
	}

	/**
	 * How many runs are queued here, due or not.
	 * @return the size
	 */
	public int size() {
		return this.queue.size();
	}

	private final class Entry implements Delayed {

		private final String runId;

		private final long dueAtMillis;

		Entry(String runId, long dueAtMillis) {
			this.runId = runId;
			this.dueAtMillis = dueAtMillis;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.dueAtMillis - RunQueue.this.clock.millis(), TimeUnit.MILLISECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(this.dueAtMillis, ((Entry) other).dueAtMillis);
		}

	}

}
