package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.memory.InMemoryInngestStore.RowKey;

import static dev.durable.inngest.memory.InMemoryInngestStore.stored;

/**
 * The cron triggers of an {@link InMemoryInngestStore}, by function and expression.
 */
final class InMemoryCronStore implements CronStore {

	private final InMemoryInngestStore store;

	InMemoryCronStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public void insertIfAbsent(CronTick tick) {
		this.store.locked(() -> {
			RowKey key = new RowKey(tick.functionId(), tick.expression());
			if (!this.store.crons.contains(key)) {
				this.store.crons.put(key,
						new CronTick(tick.functionId(), tick.expression(), stored(tick.nextFireAt())));
			}
		});
	}

	@Override
	public List<CronTick> findDue(Instant now) {
		return this.store.locked(() -> {
			List<CronTick> due = new ArrayList<>();
			for (CronTick tick : this.store.crons.rows().values()) {
				if (!tick.nextFireAt().isAfter(now)) {
					due.add(tick);
				}
			}
			return due;
		});
	}

	@Override
	public List<CronTick> findAll() {
		return this.store.locked(() -> new ArrayList<>(this.store.crons.rows().values()));
	}

	@Override
	public void delete(String functionId, String expression) {
		this.store.locked(() -> {
			this.store.crons.remove(new RowKey(functionId, expression));
		});
	}

	@Override
	public boolean advance(CronTick tick, Instant next) {
		return this.store.locked(() -> {
			RowKey key = new RowKey(tick.functionId(), tick.expression());
			CronTick current = this.store.crons.get(key);
			// Only the caller that read the tick as it still is moves it, and so fires
			// it.
			if (current == null || !current.nextFireAt().equals(stored(tick.nextFireAt()))) {
				return false;
			}
			this.store.crons.put(key, new CronTick(tick.functionId(), tick.expression(), stored(next)));
			return true;
		});
	}

}
