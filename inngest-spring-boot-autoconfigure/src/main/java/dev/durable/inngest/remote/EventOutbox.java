package dev.durable.inngest.remote;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.durable.inngest.engine.Ids;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The event outbox, table {@code inngest_outbox}: batches of events written in the
 * transaction that sends them, so that they are sent if and only if it commits, and
 * deleted once the Event API has taken them. A batch becomes available to be sent at a
 * time: a new one only after a lease, because the instance that wrote it sends it itself
 * once its transaction commits; one that failed, after a back-off. An instance claims an
 * available batch by moving that time on by the lease in one conditional update, so that
 * two instances rarely send the same batch; if they do, the events' ids keep the platform
 * from taking them twice.
 */
public final class EventOutbox {

	private static final int MAX_ERROR_LENGTH = 1000;

	private static final RowMapper<Batch> BATCH = (rs, row) -> new Batch(rs.getString("id"), rs.getString("events"),
			rs.getInt("attempts"));

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final Ids ids;

	private final Duration lease;

	/**
	 * Creates the outbox.
	 * @param dataSource the data source of the transactions events are sent in
	 * @param clock the clock
	 * @param lease how long a batch is left to the instance that wrote or claimed it
	 */
	public EventOutbox(DataSource dataSource, Clock clock, Duration lease) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.clock = clock;
		this.ids = new Ids(clock);
		this.lease = lease;
	}

	/**
	 * Writes a batch, in the current transaction if there is one, left to this instance
	 * for the lease.
	 * @param events the events as a JSON array
	 * @return the batch's id
	 */
	public String add(String events) {
		String id = this.ids.next();
		Instant now = this.clock.instant();
		this.jdbc.update("INSERT INTO inngest_outbox (id, events, created_at, available_at, attempts) "
				+ "VALUES (?, ?, ?, ?, 0)", id, events, at(now), at(now.plus(this.lease)));
		return id;
	}

	/**
	 * A batch by id.
	 * @param id the batch's id
	 * @return the batch, unless it was sent and deleted
	 */
	public Optional<Batch> find(String id) {
		return this.jdbc.query("SELECT id, events, attempts FROM inngest_outbox WHERE id = ?", BATCH, id)
			.stream()
			.findFirst();
	}

	/**
	 * The ids of batches available to be sent now, oldest first.
	 * @param limit the most to return
	 * @return the ids
	 */
	public List<String> available(int limit) {
		return this.jdbc.queryForList("SELECT id FROM inngest_outbox WHERE available_at <= ? ORDER BY available_at "
				+ "FETCH FIRST " + limit + " ROWS ONLY", String.class, at(this.clock.instant()));
	}

	/**
	 * Claims a batch for the lease, if it is still available.
	 * @param id the batch's id
	 * @return the batch, unless another instance claimed it first or it was sent
	 */
	public Optional<Batch> claim(String id) {
		Instant now = this.clock.instant();
		int claimed = this.jdbc.update("UPDATE inngest_outbox SET available_at = ? WHERE id = ? AND available_at <= ?",
				at(now.plus(this.lease)), id, at(now));
		return (claimed == 1) ? find(id) : Optional.empty();
	}

	/**
	 * Deletes a batch the Event API has taken.
	 * @param id the batch's id
	 */
	public void delete(String id) {
		this.jdbc.update("DELETE FROM inngest_outbox WHERE id = ?", id);
	}

	/**
	 * Records a failed try and when to try again.
	 * @param id the batch's id
	 * @param delay how long from now
	 * @param error why the try failed
	 */
	public void retryLater(String id, Duration delay, String error) {
		String shortened = (error.length() <= MAX_ERROR_LENGTH) ? error : error.substring(0, MAX_ERROR_LENGTH);
		this.jdbc.update(
				"UPDATE inngest_outbox SET attempts = attempts + 1, available_at = ?, last_error = ? " + "WHERE id = ?",
				at(this.clock.instant().plus(delay)), shortened, id);
	}

	/**
	 * How many batches wait to be sent.
	 * @return the number of batches
	 */
	public long size() {
		Long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM inngest_outbox", Long.class);
		return (count != null) ? count : 0;
	}

	private static OffsetDateTime at(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	/**
	 * A batch of events waiting to be sent.
	 *
	 * @param id the batch's id
	 * @param events the events as a JSON array
	 * @param attempts the tries that failed so far
	 */
	public record Batch(String id, String events, int attempts) {

	}

}
