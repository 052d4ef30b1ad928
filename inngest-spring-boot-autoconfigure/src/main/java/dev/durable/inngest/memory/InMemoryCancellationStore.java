package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.memory.InMemoryInngestStore.CancellationRow;
import org.jspecify.annotations.Nullable;

/**
 * The bulk cancellations of an {@link InMemoryInngestStore}, by id.
 */
final class InMemoryCancellationStore implements CancellationStore {

	/** Above every id, as in the JDBC store: a list without a bound starts below it. */
	private static final String ABOVE_ALL = "~";

	private final InMemoryInngestStore store;

	InMemoryCancellationStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public void insert(BulkCancellation cancellation) {
		this.store.locked(() -> {
			if (this.store.cancellations.contains(cancellation.id())) {
				throw InMemoryInngestStore.duplicate("cancellations", cancellation.id());
			}
			this.store.cancellations.put(cancellation.id(), new CancellationRow(asStored(cancellation), null));
		});
	}

	private static BulkCancellation asStored(BulkCancellation c) {
		return new BulkCancellation(c.id(), c.name(), c.functionId(), InMemoryInngestStore.stored(c.startedAfter()),
				InMemoryInngestStore.stored(c.startedBefore()), c.condition(), c.state(), c.matched(), c.cancelled(),
				InMemoryInngestStore.stored(c.createdAt()), InMemoryInngestStore.stored(c.updatedAt()));
	}

	@Override
	public Optional<BulkCancellation> find(String id) {
		return this.store.locked(() -> {
			CancellationRow row = this.store.cancellations.get(id);
			return (row != null) ? Optional.of(row.cancellation()) : Optional.empty();
		});
	}

	@Override
	public List<BulkCancellation> list(int limit, @Nullable String beforeId) {
		return this.store.locked(() -> {
			List<BulkCancellation> page = new ArrayList<>();
			for (CancellationRow row : this.store.cancellations.rows()
				.headMap((beforeId != null) ? beforeId : ABOVE_ALL, false)
				.descendingMap()
				.values()) {
				if (page.size() >= limit) {
					break;
				}
				page.add(row.cancellation());
			}
			return page;
		});
	}

	@Override
	public List<BulkCancellation> findRunning() {
		return this.store.locked(() -> this.store.cancellations.rows()
			.values()
			.stream()
			.map(CancellationRow::cancellation)
			.filter((cancellation) -> cancellation.state() == BulkCancellation.State.RUNNING)
			.toList());
	}

	@Override
	public @Nullable String lastRunId(String id) {
		return this.store.locked(() -> {
			CancellationRow row = this.store.cancellations.get(id);
			return (row != null) ? row.lastRunId() : null;
		});
	}

	@Override
	public boolean progress(String id, long cancelled, @Nullable String lastRunId, boolean completed, Instant now) {
		return this.store.locked(() -> {
			CancellationRow row = this.store.cancellations.get(id);
			if (row == null) {
				return false;
			}
			BulkCancellation c = row.cancellation();
			boolean running = c.state() == BulkCancellation.State.RUNNING;
			BulkCancellation.State state = !running ? c.state()
					: completed ? BulkCancellation.State.COMPLETED : BulkCancellation.State.RUNNING;
			this.store.cancellations.put(id,
					new CancellationRow(
							new BulkCancellation(c.id(), c.name(), c.functionId(), c.startedAfter(), c.startedBefore(),
									c.condition(), state, Math.max(c.matched(), c.cancelled() + cancelled),
									c.cancelled() + cancelled, c.createdAt(),
									running ? InMemoryInngestStore.stored(now) : c.updatedAt()),
							(running && lastRunId != null) ? lastRunId : row.lastRunId()));
			return running;
		});
	}

	@Override
	public boolean stop(String id, Instant now) {
		return this.store.locked(() -> {
			CancellationRow row = this.store.cancellations.get(id);
			if (row == null || row.cancellation().state() != BulkCancellation.State.RUNNING) {
				return false;
			}
			BulkCancellation c = row.cancellation();
			this.store.cancellations.put(id,
					new CancellationRow(new BulkCancellation(c.id(), c.name(), c.functionId(), c.startedAfter(),
							c.startedBefore(), c.condition(), BulkCancellation.State.STOPPED, c.matched(),
							c.cancelled(), c.createdAt(), InMemoryInngestStore.stored(now)), row.lastRunId()));
			return true;
		});
	}

}
