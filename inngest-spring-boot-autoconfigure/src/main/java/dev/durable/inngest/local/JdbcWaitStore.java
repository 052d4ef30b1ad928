package dev.durable.inngest.local;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.durable.inngest.engine.store.WaitRecord;
import dev.durable.inngest.engine.store.WaitStore;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores waits in {@code inngest_wait}, indexed by event name, matched field and value.
 */
public final class JdbcWaitStore implements WaitStore {

	private static final RowMapper<WaitRecord> WAIT = (rs, row) -> new WaitRecord(rs.getString("run_id"),
			rs.getString("step_key"), WaitRecord.Kind.valueOf(rs.getString("kind")), rs.getString("event_name"),
			rs.getString("match_path"), rs.getString("match_value"), rs.getString("wait_condition"),
			Timestamps.read(rs, "expires_at"));

	private final JdbcTemplate template;

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param template the JDBC template on the engine's data source
	 */
	public JdbcWaitStore(JdbcTemplate template) {
		this.template = template;
		this.jdbc = JdbcClient.create(template);
	}

	@Override
	public void insert(List<WaitRecord> waits) {
		if (waits.isEmpty()) {
			return;
		}
		this.template.batchUpdate(
				"INSERT INTO inngest_wait (run_id, step_key, kind, event_name, match_path, "
						+ "match_value, wait_condition, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				waits, waits.size(), (ps, wait) -> {
					ps.setString(1, wait.runId());
					ps.setString(2, wait.stepKey());
					ps.setString(3, wait.kind().name());
					ps.setString(4, wait.eventName());
					ps.setString(5, wait.matchPath());
					ps.setString(6, wait.matchValue());
					ps.setString(7, wait.condition());
					ps.setObject(8, Timestamps.of(wait.expiresAt()));
				});
	}

	@Override
	public Map<String, Set<String>> waitedFor(Collection<String> eventNames) {
		if (eventNames.isEmpty()) {
			return Map.of();
		}
		Map<String, Set<String>> waited = new HashMap<>();
		this.jdbc.sql("SELECT DISTINCT event_name, match_path FROM inngest_wait WHERE event_name IN (:names)")
			.param("names", new HashSet<>(eventNames))
			.query((rs) -> {
				String path = rs.getString("match_path");
				waited.computeIfAbsent(rs.getString("event_name"), (name) -> new HashSet<>())
					.add((path != null) ? path : UNMATCHED);
			});
		return waited;
	}

	@Override
	public List<WaitRecord> findByMatch(String eventName, String matchPath, String matchValue, Instant now) {
		return this.jdbc
			.sql("SELECT * FROM inngest_wait WHERE event_name = ? AND match_path = ? AND match_value = ? "
					+ "AND expires_at > ?")
			.params(eventName, matchPath, matchValue, Timestamps.of(now))
			.query(WAIT)
			.list();
	}

	@Override
	public List<WaitRecord> findUnmatched(String eventName, Instant now) {
		return this.jdbc
			.sql("SELECT * FROM inngest_wait WHERE event_name = ? AND match_path IS NULL AND expires_at > ?")
			.params(eventName, Timestamps.of(now))
			.query(WAIT)
			.list();
	}

	@Override
	public Set<String> waitingSteps(String runId) {
		return new HashSet<>(this.jdbc.sql("SELECT step_key FROM inngest_wait WHERE run_id = ? AND kind <> ?")
			.params(runId, WaitRecord.Kind.CANCEL.name())
			.query(String.class)
			.list());
	}

	@Override
	public void deleteByRun(String runId) {
		this.jdbc.sql("DELETE FROM inngest_wait WHERE run_id = ?").param(runId).update();
	}

	@Override
	public boolean delete(String runId, String stepKey) {
		return this.jdbc.sql("DELETE FROM inngest_wait WHERE run_id = ? AND step_key = ?")
			.params(runId, stepKey)
			.update() == 1;
	}

}
