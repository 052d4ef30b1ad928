package dev.durable.inngest.local;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.RunLifecycle;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Stores runs in {@code inngest_run}. The column {@code due_at} says when a worker should
 * next look at a run: when it is queued, when its sleep or wait ends, or, while it runs,
 * when its lease expires; it is null once the run has ended. A claim is one conditional
 * update on it.
 */
public final class JdbcRunStore implements RunStore {

	private static final String RUN_COLUMNS = "r.id, r.function_id, r.status, r.attempt, r.created_at, "
			+ "r.started_at, r.ended_at, r.due_at, r.output, r.error_name, r.error_message, r.error_stack, "
			+ "r.cancelled_by, r.cancel_reason, COALESCE(e.sent_id, e.id) AS event_id, e.name AS event_name, "
			+ "e.data AS event_data, e.user_data AS event_user, e.ts AS event_ts, e.v AS event_v";

	private static final String WITH_EVENT = "JOIN inngest_event e ON e.id = r.event_id ";

	private static final String SELECT_RUN = "SELECT " + RUN_COLUMNS + " FROM inngest_run r " + WITH_EVENT;

	/**
	 * The runs due by a time, as a range of the due-time index bounded below as well: H2
	 * keeps the ended runs' null due times at the start of that index and would read
	 * through every one of them for {@code due_at <= ?} alone. Its parameters are
	 * {@link #dueBy}'s.
	 */
	private static final String DUE_BY = "due_at >= ? AND due_at <= ?";

	/** Earlier than any due time the engine stores, all of which come from its clock. */
	private static final OffsetDateTime EARLIEST_DUE = Timestamps.of(Instant.EPOCH);

	/**
	 * The claim of due runs among given ones; named parameters lease, until, now and ids.
	 */
	private static final String CLAIM = "UPDATE inngest_run SET status = 'RUNNING', lease = :lease, due_at = :until, "
			+ "started_at = COALESCE(started_at, :now) WHERE id IN (:ids) AND due_at <= :now";

	/**
	 * A run's status in the guard of a statement that finds the run by its id: an
	 * expression, which PostgreSQL cannot read through the {@code (status, created_at)}
	 * index. With statistics taken when no run had the status guarded for (an idle
	 * moment), its planner prefers that index to the primary key, and then reads every
	 * run of that status to find the one: thousands when many runs are running or
	 * waiting.
	 */
	private static final String STATUS = "(status || '')";

	/** The guard of a statement on a running run found by its id. */
	private static final String IS_RUNNING = STATUS + " = 'RUNNING'";

	/**
	 * The states of runs that have not ended, as an SQL list: those a cancellation leaves
	 * (the guard of {@link RunLifecycle.Transition#CANCEL}).
	 */
	private static final String NOT_ENDED = RunLifecycle.Transition.CANCEL.from()
		.stream()
		.map((status) -> "'" + status.name() + "'")
		.collect(Collectors.joining(", ", "(", ")"));

	/**
	 * How many ids the claim's statement takes in one text, where the database wants
	 * that.
	 */
	private static final int CLAIM_BATCH = 8;

	/** When a run's lease expires, if it is still held; parameters id and lease. */
	private static final String LEASE_EXPIRY = "SELECT due_at FROM inngest_run WHERE id = ? AND lease = ? AND "
			+ IS_RUNNING;

	/**
	 * The completion of a run, with the step it completed with, if any, kept in its row,
	 * unless a row of {@code inngest_step} has that step already; the parameters of
	 * {@link #completeParameters}.
	 */
	private static final String COMPLETE = "UPDATE inngest_run SET status = 'COMPLETED', output = ?, ended_at = ?, "
			+ "due_at = NULL, lease = NULL, last_step_key = ?, last_step_id = ?, last_step_output = ?, "
			+ "last_step_started_at = ?, last_step_ended_at = ? WHERE id = ? AND lease = ? AND " + IS_RUNNING
			+ " AND NOT EXISTS (SELECT 1 FROM inngest_step WHERE run_id = ? AND step_key = ?)";

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final JsonCodec json;

	private final DatabasePlatform platform;

	private final String claim;

	private final String claimUnflushed;

