package dev.durable.inngest.local;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.store.DeletedRows;
import dev.durable.inngest.engine.store.RetentionStore;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Deletes ended runs, the events no run needs and ended bulk cancellations and replays
 * from the engine's tables. Each batch reads at most its limit of rows through an index
 * (runs and cancellations by their ids, events by {@code inngest_event_received}), locks
 * those it deletes with {@code FOR UPDATE SKIP LOCKED}, so that another instance deleting
 * at once takes the others, and deletes by key. The rows of runs it locks are rows of
 * ended runs, which the engine no longer writes: it never waits for the engine, nor the
 * engine for it.
 */
public final class JdbcRetentionStore implements RetentionStore {

	private static final String ENDED = "status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND ended_at < :before";

	/**
	 * A batch of runs by id, after one and before a bound; named parameters after and
	 * bound, and the limit to format in.
	 */
	static final String RUNS = "SELECT id FROM inngest_run WHERE id > :after AND id < :bound ORDER BY id "
			+ "FETCH FIRST %d ROWS ONLY";

	/**
	 * A batch of events by the time they were received, after one and before a time;
	 * named parameters from and afterId (the event read last), and before, and the limit
	 * to format in. The lower bound is there on its own as well, so that the read starts
	 * there in the index.
	 */
	static final String EVENTS = "SELECT id, received_at FROM inngest_event WHERE received_at >= :from "
			+ "AND received_at < :before AND (received_at > :from OR id > :afterId) ORDER BY received_at, id "
			+ "FETCH FIRST %d ROWS ONLY";

	/**
	 * Which of some events trigger a run created in a range of ids; named parameters
	 * from, to and ids.
	 */
	static final String TRIGGERS = "SELECT DISTINCT event_id FROM inngest_run WHERE id >= :from AND id < :to "
			+ "AND event_id IN (:ids)";

	/**
	 * Which of some events trigger a stored rerun or replayed run, created with the event
	 * of the run it runs again, at any time later; named parameter ids.
	 */
	static final String RERUN_TRIGGERS = "SELECT DISTINCT r.event_id FROM inngest_rerun x "
			+ "JOIN inngest_run r ON r.id = x.run_id WHERE r.event_id IN (:ids)";

	/**
	 * A batch of bulk cancellations or replays by id; the table and the limit to format
	 * in, named parameter after.
	 */
	static final String BULK_OPERATIONS = "SELECT id FROM %s WHERE id > :after ORDER BY id FETCH FIRST %d ROWS ONLY";

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param template the JDBC template on the engine's data source
	 */
	public JdbcRetentionStore(JdbcTemplate template) {
		this.jdbc = JdbcClient.create(template);
	}

	@Override
	public Batch<String> deleteEndedRuns(Instant endedBefore, @Nullable String after, int limit) {
		// A run that ended before the time was created before it, and a run's id begins
		// with its creation time: the runs created since are not read.
		List<String> read = this.jdbc.sql(RUNS.formatted(limit))
			.param("after", (after != null) ? after : "")
			.param("bound", Ids.lowest(endedBefore.plusMillis(1)))
			.query(String.class)
			.list();
		String next = Batch.next(read, limit);
		if (read.isEmpty()) {
			return new Batch<>(DeletedRows.NONE, next);
		}
		List<String> ids = lock("inngest_run", ENDED, read, endedBefore);
		if (ids.isEmpty()) {
			return new Batch<>(DeletedRows.NONE, next);
		}
		long steps = deleteByRun("inngest_step", ids);
		long attempts = deleteByRun("inngest_attempt", ids);
		long waits = deleteByRun("inngest_wait", ids);
		// A rerun's link goes with it; the link of a run that was rerun stays with its
		// rerun, which still names it.
		deleteByRun("inngest_rerun", ids);
		long runs = this.jdbc.sql("DELETE FROM inngest_run WHERE id IN (:ids)").param("ids", ids).update();
		return new Batch<>(new DeletedRows(runs, steps, attempts, waits, 0, 0), next);
	}

