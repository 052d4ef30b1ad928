package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import dev.durable.inngest.engine.store.WaitRecord;
import dev.durable.inngest.engine.store.WaitStore;
import dev.durable.inngest.memory.InMemoryInngestStore.RowKey;

import static dev.durable.inngest.memory.InMemoryInngestStore.stored;

/**
 * The waits of an {@link InMemoryInngestStore}, by run and step key. Lookups by event
 * name read every wait: the store is meant for the numbers of waits a test or a small
 * application has.
 */
final class InMemoryWaitStore implements WaitStore {

	private final InMemoryInngestStore store;

	InMemoryWaitStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public void insert(List<WaitRecord> waits) {
		this.store.locked(() -> {
			Set<RowKey> keys = new HashSet<>();
			for (WaitRecord wait : waits) {
				RowKey key = new RowKey(wait.runId(), wait.stepKey());
				if (!keys.add(key) || this.store.waits.contains(key)) {
					throw InMemoryInngestStore.duplicate("waits", key);
				}
			}
			for (WaitRecord wait : waits) {
				this.store.waits.put(new RowKey(wait.runId(), wait.stepKey()),
						new WaitRecord(wait.runId(), wait.stepKey(), wait.kind(), wait.eventName(), wait.matchPath(),
								wait.matchValue(), wait.condition(), stored(wait.expiresAt())));
			}
		});
	}

	@Override
	public Map<String, Set<String>> waitedFor(Collection<String> eventNames) {
		Set<String> names = new HashSet<>(eventNames);
		return this.store.locked(() -> {
			Map<String, Set<String>> waited = new HashMap<>();
			for (WaitRecord wait : this.store.waits.rows().values()) {
				if (names.contains(wait.eventName())) {
					waited.computeIfAbsent(wait.eventName(), (name) -> new HashSet<>())
						.add((wait.matchPath() != null) ? wait.matchPath() : UNMATCHED);
				}
			}
			return waited;
		});
	}

	@Override
	public List<WaitRecord> findByMatch(String eventName, String matchPath, String matchValue, Instant now) {
		// As in SQL, a null path or value equals nothing.
		return find(eventName, now, (wait) -> matchPath != null && matchValue != null
				&& matchPath.equals(wait.matchPath()) && matchValue.equals(wait.matchValue()));
	}

	@Override
	public List<WaitRecord> findUnmatched(String eventName, Instant now) {
		return find(eventName, now, (wait) -> wait.matchPath() == null);
	}

	private List<WaitRecord> find(String eventName, Instant now, Predicate<WaitRecord> matches) {
		return this.store.locked(() -> {
			List<WaitRecord> found = new ArrayList<>();
			for (WaitRecord wait : this.store.waits.rows().values()) {
				if (Objects.equals(eventName, wait.eventName()) && wait.expiresAt().isAfter(now)
						&& matches.test(wait)) {
					found.add(wait);
				}
			}
			return found;
		});
	}

	@Override
	public Set<String> waitingSteps(String runId) {
		return this.store.locked(() -> {
			Set<String> keys = new HashSet<>();
			for (WaitRecord wait : this.store.waits.range(RowKey.first(runId), RowKey.after(runId)).values()) {
				if (wait.kind() != WaitRecord.Kind.CANCEL) {
					keys.add(wait.stepKey());
				}
			}
			return keys;
		});
	}

	@Override
	public void deleteByRun(String runId) {
		this.store.locked(() -> deleteByRun(this.store, runId));
	}

	/** Removes the waits of a run; the store's lock is held. */
	static int deleteByRun(InMemoryInngestStore store, String runId) {
		return store.waits.removeRange(RowKey.first(runId), RowKey.after(runId));
	}

	@Override
	public boolean delete(String runId, String stepKey) {
		return this.store.locked(() -> this.store.waits.remove(new RowKey(runId, stepKey)) != null);
	}

}