	/**
	 * Creates a store.
	 * @param template the JDBC template on the engine's data source
	 * @param json the JSON codec
	 * @param platform the database, for the queries that differ
	 */
	public JdbcRunStore(JdbcTemplate template, JsonCodec json, DatabasePlatform platform) {
		this.template = template;
		this.jdbc = JdbcClient.create(template);
		this.json = json;
		this.platform = platform;
		this.claim = platform.selectUpdated(RUN_COLUMNS, CLAIM, "r", WITH_EVENT);
		this.claimUnflushed = platform.selectUpdated(RUN_COLUMNS, CLAIM, "r",
				WITH_EVENT + platform.commitUnflushed("unflushed"));
	}

	@Override
	public void create(List<NewRun> runs) {
		if (runs.isEmpty()) {
			return;
		}
		this.template.batchUpdate(
				"INSERT INTO inngest_run (id, function_id, event_id, status, attempt, due_at, "
						+ "created_at, started_at, lease) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)",
				runs, runs.size(), (ps, run) -> {
					Object createdAt = Timestamps.of(run.createdAt());
					ps.setString(1, run.id());
					ps.setString(2, run.functionId());
					ps.setString(3, run.eventId());
					ps.setString(4, run.status().name());
					ps.setObject(5, Timestamps.of(run.dueAt()));
					ps.setObject(6, createdAt);
					ps.setObject(7, Timestamps.of(run.startedAt()));
					ps.setString(8, run.lease());
				});
	}

	@Override
	public List<RunRecord> claim(Collection<String> runIds, String lease, Instant now, Instant leaseUntil) {
		if (runIds.isEmpty()) {
			return List.of();
		}
		List<String> ids = this.platform.inList(runIds, CLAIM_BATCH);
		// One statement: the claim, and the claimed runs read with their events. On its
		// own, it commits without waiting for the disk: a claim lost in a crash of the
		// database leaves the run to be claimed again, and every later write of the
		// worker, which is guarded by the claim's lease and waits for the disk, flushes
		// the claim first.
		String claim = TransactionSynchronizationManager.isActualTransactionActive() ? this.claim : this.claimUnflushed;
		return this.jdbc.sql(claim)
			.param("lease", lease)
			.param("until", Timestamps.of(leaseUntil))
			.param("now", Timestamps.of(now))
			.param("ids", ids)
			.query(this::mapRun)
			.list();
	}

	@Override
	public List<String> findDue(Instant now, int limit, Collection<String> functionIds) {
		if (functionIds.isEmpty()) {
			return List.of();
		}
		Select due = due(this.platform, now, limit, functionIds);
		return this.jdbc.sql(due.sql()).params(due.params()).query(String.class).list();
	}

	/** The runs of some functions due by {@code now}, soonest first. */
	static Select due(DatabasePlatform platform, Instant now, int limit, Collection<String> functionIds) {
		List<Object> params = new ArrayList<>(dueBy(now));
		params.addAll(functionIds);
		String functions = placeholders(functionIds.size());
		return new Select("SELECT id FROM " + platform.runsByDueTime() + " WHERE " + DUE_BY + " AND function_id IN ("
				+ functions + ") ORDER BY due_at FETCH FIRST " + limit + " ROWS ONLY", params);
	}

	@Override
	public List<String> findUnstarted(Instant createdBefore, Collection<String> among, int scanned,
			Collection<String> functionIds, int limit) {
		if (functionIds.isEmpty() || among.isEmpty()) {
			return List.of();
		}
		Select unstarted = unstarted(this.platform, createdBefore, among, scanned, functionIds, limit);
		return this.jdbc.sql(unstarted.sql()).params(unstarted.params()).query(String.class).list();
	}

	@Override
	public List<String> findRunningStartedBefore(Instant startedBefore, Collection<String> functionIds, int limit) {
		if (functionIds.isEmpty()) {
			return List.of();
		}
		// Through the status index: a run starts after it is created, so the range of
		// creation times bounds what is read to the running runs created before then.
		List<Object> params = new ArrayList<>();
		params.add(Timestamps.of(startedBefore));
		params.add(Timestamps.of(startedBefore));
		params.addAll(functionIds);
		return this.jdbc
			.sql("SELECT id FROM inngest_run WHERE status = 'RUNNING' AND created_at < ? AND started_at < ? "
					+ "AND function_id IN (" + placeholders(functionIds.size()) + ") ORDER BY created_at FETCH FIRST "
					+ limit + " ROWS ONLY")
			.params(params)
			.query(String.class)
			.list();
	}

