package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Deletes what the engine no longer needs, a batch at a time: ended runs with every row
 * that belongs to them, events that no run needs, and bulk cancellations and replays that
 * ended. Each call deletes one batch in the caller's transaction and says where the next
 * starts, so that the caller keeps each transaction short. Deletes are by key and
 * conditional, and rows another deleter holds are left to it, so that several instances
 * may delete at once: each row is deleted, and counted, once.
 */
public interface RetentionStore {

	/**
	 * Deletes, among the next runs by id, those that ended before a time, with their
	 * steps, failed attempts and waits. Runs that have not ended, or ended since, are
	 * kept and passed.
	 * @param endedBefore only runs that ended before this time
	 * @param after the batch starts after this run id, or at the first run if
	 * {@code null}
	 * @param limit the most runs a batch reads
	 * @return the rows deleted, and the run id the next batch starts after
	 */
	Batch<String> deleteEndedRuns(Instant endedBefore, @Nullable String after, int limit);

	/**
	 * Deletes, among the next events by the time they were received, those received
	 * before a time that are the trigger of no stored run.
	 * @param receivedBefore only events received before this time
	 * @param after the batch starts after this event, or at the first if {@code null}
	 * @param limit the most events a batch reads
	 * @return the rows deleted, and the event the next batch starts after
	 */
	Batch<EventPosition> deleteUnneededEvents(Instant receivedBefore, @Nullable EventPosition after, int limit);

	/**
	 * Deletes, among the next bulk cancellations by id, those that ended (completed or
	 * stopped) before a time.
	 * @param endedBefore only cancellations that ended before this time
	 * @param after the batch starts after this cancellation id, or at the first if
	 * {@code null}
	 * @param limit the most cancellations a batch reads
	 * @return the rows deleted, and the cancellation id the next batch starts after
	 */
	Batch<String> deleteEndedCancellations(Instant endedBefore, @Nullable String after, int limit);

	/**
	 * Deletes, among the next bulk replays by id, those that ended (completed or stopped)
	 * before a time. The runs they started, and their links to the runs they replayed, go
	 * with those runs.
	 * @param endedBefore only replays that ended before this time
	 * @param after the batch starts after this replay id, or at the first if {@code null}
	 * @param limit the most replays a batch reads
	 * @return the rows deleted, and the replay id the next batch starts after
	 */
	Batch<String> deleteEndedReplays(Instant endedBefore, @Nullable String after, int limit);

	/**
	 * What a batch deleted, and where the next one starts.
	 *
	 * @param <P> the type of a position in the rows read
	 * @param deleted the rows deleted
	 * @param next the last row the batch read, after which the next batch starts; or
	 * {@code null} if the batch read the last row there is
	 */
	record Batch<P>(DeletedRows deleted, @Nullable P next) {

		/**
		 * Where the batch after one that read some rows starts.
		 * @param <P> the type of a position in the rows read
		 * @param read the positions of the rows read, in order
		 * @param limit the most rows a batch reads
		 * @return the last row read, or {@code null} if fewer than the limit were read,
		 * none being left
		 */
		public static <P> @Nullable P next(List<P> read, int limit) {
			return (read.size() < limit) ? null : read.get(read.size() - 1);
		}

	}

	/**
	 * An event's place in the order of the time events were received.
	 *
	 * @param receivedAt when it was received
	 * @param id its id
	 */
	record EventPosition(Instant receivedAt, String id) {

	}

}
