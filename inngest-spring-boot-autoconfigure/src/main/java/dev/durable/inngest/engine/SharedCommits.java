package dev.durable.inngest.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionOperations;

/**
 * One group commit ({@link GroupCommit}) for the engine's writes of every kind: the runs'
 * completions and the events sent outside a transaction. A send made while completions
 * are being committed waits and is committed with the next group, in the same transaction
 * as the completions that waited with it, and the other way round: where each commit
 * waits for the disk, a database that writes its commits one after the other to the same
 * file writes once for all of them. Each write returns once it is committed, with its own
 * result or exception, as it would alone.
 * <p>
 * Where a send alone is one statement in autocommit (PostgreSQL), the engine gives sends
 * a group commit of their own instead: joining the completions' groups would cost each
 * send their round trips.
 */
public final class SharedCommits {

	/**
	 * The most a group takes: as many events, or a sixteenth as many completions.
	 */
	private static final int MAX_WEIGHT = 1024;

	private final GroupCommit<Write<?, ?>, @Nullable Object> group;

	/**
	 * Creates the engine's group commit.
	 * @param transactions runs a group in one transaction
	 */
	public SharedCommits(TransactionOperations transactions) {
		this.group = new GroupCommit<>(Write::alone,
				(writes) -> transactions.execute((status) -> SharedCommits.together(writes)), Write::weight,
				MAX_WEIGHT);
	}

	/**
	 * Stores a write, with those of any kind that other threads make meanwhile.
	 * @param <T> the write
	 * @param <R> its result
	 * @param kind how writes of its kind are stored
	 * @param write the write
	 * @return its result
	 */
	@SuppressWarnings("unchecked")
	<T, R> R commit(Kind<T, R> kind, T write) {
		return (R) this.group.commit(new Write<>(kind, write));
	}

	/**
	 * How many writes wait to be stored.
	 * @return the count
	 */
	int waiting() {
		return this.group.waiting((write) -> true);
	}

	/**
	 * How many writes of a kind wait to be stored.
	 * @param kind the kind
	 * @return the count
	 */
	int waiting(Kind<?, ?> kind) {
		return this.group.waiting((write) -> write.kind == kind);
	}

	/**
	 * Stores a group's writes kind by kind, in the caller's transaction.
	 */
	private static List<@Nullable Object> together(List<Write<?, ?>> writes) {
		Map<Kind<?, ?>, List<Integer>> byKind = new LinkedHashMap<>();
		for (int i = 0; i < writes.size(); i++) {
			byKind.computeIfAbsent(writes.get(i).kind, (kind) -> new ArrayList<>()).add(i);
		}
		@Nullable Object[] results = new Object[writes.size()];
		byKind.forEach((kind, indexes) -> {
			List<?> stored = storeTogether(kind, writes, indexes);
			for (int i = 0; i < indexes.size(); i++) {
				results[indexes.get(i)] = stored.get(i);
			}
		});
		return Arrays.asList(results);
	}

	@SuppressWarnings("unchecked")
	private static <T> List<?> storeTogether(Kind<T, ?> kind, List<Write<?, ?>> writes, List<Integer> indexes) {
		List<T> items = new ArrayList<>(indexes.size());
		for (int index : indexes) {
			items.add((T) writes.get(index).write);
		}
		return kind.together(items);
	}

	/**
	 * How writes of one kind are stored.
	 *
	 * @param <T> a write
	 * @param <R> a write's result
	 */
	interface Kind<T, R> {

		/**
		 * Stores one write in a transaction of its own.
		 * @param write the write
		 * @return its result
		 */
		R alone(T write);

		/**
		 * Stores several writes in the caller's transaction.
		 * @param writes the writes
		 * @return their results, in order
		 */
		List<R> together(List<T> writes);

		/**
		 * How much of a group a write takes.
		 * @param write the write
		 * @return its weight
		 */
		int weight(T write);

	}

	private record Write<T, R>(Kind<T, R> kind, T write) {

		@Nullable Object alone() {
			return this.kind.alone(this.write);
		}

		int weight() {
			return this.kind.weight(this.write);
		}

	}

}