	/**
	 * The queued runs of some functions never started and created before a time, longest
	 * due first: read, as the due runs are, through the due-time index, which holds only
	 * the runs that have not ended. A run that never started has been due since it was
	 * created, one given back included. Only the first entries of the range of the
	 * declared functions' runs are read: behind a backlog of other runs, the rest wait
	 * for a worker's claim.
	 */
	static Select unstarted(DatabasePlatform platform, Instant createdBefore, Collection<String> among, int scanned,
			Collection<String> functionIds, int limit) {
		List<Object> params = new ArrayList<>(dueBy(createdBefore));
		params.addAll(among);
		params.addAll(functionIds);
		params.add(Timestamps.of(createdBefore));
		String declared = placeholders(among.size());
		String functions = placeholders(functionIds.size());
		return new Select("SELECT id FROM (SELECT id, function_id, status, started_at, created_at, due_at FROM "
				+ platform.runsByDueTime() + " WHERE " + DUE_BY + " AND function_id IN (" + declared
				+ ") ORDER BY due_at FETCH FIRST " + scanned + " ROWS ONLY) r WHERE function_id IN (" + functions
				+ ") AND status = 'QUEUED' AND started_at IS NULL AND created_at < ? ORDER BY due_at FETCH FIRST "
				+ limit + " ROWS ONLY", params);
	}

	/** As many parameters as values, for an {@code IN} list. */
	private static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

	/** The parameters of {@link #DUE_BY}. */
	private static List<Object> dueBy(Instant now) {
		return List.of(EARLIEST_DUE, Timestamps.of(now));
	}

	@Override
	public Optional<Instant> storeStep(StepRecord step, String lease) {
		@Nullable Object[] insert = JdbcStepStore.insertParameters(step);
		if (this.platform.supportsDataModifyingCte()) {
			// One statement: the step's insert happens whether or not the run is still
			// held.
			List<Object> params = new ArrayList<>(Arrays.asList(insert));
			params.add(step.runId());
			params.add(lease);
			return leaseExpiry("WITH s AS (" + JdbcStepStore.INSERT + ") " + LEASE_EXPIRY, params);
		}
		this.jdbc.sql(JdbcStepStore.INSERT).params(insert).update();
		return leaseExpiry(step.runId(), lease);
	}

	@Override
	public Optional<Instant> leaseExpiry(String runId, String lease) {
		return leaseExpiry(LEASE_EXPIRY, List.of(runId, lease));
	}

	private Optional<Instant> leaseExpiry(String sql, List<Object> params) {
		return this.jdbc.sql(sql).params(params).query((rs, row) -> Timestamps.read(rs, "due_at")).optional();
	}

	@Override
	public boolean complete(Completion completion) {
		if (this.jdbc.sql(COMPLETE).params(completeParameters(completion)).update() == 1) {
			return true;
		}
		keepLastStep(completion);
		return false;
	}

	/** The parameters of {@link #COMPLETE} for a completion. */
	private static @Nullable Object[] completeParameters(Completion completion) {
		StepRecord step = completion.lastStep();
		@Nullable Object[] last = (step != null) ? new Object[] { step.key(), step.stepId(), step.output(),
				Timestamps.of(step.startedAt()), Timestamps.of(step.endedAt()) } : new Object[5];
		return new Object[] { completion.output(), Timestamps.of(completion.now()), last[0], last[1], last[2], last[3],
				last[4], completion.runId(), completion.lease(), completion.runId(), last[0] };
	}

	/**
	 * Stores, in a row of its own, the last step of a completion that was not stored: a
	 * step that completes is always kept, even when the run's lease was lost.
	 * @throws org.springframework.dao.DuplicateKeyException if the step was stored
	 * already, by an instance that took the run over
	 */
	private void keepLastStep(Completion completion) {
		if (completion.lastStep() != null) {
			this.jdbc.sql(JdbcStepStore.INSERT).params(JdbcStepStore.insertParameters(completion.lastStep())).update();
		}
	}

	@Override
	public boolean[] completeAll(List<Completion> completions) {
		Integer[] order = inRunIdOrder(completions.size(), (i) -> completions.get(i).runId());
		List<@Nullable Object[]> runs = new ArrayList<>(completions.size());
		for (int i : order) {
			runs.add(completeParameters(completions.get(i)));
		}
		int[] counts = this.template.batchUpdate(COMPLETE, runs);
		boolean[] held = new boolean[counts.length];
		for (int n = 0; n < counts.length; n++) {
			if (counts[n] == Statement.SUCCESS_NO_INFO) {
				throw new IllegalStateException("The database did not say which runs' completions were stored");
			}
			int i = order[n];
			held[i] = counts[n] == 1;
			if (!held[i]) {
				keepLastStep(completions.get(i));
			}
		}
		return held;
	}

