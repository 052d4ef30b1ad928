package dev.durable.inngest.engine;

import java.util.List;

import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.RunStore.Completion;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionOperations;

/**
 * Stores runs' completions, committing together those that workers make at the same time,
 * with the events sent meanwhile ({@link SharedCommits}): a worker returns only once its
 * own completion is committed, so a run ends exactly as it would alone. When a group
 * fails (a step another instance stored already, or any database error), each of its
 * completions is stored again alone, by its own worker, which gets its own result or
 * exception.
 * <p>
 * Where commits cost next to nothing (H2 with a write delay, PostgreSQL with
 * {@code synchronous_commit} off), the wait costs more than it saves, and each completion
 * can be committed alone, as it comes.
 */
final class RunCompletions {

	/** How much of a group a completion takes: at most 64 in one transaction. */
	private static final int WEIGHT = 16;

	private final RunStore runs;

	private final @Nullable SharedCommits commits;

	private final SharedCommits.Kind<Completion, Boolean> kind;

	/**
	 * Creates the completions of an executor.
	 * @param runs the run store
	 * @param transactions runs a group in one transaction
	 * @param together whether completions made at the same time are committed together
	 */
	RunCompletions(RunStore runs, TransactionOperations transactions, boolean together) {
		this(runs, together ? new SharedCommits(transactions) : null);
	}

	/**
	 * Creates the completions of an executor.
	 * @param runs the run store
	 * @param commits commits completions made at the same time together, with the
	 * engine's other writes, or {@code null} to commit each alone
	 */
	RunCompletions(RunStore runs, @Nullable SharedCommits commits) {
		this.runs = runs;
		this.commits = commits;
		this.kind = new SharedCommits.Kind<>() {

			@Override
			public Boolean alone(Completion completion) {
				return runs.complete(completion);
			}

			@Override
			public List<Boolean> together(List<Completion> completions) {
				return GroupCommit.asList(runs.completeAll(completions));
			}

			@Override
			public int weight(Completion completion) {
				return WEIGHT;
			}

		};
	}

	/**
	 * Stores a run's completion, with those that other workers make meanwhile.
	 * @param completion the completion
	 * @return {@code false} if the run's lease was lost
	 * @throws org.springframework.dao.DuplicateKeyException if the run's last step was
	 * stored already, by an instance that took the run over
	 */
	boolean complete(Completion completion) {
		return (this.commits != null) ? this.commits.commit(this.kind, completion) : this.runs.complete(completion);
	}

	/**
	 * Whether completions made at the same time are committed together.
	 * @return {@code true} if they are
	 */
	boolean together() {
		return this.commits != null;
	}

	/**
	 * How many writes wait to be stored with the completions.
	 * @return the count
	 */
	int waiting() {
		return (this.commits != null) ? this.commits.waiting() : 0;
	}

}
