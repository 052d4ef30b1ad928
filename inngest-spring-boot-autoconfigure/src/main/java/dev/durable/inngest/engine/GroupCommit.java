package dev.durable.inngest.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Commits together the writes that threads make at the same time (a group commit): the
 * first thread to write stores its own with those that reach it first, and the writes
 * that arrive while it does wait for it to finish, and are then stored together, in one
 * transaction, by the first of them. A thread returns only once its own write is
 * committed, so each write ends exactly as it would alone. An idle engine waits for
 * nothing; a busy one commits many writes at once, which saves the most where each commit
 * costs a round trip or a write to disk.
 * <p>
 * Before it takes its group, the thread that stores it gives up its processor
 * ({@link Thread#yield()}), again as long as that brings more writes: the threads that a
 * group has just released come back to write again while it does. Without it, on a
 * database that commits on the application's own processors (H2), the first of them to
 * come back stored a group of two or three writes, and each commit wrote about as much as
 * one of many. With no other thread waiting for a processor, the yield returns at once
 * and a lone write is stored alone. On processors kept busy by other work, a yield waits
 * for that work's turn: when the pauses take longer than storing the writes they brought
 * would (and one store more), the thread stops pausing, and groups are stored without
 * pausing for the next {@value #PAUSELESS_MILLIS} ms.
 * <p>
 * When a group fails (a row another instance stored already, or any database error),
 * nothing of it is stored, and each of its writes is stored again alone, by its own
 * thread, which gets its own result or exception.
 *
 * @param <T> a write
 * @param <R> a write's result
 */
final class GroupCommit<T, R> {

	private static final Log logger = LogFactory.getLog(GroupCommit.class);

	/** The most times a thread lets others reach the group it is about to store. */
	private static final int MAX_PAUSES = 32;

	/** How long groups are stored without pausing once pausing was found too dear. */
	private static final long PAUSELESS_MILLIS = 100;

	private final Function<T, R> alone;

	private final Function<List<T>, List<R>> together;

	private final ToIntFunction<T> weight;

	private final int maxWeight;

	private final Runnable pause;

	private final LongSupplier nanoTime;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition stored = this.lock.newCondition();

	private final List<Waiting<T, R>> waiting = new ArrayList<>();

	private boolean storing;

	/** How long a store takes, a moving average; 0 until one was timed. */
	private long storeNanos;

	/** Whether groups are stored without pausing until {@link #pauselessUntil}. */
	private boolean pauseless;

	/** Until when groups are stored without pausing, in {@link #nanoTime} time. */
	private long pauselessUntil;

	/**
	 * Creates a group commit.
	 * @param alone stores one write in a transaction of its own
	 * @param together stores several writes in one transaction, all or none, returning
	 * their results in order
	 * @param weight how much of a group a write takes, such as its number of rows
	 * @param maxWeight the most a group takes, unless one write takes more on its own
	 */
	GroupCommit(Function<T, R> alone, Function<List<T>, List<R>> together, ToIntFunction<T> weight, int maxWeight) {
		this(alone, together, weight, maxWeight, Thread::yield, System::nanoTime);
	}

	/**
	 * Creates a group commit whose thread about to store a group pauses as given, and
	 * that times its pauses and stores with the given clock.
	 * @param alone stores one write in a transaction of its own
	 * @param together stores several writes in one transaction, all or none
	 * @param weight how much of a group a write takes
	 * @param maxWeight the most a group takes, unless one write takes more on its own
	 * @param pause lets other threads run before a group is taken, as
	 * {@link Thread#yield()} does
	 * @param nanoTime the time in nanoseconds, as {@link System#nanoTime()} gives it
	 */
	GroupCommit(Function<T, R> alone, Function<List<T>, List<R>> together, ToIntFunction<T> weight, int maxWeight,
			Runnable pause, LongSupplier nanoTime) {
		this.pause = pause;
		this.nanoTime = nanoTime;
		this.alone = alone;
		this.together = together;
		this.weight = weight;
		this.maxWeight = maxWeight;
	}

	/**
	 * Stores a write, with those that other threads make meanwhile.
	 * @param write the write
	 * @return its result
	 */
	R commit(T write) {
		Waiting<T, R> own = new Waiting<>(write);
		List<Waiting<T, R>> group = join(own);
		if (group != null && group.size() == 1) {
			long start = this.nanoTime.getAsLong();
			try {
				return this.alone.apply(write);
			}
			finally {
				stored(List.of(), List.of(), this.nanoTime.getAsLong() - start);
			}
		}
		if (group != null) {
			storeTogether(group);
		}
		if (own.state == State.ALONE) {
			return this.alone.apply(write);
		}
		return own.result;
	}

	/**
	 * How many writes wait to be stored.
	 * @return the count
	 */
	int waiting() {
		return waiting((write) -> true);
	}

	/**
	 * How many writes of those given wait to be stored.
	 * @param which the writes to count
	 * @return the count
	 */
	int waiting(Predicate<T> which) {
		this.lock.lock();
		try {
			return (int) this.waiting.stream().filter((one) -> which.test(one.write)).count();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until the write is stored or it is this thread's turn to store a group.
	 * @return the group to store, the given write first, or {@code null} when another
	 * thread stored it
	 */
	private @Nullable List<Waiting<T, R>> join(Waiting<T, R> own) {
		this.lock.lock();
		try {
			this.waiting.add(own);
			while (own.state == State.WAITING) {
				if (!this.storing) {
					this.storing = true;
					gather();
					return takeGroup(own);
				}
				this.stored.awaitUninterruptibly();
			}
			return null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Lets the threads about to write reach the group this one is about to store: pauses
	 * while each pause brings more writes, up to {@value #MAX_PAUSES} times, and until
	 * the writes waiting fill a group. The writes that arrive meanwhile wait, as this
	 * thread is storing.
	 */
	private void gather() {
		long start = this.nanoTime.getAsLong();
		if (this.pauseless && start - this.pauselessUntil < 0) {
			return;
		}
		this.pauseless = false;
		int first = this.waiting.size();
		for (int i = 0; i < MAX_PAUSES && this.waiting.size() < this.maxWeight; i++) {
			int before = this.waiting.size();
			this.lock.unlock();
			try {
				this.pause.run();
			}
			finally {
				this.lock.lock();
			}
			long paused = this.nanoTime.getAsLong() - start;
			if (this.storeNanos > 0 && paused > (this.waiting.size() - first + 1) * this.storeNanos) {
				// Other work held the processors: pausing costs more than it saves.
				this.pauseless = true;
				this.pauselessUntil = start + paused + TimeUnit.MILLISECONDS.toNanos(PAUSELESS_MILLIS);
				return;
			}
			if (this.waiting.size() == before) {
				return;
			}
		}
	}

	/**
	 * The given write and as many of those that wait as one group takes, the oldest
	 * first.
	 */
	private List<Waiting<T, R>> takeGroup(Waiting<T, R> own) {
		this.waiting.remove(own);
		List<Waiting<T, R>> group = new ArrayList<>();
		group.add(own);
		int total = this.weight.applyAsInt(own.write);
		int taken = 0;
		while (taken < this.waiting.size()) {
			int next = this.weight.applyAsInt(this.waiting.get(taken).write);
			if (total + next > this.maxWeight) {
				break;
			}
			total += next;
			group.add(this.waiting.get(taken));
			taken++;
		}
		this.waiting.subList(0, taken).clear();
		return group;
	}

	private void storeTogether(List<Waiting<T, R>> group) {
		List<R> results = null;
		long start = this.nanoTime.getAsLong();
		try {
			List<T> writes = new ArrayList<>(group.size());
			for (Waiting<T, R> one : group) {
				writes.add(one.write);
			}
			results = this.together.apply(writes);
		}
		catch (RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug(group.size() + " writes were not stored together; storing each alone", ex);
			}
		}
		finally {
			stored(group, results, this.nanoTime.getAsLong() - start);
		}
	}

	/**
	 * Ends a turn: gives the group its results, or has each write stored alone when there
	 * are none, notes how long the store took, and lets the next group be stored.
	 */
	private void stored(List<Waiting<T, R>> group, @Nullable List<R> results, long took) {
		this.lock.lock();
		try {
			this.storeNanos = (this.storeNanos == 0) ? took : this.storeNanos + (took - this.storeNanos) / 8;
			for (int i = 0; i < group.size(); i++) {
				Waiting<T, R> one = group.get(i);
				if (results != null) {
					one.result = results.get(i);
					one.state = State.STORED;
				}
				else {
					one.state = State.ALONE;
				}
			}
			this.storing = false;
			this.stored.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Results of a group, as an array of flags, in a list.
	 * @param flags the flags
	 * @return them, boxed
	 */
	static List<Boolean> asList(boolean[] flags) {
		Boolean[] boxed = new Boolean[flags.length];
		Arrays.setAll(boxed, (i) -> flags[i]);
		return Arrays.asList(boxed);
	}

	private enum State {

		/** Not stored yet. */
		WAITING,

		/** Stored with its group. */
		STORED,

		/** To be stored alone, by its own thread. */
		ALONE

	}

	private static final class Waiting<T, R> {

		private final T write;

		private State state = State.WAITING;

		private @Nullable R result;

		Waiting(T write) {
			this.write = write;
		}

	}

}