	/**
	 * The indexes of some runs in the order of their ids. The batches that update several
	 * runs in one transaction (completions, renewed leases, runs given back) lock them in
	 * that order, so that two of them wait for one another at most, and never deadlock: a
	 * deadlock holds both up until the database detects it, and then fails one.
	 */
	private static Integer[] inRunIdOrder(int count, IntFunction<String> runId) {
		Integer[] order = new Integer[count];
		for (int i = 0; i < count; i++) {
			order[i] = i;
		}
		Arrays.sort(order, Comparator.comparing(runId::apply));
		return order;
	}

	@Override
	public boolean fail(String runId, String lease, ErrorInfo error, Instant now) {
		return this.jdbc
			.sql("UPDATE inngest_run SET status = 'FAILED', error_name = ?, error_message = ?, error_stack = ?, "
					+ "ended_at = ?, due_at = NULL, lease = NULL WHERE id = ? AND lease = ? AND " + IS_RUNNING)
			.params(error.name(), error.message(), error.stack(), Timestamps.of(now), runId, lease)
			.update() == 1;
	}

	@Override
	public boolean suspend(String runId, String lease, RunStatus status, Instant dueAt, int attempt) {
		RunLifecycle.Transition.SUSPEND.requireTarget(status);
		return this.jdbc
			.sql("UPDATE inngest_run SET status = ?, due_at = ?, attempt = ?, lease = NULL "
					+ "WHERE id = ? AND lease = ? AND " + IS_RUNNING)
			.params(status.name(), Timestamps.of(dueAt), attempt, runId, lease)
			.update() == 1;
	}

	@Override
	public void lock(String runId) {
		this.jdbc.sql("SELECT id FROM inngest_run WHERE id = ? FOR UPDATE").param(runId).query(String.class).list();
	}

	@Override
	public boolean wake(String runId, Instant now) {
		return this.jdbc
			.sql("UPDATE inngest_run SET status = 'QUEUED', due_at = ? WHERE id = ? AND " + STATUS + " = 'WAITING'")
			.params(Timestamps.of(now), runId)
			.update() == 1;
	}

	@Override
	public Set<String> renew(Map<String, String> leases, Instant leaseUntil) {
		if (this.platform != DatabasePlatform.POSTGRESQL) {
			return byLease("UPDATE inngest_run SET due_at = ? WHERE id = ? AND lease = ? AND " + IS_RUNNING, leases,
					leaseUntil, false);
		}
		// A run whose row another transaction holds, such as an application's that
		// cancels it, is passed over rather than waited for, so that the other runs'
		// leases are renewed meanwhile; it is renewed at the next renewal if still held
		// then. A transaction that holds it past its lease's expiry and then rolls back
		// leaves it to be claimed by another instance.
		Set<String> notRenewed = byLease(
				"UPDATE inngest_run SET due_at = ? WHERE id = (SELECT id FROM inngest_run "
						+ "WHERE id = ? AND lease = ? AND " + IS_RUNNING + " FOR UPDATE SKIP LOCKED)",
				leases, leaseUntil, false);
		if (notRenewed.isEmpty()) {
			return notRenewed;
		}
		Set<String> lost = new HashSet<>(notRenewed);
		this.jdbc.sql("SELECT id, lease FROM inngest_run WHERE id IN (:ids) AND " + IS_RUNNING)
			.param("ids", notRenewed)
			.query((rs) -> {
				if (Objects.equals(rs.getString("lease"), leases.get(rs.getString("id")))) {
					lost.remove(rs.getString("id"));
				}
			});
		return lost;
	}

	@Override
	public Set<String> giveBack(Map<String, String> leases, Instant now) {
		return byLease(
				"UPDATE inngest_run SET status = 'QUEUED', due_at = LEAST(created_at, ?), started_at = NULL, lease = NULL "
						+ "WHERE id = ? AND lease = ? AND " + IS_RUNNING,
				leases, now, true);
	}

