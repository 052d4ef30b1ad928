package dev.durable.inngest.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Comparator;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The rows of one kind, by key: every change is recorded in the undo log of the
 * transaction of the calling thread, if it has one, so that a rollback restores the rows
 * as they were. The values are never changed in place: a changed row is a new value put
 * in its key's place.
 *
 * @param <K> the type of the keys
 * @param <V> the type of the rows
 */
final class Table<K, V> {

	private final NavigableMap<K, V> rows;

	private final InMemoryInngestStore store;

	private final BiConsumer<@Nullable V, @Nullable V> indexes;

	Table(InMemoryInngestStore store, @Nullable Comparator<K> order) {
		this(store, order, (before, after) -> {
		});
	}

	/**
	 * Creates a table.
	 * @param store the store, whose lock guards the table and whose transactions log its
	 * changes
	 * @param order the order of the keys, or {@code null} for their natural order
	 * @param indexes told of every change, the row before and the row after, so that
	 * indexes derived from the rows follow them, undone changes included
	 */
	Table(InMemoryInngestStore store, @Nullable Comparator<K> order, BiConsumer<@Nullable V, @Nullable V> indexes) {
		this.store = store;
		this.rows = new TreeMap<>(order);
		this.indexes = indexes;
	}

	@Nullable V get(K key) {
		return this.rows.get(key);
	}

	boolean contains(K key) {
		return this.rows.containsKey(key);
	}

	/**
	 * The rows, in the order of their keys, to read only.
	 * @return the rows
	 */
	NavigableMap<K, V> rows() {
		return Collections.unmodifiableNavigableMap(this.rows);
	}

	/**
	 * The rows from one key, included, to another, excluded, to read only.
	 * @param from the first key
	 * @param to the key after the last
	 * @return the rows
	 */
	NavigableMap<K, V> range(K from, K to) {
		return rows().subMap(from, true, to, false);
	}

	/**
	 * Removes the rows from one key, included, to another, excluded.
	 * @param from the first key
	 * @param to the key after the last
	 * @return how many rows were removed
	 */
	int removeRange(K from, K to) {
		List<K> keys = new ArrayList<>(this.rows.subMap(from, true, to, false).keySet());
		keys.forEach(this::remove);
		return keys.size();
	}

	void put(K key, V value) {
		V before = this.rows.put(key, value);
		this.indexes.accept(before, value);
		this.store.logUndo(() -> restore(key, before));
	}

	@Nullable V remove(K key) {
		V before = this.rows.remove(key);
		if (before != null) {
			this.indexes.accept(before, null);
			this.store.logUndo(() -> restore(key, before));
		}
		return before;
	}

	private void restore(K key, @Nullable V value) {
		V current = (value != null) ? this.rows.put(key, value) : this.rows.remove(key);
		this.indexes.accept(current, value);
	}

}
