package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.store.DeletedRows;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.memory.InMemoryInngestStore.AttemptKey;
import dev.durable.inngest.memory.InMemoryInngestStore.ResentEvent;
import dev.durable.inngest.memory.InMemoryInngestStore.RowKey;
import dev.durable.inngest.memory.InMemoryInngestStore.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * The retention's deletions from an {@link InMemoryInngestStore}, a batch at a time as
 * the JDBC store reads them. The store's lock makes each call atomic, so deleters never
 * meet.
 */
final class InMemoryRetentionStore implements RetentionStore {

	private final InMemoryInngestStore store;

	InMemoryRetentionStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public Batch<String> deleteEndedRuns(Instant endedBefore, @Nullable String after, int limit) {
		// A run that ended before the time was created before it, and its id begins with
		// that time.
		String from = (after != null) ? after : "";
		String bound = Ids.lowest(endedBefore.plusMillis(1));
		return this.store.locked(() -> {
			List<String> read = new ArrayList<>();
			if (from.compareTo(bound) < 0) {
				for (String id : this.store.runs.rows().subMap(from, false, bound, false).keySet()) {
					if (read.size() >= limit) {
						break;
					}
					read.add(id);
				}
			}
			String next = Batch.next(read, limit);
			long runs = 0;
			long steps = 0;
			long attempts = 0;
			long waits = 0;
			for (String id : read) {
				RunRow run = this.store.runs.get(id);
				if (run != null && run.ended() && run.endedAt != null && run.endedAt.isBefore(endedBefore)) {
					steps += this.store.steps.removeRange(RowKey.first(id), RowKey.after(id));
					attempts += this.store.attempts.removeRange(AttemptKey.first(id), AttemptKey.after(id));
					waits += InMemoryWaitStore.deleteByRun(this.store, id);
					this.store.reruns.remove(id);
					this.store.runs.remove(id);
					runs++;
				}
			}
			return new Batch<>(new DeletedRows(runs, steps, attempts, waits, 0, 0), next);
		});
	}

	@Override
	public Batch<EventPosition> deleteUnneededEvents(Instant receivedBefore, @Nullable EventPosition after, int limit) {
		return this.store.locked(() -> {
			List<EventPosition> read = new ArrayList<>();
			Iterable<EventPosition> positions = (after != null) ? this.store.eventsReceived.tailSet(after, false)
					: this.store.eventsReceived;
			for (EventPosition position : positions) {
				if (read.size() >= limit || !position.receivedAt().isBefore(receivedBefore)) {
					break;
				}
				read.add(position);
			}
			EventPosition next = Batch.next(read, limit);
			long events = 0;
			for (EventPosition position : read) {
				if (!this.store.triggers.containsKey(position.id())) {
					StoredEvent removed = this.store.events.remove(position.id());
					String sentId = (removed != null) ? removed.sentId() : null;
					ResentEvent latest = (sentId != null) ? this.store.resent.get(sentId) : null;
					if (latest != null && latest.eventKey().equals(position.id())) {
						this.store.resent.remove(sentId);
					}
					events++;
				}
			}
			return new Batch<>(new DeletedRows(0, 0, 0, 0, events, 0), next);
		});
	}

	@Override
	public Batch<String> deleteEndedCancellations(Instant endedBefore, @Nullable String after, int limit) {
		Batch<String> batch = deleteEnded(this.store.cancellations,
				(row) -> row.cancellation().state() != BulkCancellation.State.RUNNING
						&& row.cancellation().updatedAt().isBefore(endedBefore),
				after, limit);
		return new Batch<>(new DeletedRows(0, 0, 0, 0, 0, batch.deleted().total()), batch.next());
	}

	@Override
	public Batch<String> deleteEndedReplays(Instant endedBefore, @Nullable String after, int limit) {
		Batch<String> batch = deleteEnded(this.store.replays, (row) -> row.replay().state() != BulkReplay.State.RUNNING
				&& row.replay().updatedAt().isBefore(endedBefore), after, limit);
		return new Batch<>(new DeletedRows(0, 0, 0, 0, 0, 0, batch.deleted().total()), batch.next());
	}

	/**
	 * Deletes the bulk operations of a table, cancellations or replays, that ended, among
	 * the next batch by id.
	 * @return how many were deleted, as a total, and where the next batch starts
	 */
	private <R> Batch<String> deleteEnded(Table<String, R> table, Predicate<R> ended, @Nullable String after,
			int limit) {
		return this.store.locked(() -> {
			List<String> read = new ArrayList<>();
			for (String id : table.rows().tailMap((after != null) ? after : "", false).keySet()) {
				if (read.size() >= limit) {
					break;
				}
				read.add(id);
			}
			String next = Batch.next(read, limit);
			long deleted = 0;
			for (String id : read) {
				R row = table.get(id);
				if (row != null && ended.test(row)) {
					table.remove(id);
					deleted++;
				}
			}
			return new Batch<>(new DeletedRows(0, 0, 0, 0, 0, deleted), next);
		});
	}

}