	/**
	 * Updates runs held under their leases, in one batch, with a statement whose
	 * parameters are a time, the run id and the lease token.
	 * @return the ids of the runs updated if {@code updated}, else of those not updated
	 */
	private Set<String> byLease(String sql, Map<String, String> leases, Instant at, boolean updated) {
		if (leases.isEmpty()) {
			return Set.of();
		}
		// In the order of the run ids, as completions lock their runs.
		List<Map.Entry<String, String>> entries = new ArrayList<>(leases.entrySet());
		entries.sort(Map.Entry.comparingByKey());
		int[][] counts = this.template.batchUpdate(sql, entries, entries.size(), (ps, entry) -> {
			ps.setObject(1, Timestamps.of(at));
			ps.setString(2, entry.getKey());
			ps.setString(3, entry.getValue());
		});
		Set<String> matching = new HashSet<>();
		int index = 0;
		for (int[] batch : counts) {
			for (int count : batch) {
				if (count == Statement.SUCCESS_NO_INFO) {
					throw new IllegalStateException("The database did not say which runs' leases were held");
				}
				if ((count == 1) == updated) {
					matching.add(entries.get(index).getKey());
				}
				index++;
			}
		}
		return matching;
	}

	@Override
	public boolean cancel(String runId, RunView.Cancellation cancellation, Instant now) {
		return cancel(STATUS + " IN " + NOT_ENDED, runId, cancellation, now);
	}

	@Override
	public boolean cancelUnstarted(String runId, RunView.Cancellation cancellation, Instant now) {
		// Not if a worker claimed it meanwhile: a claim sets when it started.
		return cancel(STATUS + " = 'QUEUED' AND started_at IS NULL", runId, cancellation, now);
	}

	/** Cancels a run under a guard. */
	private boolean cancel(String guard, String runId, RunView.Cancellation cancellation, Instant now) {
		return this.jdbc
			.sql("UPDATE inngest_run SET status = 'CANCELLED', ended_at = ?, due_at = NULL, cancelled_by = ?, "
					+ "cancel_reason = ?, error_name = ?, error_message = ? WHERE id = ? AND " + guard)
			.params(Timestamps.of(now), cancellation.by(), cancellation.reason(), FunctionCancelledEvent.ERROR.name(),
					FunctionCancelledEvent.ERROR.message(), runId)
			.update() == 1;
	}

	@Override
	public List<RunRecord> list(RunQuery query) {
		return select(listing(query));
	}

	@Override
	public List<RunRecord> findUnended(String functionId, Instant createdAfter, Instant createdBefore,
			@Nullable String afterId, int limit) {
		return select(unended(functionId, createdAfter, createdBefore, afterId, limit));
	}

	private List<RunRecord> select(Select select) {
		return this.jdbc.sql(select.sql()).params(select.params()).query(this::mapRun).list();
	}

	/**
	 * The statement of {@link #list}. A run's id begins with its creation time, so a time
	 * range also bounds the ids, which the primary key and the function's index are read
	 * by.
	 */
	static Select listing(RunQuery query) {
		StringBuilder sql = new StringBuilder(SELECT_RUN).append("WHERE 1 = 1");
		List<Object> params = new ArrayList<>();
		if (query.functionId() != null) {
			sql.append(" AND r.function_id = ?");
			params.add(query.functionId());
		}
		if (query.status() != null) {
			sql.append(" AND r.status = ?");
			params.add(query.status().name());
		}
		if (query.createdAfter() != null) {
			sql.append(" AND r.id >= ? AND r.created_at >= ?");
			params.add(Ids.lowest(query.createdAfter()));
			params.add(Timestamps.of(query.createdAfter()));
		}
		if (query.createdBefore() != null) {
			sql.append(" AND r.id < ? AND r.created_at < ?");
			params.add(Ids.lowest(query.createdBefore().plusMillis(1)));
			params.add(Timestamps.of(query.createdBefore()));
		}
		if (query.cursor() != null) {
			sql.append(" AND r.id < ?");
			params.add(query.cursor());
		}
		// By function, H2 reads the function's index in order only if the order names its
		// first column.
		sql.append((query.functionId() != null) ? " ORDER BY r.function_id DESC, r.id DESC" : " ORDER BY r.id DESC")
			.append(" FETCH FIRST ")
			.append(query.limit() + 1)
			.append(" ROWS ONLY");
		return new Select(sql.toString(), params);
	}

