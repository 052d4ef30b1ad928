package dev.durable.inngest.testsupport;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.Ids;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes the engine's rows directly, dated as a test needs, as the engine would have
 * written them then: a run is created when its trigger event is received, with an id made
 * of that time. Every row it writes belongs to function {@value #FUNCTION}, or has an id
 * starting with {@value #PREFIX}, so that {@link #deleteAll()} removes them.
 */
public final class DatedRows {

	/** The function of every run written here. */
	public static final String FUNCTION = "retention-test";

	/** The start of the id of every event written here. */
	public static final String PREFIX = "retention-";

	private final JdbcClient jdbc;

	private final Ids ids;

	/**
	 * Writes rows to a database.
	 * @param jdbc the database
	 * @param ids makes the ids of runs and bulk cancellations
	 */
	public DatedRows(JdbcClient jdbc, Ids ids) {
		this.jdbc = jdbc;
		this.ids = ids;
	}

	/** An event received at a time, which no run has as its trigger. */
	public String event(Instant receivedAt) {
		return event(PREFIX + UUID.randomUUID(), receivedAt);
	}

	/** An event with a given id, received at a time, which no run has as its trigger. */
	public String event(String id, Instant receivedAt) {
		this.jdbc
			.sql("INSERT INTO inngest_event (id, name, data, ts, received_at) VALUES (?, 'test/retention', '{}', ?, ?)")
			.params(id, receivedAt.toEpochMilli(), at(receivedAt))
			.update();
		return id;
	}

	/** A run that has not ended, created at a time with its event. */
	public String run(Instant createdAt, RunStatus status) {
		return run(createdAt, status, null);
	}

	/**
	 * A run created at a time with its event, ended at another unless that is
	 * {@code null}.
	 */
	public String run(Instant createdAt, RunStatus status, Instant endedAt) {
		return run(event(createdAt), createdAt, status, endedAt);
	}

	/** A run of an event stored already, created when the event was received. */
	public String run(String eventId, Instant createdAt, RunStatus status, Instant endedAt) {
		String id = this.ids.next(createdAt);
		this.jdbc
			.sql("INSERT INTO inngest_run (id, function_id, event_id, status, attempt, due_at, created_at, "
					+ "started_at, ended_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)")
			.params(id, FUNCTION, eventId, status.name(), (endedAt != null) ? null : at(createdAt), at(createdAt),
					at(createdAt), at(endedAt))
			.update();
		return id;
	}

	/** A step of a run, in a row of its own. */
	public void step(String runId, String key, Instant at) {
		this.jdbc
			.sql("INSERT INTO inngest_step (run_id, step_key, step_id, kind, status, attempts, output, "
					+ "started_at, ended_at) VALUES (?, ?, ?, 'RUN', 'COMPLETED', 1, '1', ?, ?)")
			.params(runId, key, key, at(at), at(at))
			.update();
	}

	/** A failed attempt of a run's step. */
	public void attempt(String runId, String key, Instant at) {
		this.jdbc
			.sql("INSERT INTO inngest_attempt (run_id, step_key, attempt, error_name, failed_at) "
					+ "VALUES (?, ?, 0, 'Error', ?)")
			.params(runId, key, at(at))
			.update();
	}

	/** A run's wait for an event. */
	public void waitFor(String runId, String key, Instant expiresAt) {
		this.jdbc
			.sql("INSERT INTO inngest_wait (run_id, step_key, kind, event_name, expires_at) "
					+ "VALUES (?, ?, 'WAIT', 'test/retention.awaited', ?)")
			.params(runId, key, at(expiresAt))
			.update();
	}

	/** A bulk cancellation created at a time, in a state since another. */
	public String cancellation(Instant createdAt, String state, Instant updatedAt) {
		String id = this.ids.next(createdAt);
		this.jdbc.sql("INSERT INTO inngest_cancellation (id, name, function_id, started_after, started_before, "
				+ "state, matched, cancelled, created_at, updated_at) VALUES (?, 'retention', ?, ?, ?, ?, 0, 0, ?, ?)")
			.params(id, FUNCTION, at(createdAt), at(createdAt), state, at(createdAt), at(updatedAt))
			.update();
		return id;
	}

	/**
	 * A bulk replay of failed runs in a state, made and last changed at given times.
	 * @return its id
	 */
	public String replay(Instant createdAt, String state, Instant updatedAt) {
		String id = this.ids.next(createdAt);
		this.jdbc.sql("INSERT INTO inngest_replay (id, name, function_id, started_after, started_before, statuses, "
				+ "state, matched, replayed, created_at, updated_at) VALUES (?, 'retention', ?, ?, ?, 'FAILED', ?, 0, 0, "
				+ "?, ?)")
			.params(id, FUNCTION, at(createdAt), at(createdAt), state, at(createdAt), at(updatedAt))
			.update();
		return id;
	}

	/** How many rows of a table have a value in a column. */
	public int count(String table, String column, String value) {
		return this.jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?")
			.param(value)
			.query(Integer.class)
			.single();
	}

	public boolean runExists(String runId) {
		return count("inngest_run", "id", runId) == 1;
	}

	public boolean eventExists(String eventId) {
		return count("inngest_event", "id", eventId) == 1;
	}

	/** When an event was received, as stored. */
	public Instant receivedAt(String eventId) {
		return this.jdbc.sql("SELECT received_at FROM inngest_event WHERE id = ?")
			.param(eventId)
			.query(OffsetDateTime.class)
			.single()
			.toInstant();
	}

	/** The event a run has as its trigger. */
	public String eventOf(String runId) {
		return this.jdbc.sql("SELECT event_id FROM inngest_run WHERE id = ?").param(runId).query(String.class).single();
	}

	/** Removes every row written here that is left. */
	public void deleteAll() {
		String runs = "SELECT id FROM inngest_run WHERE function_id = '" + FUNCTION + "'";
		for (String table : new String[] { "inngest_step", "inngest_attempt", "inngest_wait" }) {
			this.jdbc.sql("DELETE FROM " + table + " WHERE run_id IN (" + runs + ")").update();
		}
		this.jdbc.sql("DELETE FROM inngest_run WHERE function_id = ?").param(FUNCTION).update();
		this.jdbc.sql("DELETE FROM inngest_event WHERE id LIKE ? OR sent_id LIKE ?")
			.params(PREFIX + "%", PREFIX + "%")
			.update();
		this.jdbc.sql("DELETE FROM inngest_event_resent WHERE id LIKE ?").param(PREFIX + "%").update();
		this.jdbc.sql("DELETE FROM inngest_cancellation WHERE function_id = ?").param(FUNCTION).update();
	}

	private static OffsetDateTime at(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

}
