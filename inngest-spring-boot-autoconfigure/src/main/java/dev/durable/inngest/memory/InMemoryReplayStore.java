package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.ReplayStore;
import dev.durable.inngest.memory.InMemoryInngestStore.ReplayRow;
import dev.durable.inngest.memory.InMemoryInngestStore.RerunRow;
import org.jspecify.annotations.Nullable;

/**
 * The rerun links and bulk replays of an {@link InMemoryInngestStore}.
 */
final class InMemoryReplayStore implements ReplayStore {

	/** Above every id, as in the JDBC store: a list without a bound starts below it. */
	private static final String ABOVE_ALL = "~";

	private final InMemoryInngestStore store;

	InMemoryReplayStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public void link(String runId, String rerunOf, @Nullable String replayId, Instant now) {
		this.store.locked(() -> {
			if (this.store.reruns.contains(runId)) {
				throw InMemoryInngestStore.duplicate("reruns", runId);
			}
			this.store.reruns.put(runId, new RerunRow(runId, rerunOf, replayId, InMemoryInngestStore.stored(now)));
		});
	}

	/**
	 * Reads every link for the reruns of the runs: reruns are few next to runs, and this
	 * store holds no more runs than fit in memory.
	 */
	@Override
	public Map<String, Links> links(Collection<String> runIds) {
		return this.store.locked(() -> {
			Map<String, @Nullable String> rerunOf = new LinkedHashMap<>();
			Map<String, List<String>> reruns = new LinkedHashMap<>();
			for (String runId : runIds) {
				RerunRow row = this.store.reruns.get(runId);
				if (row != null) {
					rerunOf.put(runId, row.rerunOf());
				}
			}
			for (RerunRow row : this.store.reruns.rows().values()) {
				if (runIds.contains(row.rerunOf())) {
					reruns.computeIfAbsent(row.rerunOf(), (id) -> new ArrayList<>()).add(row.runId());
				}
			}
			Map<String, Links> links = new LinkedHashMap<>();
			for (String runId : runIds) {
				if (rerunOf.containsKey(runId) || reruns.containsKey(runId)) {
					links.put(runId, new Links(rerunOf.get(runId), List.copyOf(reruns.getOrDefault(runId, List.of()))));
				}
			}
			return links;
		});
	}

	@Override
	public List<String> findEnded(String functionId, Instant createdAfter, Instant createdBefore,
			Set<RunStatus> statuses, @Nullable String afterId, int limit) {
		return this.store
			.runsCreatedBetween(functionId, createdAfter, createdBefore, afterId, limit,
					(run) -> statuses.contains(run.status))
			.stream()
			.map((run) -> run.id)
			.toList();
	}

	@Override
	public void insert(BulkReplay replay) {
		this.store.locked(() -> {
			if (this.store.replays.contains(replay.id())) {
				throw InMemoryInngestStore.duplicate("replays", replay.id());
			}
			this.store.replays.put(replay.id(), new ReplayRow(asStored(replay), null));
		});
	}

	private static BulkReplay asStored(BulkReplay r) {
		return new BulkReplay(r.id(), r.name(), r.functionId(), InMemoryInngestStore.stored(r.startedAfter()),
				InMemoryInngestStore.stored(r.startedBefore()), r.condition(), Set.copyOf(r.statuses()), r.state(),
				r.matched(), r.replayed(), InMemoryInngestStore.stored(r.createdAt()),
				InMemoryInngestStore.stored(r.updatedAt()));
	}

	@Override
	public Optional<BulkReplay> find(String id) {
		return this.store.locked(() -> {
			ReplayRow row = this.store.replays.get(id);
			return (row != null) ? Optional.of(row.replay()) : Optional.empty();
		});
	}

	@Override
	public List<BulkReplay> list(int limit, @Nullable String beforeId) {
		return this.store.locked(() -> {
			List<BulkReplay> page = new ArrayList<>();
			for (ReplayRow row : this.store.replays.rows()
				.headMap((beforeId != null) ? beforeId : ABOVE_ALL, false)
				.descendingMap()
				.values()) {
				if (page.size() >= limit) {
					break;
				}
				page.add(row.replay());
			}
			return page;
		});
	}

	@Override
	public List<BulkReplay> findRunning() {
		return this.store.locked(() -> this.store.replays.rows()
			.values()
			.stream()
			.map(ReplayRow::replay)
			.filter((replay) -> replay.state() == BulkReplay.State.RUNNING)
			.toList());
	}

	@Override
	public @Nullable String lastRunId(String id) {
		return this.store.locked(() -> {
			ReplayRow row = this.store.replays.get(id);
			return (row != null) ? row.lastRunId() : null;
		});
	}

	@Override
	public boolean progress(String id, @Nullable String previousLastRunId, long replayed, @Nullable String lastRunId,
			boolean completed, Instant now) {
		return this.store.locked(() -> {
			ReplayRow row = this.store.replays.get(id);
			if (row == null || row.replay().state() != BulkReplay.State.RUNNING
					|| !Objects.equals(row.lastRunId(), previousLastRunId)) {
				return false;
			}
			BulkReplay r = row.replay();
			BulkReplay updated = new BulkReplay(r.id(), r.name(), r.functionId(), r.startedAfter(), r.startedBefore(),
					r.condition(), r.statuses(), completed ? BulkReplay.State.COMPLETED : BulkReplay.State.RUNNING,
					Math.max(r.matched(), r.replayed() + replayed), r.replayed() + replayed, r.createdAt(),
					InMemoryInngestStore.stored(now));
			this.store.replays.put(id, new ReplayRow(updated, (lastRunId != null) ? lastRunId : row.lastRunId()));
			return true;
		});
	}

	@Override
	public boolean stop(String id, Instant now) {
		return this.store.locked(() -> {
			ReplayRow row = this.store.replays.get(id);
			if (row == null || row.replay().state() != BulkReplay.State.RUNNING) {
				return false;
			}
			BulkReplay r = row.replay();
			this.store.replays.put(id,
					new ReplayRow(new BulkReplay(r.id(), r.name(), r.functionId(), r.startedAfter(), r.startedBefore(),
							r.condition(), r.statuses(), BulkReplay.State.STOPPED, r.matched(), r.replayed(),
							r.createdAt(), InMemoryInngestStore.stored(now)), row.lastRunId()));
			return true;
		});
	}

}
