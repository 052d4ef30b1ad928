package dev.durable.inngest.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.RunStore.Completion;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.support.TransactionOperations;

/**
 * Stores runs' completions, committing together those that workers make at the same time
 * (a group commit): the first worker to complete a run stores its completion at once, and
 * the completions that arrive while it does wait for it to finish, and are then stored
 * together, in one transaction, by the first of them. A worker returns only once its own
 * completion is committed, so a run ends exactly as it would alone. An idle engine waits
 * for nothing; a busy one commits many runs at once, which saves the most where each
 * commit is written to disk before it returns.
 * <p>
 * When a group fails (a step another instance stored already, or any database error),
 * nothing of it is stored, and each of its completions is stored again alone, by its own
 * worker, which gets its own result or exception.
 * <p>
 * Where commits cost next to nothing (H2 with a write delay), or where the database
 * merges concurrent commits' disk writes itself (PostgreSQL), the wait costs more than it
 * saves, and each completion can be committed alone, as it comes.
 */
final class RunCompletions {

	private static final Log logger = LogFactory.getLog(RunCompletions.class);

	/** The most completions stored in one transaction. */
	private static final int MAX_GROUP = 64;

	private final RunStore runs;

	private final TransactionOperations transactions;

	private final boolean together;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition stored = this.lock.newCondition();

	private List<Waiting> waiting = new ArrayList<>();

	private boolean storing;

	/**
	 * Creates the completions of an executor.
	 * @param runs the run store
	 * @param transactions runs a group in one transaction
	 * @param together whether completions made at the same time are committed together
	 */
	RunCompletions(RunStore runs, TransactionOperations transactions, boolean together) {
		this.runs = runs;
		this.transactions = transactions;
		this.together = together;
	}

	/**
	 * Stores a run's completion, with those that other workers make meanwhile.
	 * @param completion the completion
	 * @return {@code false} if the run's lease was lost
	 * @throws org.springframework.dao.DuplicateKeyException if the run's last step was
	 * stored already, by an instance that took the run over
	 */
	boolean complete(Completion completion) {
		if (!this.together) {
			return this.runs.complete(completion);
		}
		Waiting own = new Waiting(completion);
		List<Waiting> group = join(own);
		if (group != null && group.size() == 1) {
			try {
				return this.runs.complete(completion);
			}
			finally {
				stored(List.of(), new State[0]);
			}
		}
		if (group != null) {
			storeTogether(group);
		}
		if (own.state == State.ALONE) {
			return this.runs.complete(completion);
		}
		return own.state == State.HELD;
	}

	/**
	 * Waits until the completion is stored or it is this worker's turn to store a group.
	 * @return the group to store, the given completion among them, or {@code null} when
	 * another worker stored it
	 */
	private List<Waiting> join(Waiting own) {
		this.lock.lock();
		try {
			this.waiting.add(own);
			while (own.state == State.WAITING) {
				if (!this.storing) {
					this.storing = true;
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
	 * The given completion and as many of those that wait as one group takes, the oldest
	 * first.
	 */
	private List<Waiting> takeGroup(Waiting own) {
		this.waiting.remove(own);
		List<Waiting> taken = this.waiting.subList(0, Math.min(this.waiting.size(), MAX_GROUP - 1));
		List<Waiting> group = new ArrayList<>(taken.size() + 1);
		group.add(own);
		group.addAll(taken);
		taken.clear();
		return group;
	}

	/**
	 * Whether completions made at the same time are committed together.
	 * @return {@code true} if they are
	 */
	boolean together() {
		return this.together;
	}

	/**
	 * How many completions wait to be stored.
	 * @return the count
	 */
	int waiting() {
		this.lock.lock();
		try {
			return this.waiting.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void storeTogether(List<Waiting> group) {
		State[] states = new State[group.size()];
		// Until stored: to be stored alone if anything goes wrong.
		Arrays.fill(states, State.ALONE);
		try {
			List<Completion> completions = new ArrayList<>(group.size());
			for (Waiting one : group) {
				completions.add(one.completion);
			}
			boolean[] held = this.transactions.execute((status) -> this.runs.completeAll(completions));
			for (int i = 0; i < states.length; i++) {
				states[i] = held[i] ? State.HELD : State.LOST;
			}
		}
		catch (RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Completions of " + group.size() + " runs were not stored together; storing each alone",
						ex);
			}
		}
		finally {
			stored(group, states);
		}
	}

	/**
	 * Ends a turn: tells the group how it was stored and lets the next group be stored.
	 */
	private void stored(List<Waiting> group, State[] states) {
		this.lock.lock();
		try {
			for (int i = 0; i < states.length; i++) {
				group.get(i).state = states[i];
			}
			this.storing = false;
			this.stored.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private enum State {

		/** Not stored yet. */
		WAITING,

		/** Stored: the run completed. */
		HELD,

		/** Not stored: the run's lease was lost. */
		LOST,

		/** To be stored alone, by its own worker. */
		ALONE

	}

	private static final class Waiting {

		private final Completion completion;

		private State state = State.WAITING;

		Waiting(Completion completion) {
			this.completion = completion;
		}

	}

}