	/**
	 * The statement of {@link #findUnended}, which reads the function's index from the
	 * first id of the time range to its last (see {@link #listing}).
	 */
	static Select unended(String functionId, Instant createdAfter, Instant createdBefore, @Nullable String afterId,
			int limit) {
		return new Select(
				SELECT_RUN + "WHERE r.function_id = ? AND r.id >= ? AND r.id < ? AND r.id > ? "
						+ "AND r.created_at >= ? AND r.created_at < ? AND r.status IN " + NOT_ENDED + " "
						+ "ORDER BY r.function_id, r.id FETCH FIRST " + limit + " ROWS ONLY",
				List.of(functionId, Ids.lowest(createdAfter), Ids.lowest(createdBefore.plusMillis(1)),
						(afterId != null) ? afterId : "", Timestamps.of(createdAfter), Timestamps.of(createdBefore)));
	}

	/** A query and its parameters. */
	record Select(String sql, List<Object> params) {
	}

	@Override
	public Map<String, Map<RunStatus, Long>> countByFunction() {
		Map<String, Map<RunStatus, Long>> counts = new TreeMap<>();
		this.jdbc.sql("SELECT function_id, status, COUNT(*) AS runs FROM inngest_run GROUP BY function_id, status")
			.query((rs) -> {
				counts.computeIfAbsent(rs.getString("function_id"), (id) -> new EnumMap<>(RunStatus.class))
					.put(RunStatus.valueOf(rs.getString("status")), rs.getLong("runs"));
			});
		return counts;
	}

	@Override
	public Map<String, Long> countUnendedByFunction() {
		// A run that has not ended has a due time: when it is due, or when its lease
		// expires.
		Map<String, Long> counts = new TreeMap<>();
		this.jdbc.sql("SELECT function_id, COUNT(*) AS runs FROM inngest_run WHERE due_at >= ? GROUP BY function_id")
			.param(EARLIEST_DUE)
			.query((rs) -> {
				counts.put(rs.getString("function_id"), rs.getLong("runs"));
			});
		return counts;
	}

	@Override
	public Backlog backlog(Instant now) {
		Select counted = dueCounted(now);
		return this.jdbc.sql(counted.sql())
			.params(counted.params())
			.query((rs, row) -> new Backlog(rs.getLong("due"), Timestamps.read(rs, "oldest"), rs.getLong("expired")))
			.single();
	}

	/** The runs due by {@code now}, counted. */
	static Select dueCounted(Instant now) {
		return new Select("SELECT SUM(CASE WHEN status <> 'RUNNING' THEN 1 ELSE 0 END) AS due, "
				+ "MIN(CASE WHEN status <> 'RUNNING' THEN due_at END) AS oldest, "
				+ "SUM(CASE WHEN status = 'RUNNING' THEN 1 ELSE 0 END) AS expired " + "FROM inngest_run WHERE "
				+ DUE_BY, dueBy(now));
	}

	@Override
	public Optional<RunRecord> find(String runId) {
		return this.jdbc.sql(SELECT_RUN + "WHERE r.id = ?").param(runId).query(this::mapRun).optional();
	}

	@Override
	public Optional<String> eventKey(String runId) {
		return this.jdbc.sql("SELECT event_id FROM inngest_run WHERE id = ?")
			.param(runId)
			.query(String.class)
			.optional();
	}

	private RunRecord mapRun(ResultSet rs, int row) throws SQLException {
		Event event = new Event(rs.getString("event_name"), this.json.readObject(rs.getString("event_data")),
				this.json.readObject(rs.getString("event_user")), rs.getString("event_id"), rs.getLong("event_ts"),
				rs.getString("event_v"));
		return new RunRecord(rs.getString("id"), rs.getString("function_id"), event,
				RunStatus.valueOf(rs.getString("status")), rs.getInt("attempt"), Timestamps.read(rs, "created_at"),
				Timestamps.read(rs, "started_at"), Timestamps.read(rs, "ended_at"), Timestamps.read(rs, "due_at"),
				rs.getString("output"), Timestamps.readError(rs), cancellation(rs));
	}

	private static RunView.@Nullable Cancellation cancellation(ResultSet rs) throws SQLException {
		String by = rs.getString("cancelled_by");
		return (by != null) ? new RunView.Cancellation(by, rs.getString("cancel_reason")) : null;
	}

}
