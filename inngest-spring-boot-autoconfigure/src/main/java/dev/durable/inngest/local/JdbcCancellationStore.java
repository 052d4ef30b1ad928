package dev.durable.inngest.local;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.engine.store.CancellationStore;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores bulk cancellations in {@code inngest_cancellation}.
 */
public final class JdbcCancellationStore implements CancellationStore {

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public JdbcCancellationStore(JdbcTemplate jdbc) {
		this.jdbc = JdbcClient.create(jdbc);
	}

	@Override
	public void insert(BulkCancellation cancellation) {
		this.jdbc
			.sql("INSERT INTO inngest_cancellation (id, name, function_id, started_after, started_before, "
					+ "run_condition, state, matched, cancelled, created_at, updated_at) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.params(cancellation.id(), cancellation.name(), cancellation.functionId(),
					Timestamps.of(cancellation.startedAfter()), Timestamps.of(cancellation.startedBefore()),
					cancellation.condition(), cancellation.state().name(), cancellation.matched(),
					cancellation.cancelled(), Timestamps.of(cancellation.createdAt()),
					Timestamps.of(cancellation.updatedAt()))
			.update();
	}

	@Override
	public Optional<BulkCancellation> find(String id) {
		return this.jdbc.sql("SELECT * FROM inngest_cancellation WHERE id = ?").param(id).query(this::map).optional();
	}

	@Override
	public List<BulkCancellation> list(int limit, @Nullable String beforeId) {
		return this.jdbc
			.sql("SELECT * FROM inngest_cancellation WHERE id < ? ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY")
			.param((beforeId != null) ? beforeId : "~")
			.query(this::map)
			.list();
	}

	@Override
	public List<BulkCancellation> findRunning() {
		return this.jdbc.sql("SELECT * FROM inngest_cancellation WHERE state = 'RUNNING' ORDER BY id")
			.query(this::map)
			.list();
	}

	@Override
	public @Nullable String lastRunId(String id) {
		return this.jdbc.sql("SELECT last_run_id FROM inngest_cancellation WHERE id = ?")
			.param(id)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	@Override
	public boolean progress(String id, long cancelled, @Nullable String lastRunId, boolean completed, Instant now) {
		boolean running = this.jdbc
			.sql("UPDATE inngest_cancellation SET cancelled = cancelled + ?, matched = GREATEST(matched, cancelled + ?), "
					+ "last_run_id = COALESCE(?, last_run_id), state = ?, updated_at = ? WHERE id = ? AND state = 'RUNNING'")
			.params(cancelled, cancelled, lastRunId, completed ? "COMPLETED" : "RUNNING", Timestamps.of(now), id)
			.update() == 1;
		if (!running && cancelled > 0) {
			this.jdbc
				.sql("UPDATE inngest_cancellation SET cancelled = cancelled + ?, "
						+ "matched = GREATEST(matched, cancelled + ?) WHERE id = ?")
				.params(cancelled, cancelled, id)
				.update();
		}
		return running;
	}

	@Override
	public boolean stop(String id, Instant now) {
		return this.jdbc
			.sql("UPDATE inngest_cancellation SET state = 'STOPPED', updated_at = ? WHERE id = ? AND state = 'RUNNING'")
			.params(Timestamps.of(now), id)
			.update() == 1;
	}

	private BulkCancellation map(ResultSet rs, int row) throws SQLException {
		return new BulkCancellation(rs.getString("id"), rs.getString("name"), rs.getString("function_id"),
				Timestamps.read(rs, "started_after"), Timestamps.read(rs, "started_before"),
				rs.getString("run_condition"), BulkCancellation.State.valueOf(rs.getString("state")),
				rs.getLong("matched"), rs.getLong("cancelled"), Timestamps.read(rs, "created_at"),
				Timestamps.read(rs, "updated_at"));
	}

}
