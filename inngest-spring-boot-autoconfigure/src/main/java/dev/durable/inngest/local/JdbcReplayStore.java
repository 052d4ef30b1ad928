package dev.durable.inngest.local;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.store.ReplayStore;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores the links of reruns in {@code inngest_rerun} and bulk replays in
 * {@code inngest_replay}.
 */
public final class JdbcReplayStore implements ReplayStore {

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public JdbcReplayStore(JdbcTemplate jdbc) {
		this.jdbc = JdbcClient.create(jdbc);
	}

	@Override
	public void link(String runId, String rerunOf, @Nullable String replayId, Instant now) {
		this.jdbc.sql("INSERT INTO inngest_rerun (run_id, rerun_of, replay_id, created_at) VALUES (?, ?, ?, ?)")
			.params(runId, rerunOf, replayId, Timestamps.of(now))
			.update();
	}

	@Override
	public Map<String, Links> links(Collection<String> runIds) {
		Map<String, Links> links = new LinkedHashMap<>();
		if (runIds.isEmpty()) {
			return links;
		}
		Map<String, @Nullable String> rerunOf = new LinkedHashMap<>();
		this.jdbc.sql("SELECT run_id, rerun_of FROM inngest_rerun WHERE run_id IN (:ids)")
			.param("ids", runIds)
			.query((rs) -> {
				rerunOf.put(rs.getString("run_id"), rs.getString("rerun_of"));
			});
		Map<String, List<String>> reruns = new LinkedHashMap<>();
		this.jdbc.sql("SELECT rerun_of, run_id FROM inngest_rerun WHERE rerun_of IN (:ids) ORDER BY rerun_of, run_id")
			.param("ids", runIds)
			.query((rs) -> {
				reruns.computeIfAbsent(rs.getString("rerun_of"), (id) -> new ArrayList<>()).add(rs.getString("run_id"));
			});
		for (String runId : runIds) {
			if (rerunOf.containsKey(runId) || reruns.containsKey(runId)) {
				links.put(runId, new Links(rerunOf.get(runId), List.copyOf(reruns.getOrDefault(runId, List.of()))));
			}
		}
		return links;
	}

	/**
	 * Reads the function's index from the first id of the time range to its last, as the
	 * run store's search for a bulk cancellation does.
	 */
	@Override
	public List<String> findEnded(String functionId, Instant createdAfter, Instant createdBefore,
			Set<RunStatus> statuses, @Nullable String afterId, int limit) {
		String states = statuses.stream().map((status) -> "'" + status.name() + "'").collect(Collectors.joining(", "));
		return this.jdbc
			.sql("SELECT id FROM inngest_run WHERE function_id = ? AND id >= ? AND id < ? AND id > ? "
					+ "AND created_at >= ? AND created_at < ? AND status IN (" + states + ") "
					+ "ORDER BY function_id, id FETCH FIRST " + limit + " ROWS ONLY")
			.params(functionId, Ids.lowest(createdAfter), Ids.lowest(createdBefore.plusMillis(1)),
					(afterId != null) ? afterId : "", Timestamps.of(createdAfter), Timestamps.of(createdBefore))
			.query(String.class)
			.list();
	}

	@Override
	public void insert(BulkReplay replay) {
		this.jdbc
			.sql("INSERT INTO inngest_replay (id, name, function_id, started_after, started_before, run_condition, "
					+ "statuses, state, matched, replayed, created_at, updated_at) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.params(replay.id(), replay.name(), replay.functionId(), Timestamps.of(replay.startedAfter()),
					Timestamps.of(replay.startedBefore()), replay.condition(), statuses(replay.statuses()),
					replay.state().name(), replay.matched(), replay.replayed(), Timestamps.of(replay.createdAt()),
					Timestamps.of(replay.updatedAt()))
			.update();
	}

	@Override
	public Optional<BulkReplay> find(String id) {
		return this.jdbc.sql("SELECT * FROM inngest_replay WHERE id = ?").param(id).query(this::map).optional();
	}

	@Override
	public List<BulkReplay> list(int limit, @Nullable String beforeId) {
		return this.jdbc
			.sql("SELECT * FROM inngest_replay WHERE id < ? ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY")
			.param((beforeId != null) ? beforeId : "~")
			.query(this::map)
			.list();
	}

	@Override
	public List<BulkReplay> findRunning() {
		return this.jdbc.sql("SELECT * FROM inngest_replay WHERE state = 'RUNNING' ORDER BY id")
			.query(this::map)
			.list();
	}

	@Override
	public @Nullable String lastRunId(String id) {
		return this.jdbc.sql("SELECT last_run_id FROM inngest_replay WHERE id = ?")
			.param(id)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	@Override
	public boolean progress(String id, @Nullable String previousLastRunId, long replayed, @Nullable String lastRunId,
			boolean completed, Instant now) {
		return this.jdbc
			.sql("UPDATE inngest_replay SET replayed = replayed + ?, matched = GREATEST(matched, replayed + ?), "
					+ "last_run_id = COALESCE(?, last_run_id), state = ?, updated_at = ? "
					+ "WHERE id = ? AND state = 'RUNNING' AND COALESCE(last_run_id, '') = ?")
			.params(replayed, replayed, lastRunId, completed ? "COMPLETED" : "RUNNING", Timestamps.of(now), id,
					(previousLastRunId != null) ? previousLastRunId : "")
			.update() == 1;
	}

	@Override
	public boolean stop(String id, Instant now) {
		return this.jdbc
			.sql("UPDATE inngest_replay SET state = 'STOPPED', updated_at = ? WHERE id = ? AND state = 'RUNNING'")
			.params(Timestamps.of(now), id)
			.update() == 1;
	}

	static String statuses(Set<RunStatus> statuses) {
		return statuses.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
	}

	static Set<RunStatus> statuses(String column) {
		Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
		Arrays.stream(column.split(",")).map(String::trim).map(RunStatus::valueOf).forEach(statuses::add);
		return statuses;
	}

	private BulkReplay map(ResultSet rs, int row) throws SQLException {
		return new BulkReplay(rs.getString("id"), rs.getString("name"), rs.getString("function_id"),
				Timestamps.read(rs, "started_after"), Timestamps.read(rs, "started_before"),
				rs.getString("run_condition"), statuses(rs.getString("statuses")),
				BulkReplay.State.valueOf(rs.getString("state")), rs.getLong("matched"), rs.getLong("replayed"),
				Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"));
	}

}
