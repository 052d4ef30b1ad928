package dev.durable.inngest.engine;

import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.RunStore.Completion;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionOperations;

/**
 * Stores runs' completions, committing together those that workers make at the same time
 * ({@link GroupCommit}): a worker returns only once its own completion is committed, so a
 * run ends exactly as it would alone. When a group fails (a step another instance stored
 * already, or any database error), each of its completions is stored again alone, by its
 * own worker, which gets its own result or exception.
 * <p>
 * Where commits cost next to nothing (H2 with a write delay, PostgreSQL with
 * {@code synchronous_commit} off), the wait costs more than it saves, and each completion
 * can be committed alone, as it comes.
 */
final class RunCompletions {

	/** The most completions stored in one transaction. */
	private static final int MAX_GROUP = 64;

	private final RunStore runs;

	private final @Nullable GroupCommit<Completion, Boolean> group;

	/**
	 * Creates the completions of an executor.
	 * @param runs the run store
	 * @param transactions runs a group in one transaction
	 * @param together whether completions made at the same time are committed together
	 */
	RunCompletions(RunStore runs, TransactionOperations transactions, boolean together) {
		this.runs = runs;
		this.group = together ? new GroupCommit<>(runs::complete,
				(completions) -> GroupCommit.asList(transactions.execute((status) -> runs.completeAll(completions))),
				(completion) -> 1, MAX_GROUP) : null;
	}

	/**
	 * Stores a run's completion, with those that other workers make meanwhile.
	 * @param completion the completion
	 * @return {@code false} if the run's lease was lost
	 * @throws org.springframework.dao.DuplicateKeyException if the run's last step was
	 * stored already, by an instance that took the run over
	 */
	boolean complete(Completion completion) {
		return (this.group != null) ? this.group.commit(completion) : this.runs.complete(completion);
	}

	/**
	 * Whether completions made at the same time are committed together.
	 * @return {@code true} if they are
	 */
	boolean together() {
		return this.group != null;
	}

	/**
	 * How many completions wait to be stored.
	 * @return the count
	 */
	int waiting() {
		return (this.group != null) ? this.group.waiting() : 0;
	}

}