	@Override
	public Batch<EventPosition> deleteUnneededEvents(Instant receivedBefore, @Nullable EventPosition after, int limit) {
		Instant from = (after != null) ? after.receivedAt() : Instant.EPOCH;
		List<EventPosition> read = this.jdbc.sql(EVENTS.formatted(limit))
			.param("from", Timestamps.of(from))
			.param("before", Timestamps.of(receivedBefore))
			.param("afterId", (after != null) ? after.id() : "")
			.query((rs, row) -> new EventPosition(Timestamps.read(rs, "received_at"), rs.getString("id")))
			.list();
		EventPosition next = Batch.next(read, limit);
		if (read.isEmpty()) {
			return new Batch<>(DeletedRows.NONE, next);
		}
		List<String> unneeded = new ArrayList<>();
		Set<String> needed = triggersOfStoredRuns(read);
		read.stream().map(EventPosition::id).filter((id) -> !needed.contains(id)).forEach(unneeded::add);
		if (unneeded.isEmpty()) {
			return new Batch<>(DeletedRows.NONE, next);
		}
		List<String> ids = lock("inngest_event", "received_at < :before", unneeded, receivedBefore);
		if (ids.isEmpty()) {
			return new Batch<>(DeletedRows.NONE, next);
		}
		// An id sent again no longer points at its latest event once that is deleted.
		this.jdbc.sql("DELETE FROM inngest_event_resent WHERE event_key IN (:ids)").param("ids", ids).update();
		long events = this.jdbc.sql("DELETE FROM inngest_event WHERE id IN (:ids)").param("ids", ids).update();
		return new Batch<>(new DeletedRows(0, 0, 0, 0, events, 0), next);
	}

	/**
	 * The events among these that trigger a stored run. A run is created with its trigger
	 * event, in the same transaction and at the time the event was received, and its id
	 * begins with that time: only the runs created in the events' range of times are
	 * read. A rerun, or a replayed run, takes the event of the run it runs again when it
	 * is started, later: those are found through their links.
	 */
	private Set<String> triggersOfStoredRuns(List<EventPosition> events) {
		Instant first = events.get(0).receivedAt();
		Instant last = events.get(events.size() - 1).receivedAt();
		List<String> ids = events.stream().map(EventPosition::id).toList();
		Set<String> triggers = new HashSet<>(this.jdbc.sql(TRIGGERS)
			.param("from", Ids.lowest(first))
			.param("to", Ids.lowest(last.plusMillis(1)))
			.param("ids", ids)
			.query(String.class)
			.list());
		triggers.addAll(this.jdbc.sql(RERUN_TRIGGERS).param("ids", ids).query(String.class).list());
		return triggers;
	}

	@Override
	public Batch<String> deleteEndedCancellations(Instant endedBefore, @Nullable String after, int limit) {
		Batch<String> batch = deleteEnded("inngest_cancellation", endedBefore, after, limit);
		return new Batch<>(new DeletedRows(0, 0, 0, 0, 0, batch.deleted().total()), batch.next());
	}

	@Override
	public Batch<String> deleteEndedReplays(Instant endedBefore, @Nullable String after, int limit) {
		Batch<String> batch = deleteEnded("inngest_replay", endedBefore, after, limit);
		return new Batch<>(new DeletedRows(0, 0, 0, 0, 0, 0, batch.deleted().total()), batch.next());
	}

	/**
	 * Deletes the bulk operations of a table, cancellations or replays, that ended before
	 * a time, among the next batch by id.
	 * @return how many were deleted, as a total, and where the next batch starts
	 */
	private Batch<String> deleteEnded(String table, Instant endedBefore, @Nullable String after, int limit) {
		List<String> read = this.jdbc.sql(BULK_OPERATIONS.formatted(table, limit))
			.param("after", (after != null) ? after : "")
			.query(String.class)
			.list();
		String next = Batch.next(read, limit);
		if (read.isEmpty()) {
			return new Batch<>(DeletedRows.NONE, next);
		}
		List<String> ids = lock(table, "state <> 'RUNNING' AND updated_at < :before", read, endedBefore);
		long deleted = ids.isEmpty() ? 0
				: this.jdbc.sql("DELETE FROM " + table + " WHERE id IN (:ids)").param("ids", ids).update();
		return new Batch<>(new DeletedRows(0, 0, 0, 0, 0, deleted), next);
	}

	/**
	 * Locks those of the given rows that meet a condition, leaving those that another
	 * transaction holds to it.
	 * @return the ids of the rows locked
	 */
	private List<String> lock(String table, String condition, List<String> ids, Instant before) {
		return this.jdbc
			.sql("SELECT id FROM " + table + " WHERE id IN (:ids) AND " + condition + " FOR UPDATE SKIP LOCKED")
			.param("ids", ids)
			.param("before", Timestamps.of(before))
			.query(String.class)
			.list();
	}

	private long deleteByRun(String table, List<String> runIds) {
		return this.jdbc.sql("DELETE FROM " + table + " WHERE run_id IN (:ids)").param("ids", runIds).update();
	}

}
