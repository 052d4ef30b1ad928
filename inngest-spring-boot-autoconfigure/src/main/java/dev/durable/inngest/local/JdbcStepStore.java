package dev.durable.inngest.local;

import java.time.Instant;

import java.util.List;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepResolution;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.StepStore;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores steps in {@code inngest_step} and failed attempts in {@code inngest_attempt}.
 * The body's attempts are stored with an empty step key. The step a run completed with is
 * kept in the run's row instead, where the run's completion stored it (see
 * {@code JdbcRunStore}).
 */
public final class JdbcStepStore implements StepStore {

	private static final String BODY = "";

	/**
	 * The insert of a step, with the parameters of {@link #insertParameters(StepRecord)}.
	 */
	static final String INSERT = "INSERT INTO inngest_step (run_id, step_key, step_id, kind, status, attempts, "
			+ "output, error_name, error_message, error_stack, wake_at, started_at, ended_at) "
			+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	/**
	 * A run's steps in the order they started: its rows of {@code inngest_step}, and the
	 * step kept in the run's row, which the run completed with. A row of its own for that
	 * step could only be stored after the run's completion, by an instance that had lost
	 * the run: the run's is the one it ended with. Parameters: the run id, twice.
	 */
	private static final String BY_RUN = "SELECT s.run_id, s.step_key, s.step_id, s.kind, s.status, s.attempts, "
			+ "s.output, s.error_name, s.error_message, s.error_stack, s.wake_at, s.started_at, s.ended_at "
			+ "FROM inngest_step s WHERE s.run_id = ? AND NOT EXISTS (SELECT 1 FROM inngest_run r "
			+ "WHERE r.id = s.run_id AND r.last_step_key = s.step_key) "
			+ "UNION ALL SELECT id, last_step_key, last_step_id, 'RUN', 'COMPLETED', 1, last_step_output, NULL, NULL, "
			+ "NULL, NULL, last_step_started_at, last_step_ended_at FROM inngest_run "
			+ "WHERE id = ? AND last_step_key IS NOT NULL ORDER BY started_at";

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public JdbcStepStore(JdbcTemplate jdbc) {
		this.jdbc = JdbcClient.create(jdbc);
	}

	@Override
	public List<StepRecord> findByRun(String runId) {
		return this.jdbc.sql(BY_RUN)
			.params(runId, runId)
			.query((rs, row) -> new StepRecord(rs.getString("run_id"), rs.getString("step_key"),
					rs.getString("step_id"), StepKind.valueOf(rs.getString("kind")),
					StepStatus.valueOf(rs.getString("status")), rs.getInt("attempts"), rs.getString("output"),
					Timestamps.readError(rs), Timestamps.read(rs, "wake_at"), Timestamps.read(rs, "started_at"),
					Timestamps.read(rs, "ended_at")))
			.list();
	}

	@Override
	public void insert(StepRecord step) {
		this.jdbc.sql(INSERT).params(insertParameters(step)).update();
	}

	static @Nullable Object[] insertParameters(StepRecord step) {
		ErrorInfo error = step.error();
		return new Object[] { step.runId(), step.key(), step.stepId(), step.kind().name(), step.status().name(),
				step.attempts(), step.output(), (error != null) ? error.name() : null,
				(error != null) ? error.message() : null, (error != null) ? error.stack() : null,
				Timestamps.of(step.wakeAt()), Timestamps.of(step.startedAt()), Timestamps.of(step.endedAt()) };
	}

	@Override
	public boolean update(StepResolution step) {
		ErrorInfo error = step.error();
		return this.jdbc
			.sql("UPDATE inngest_step SET status = ?, attempts = ?, output = ?, error_name = ?, error_message = ?, "
					+ "error_stack = ?, wake_at = COALESCE(?, wake_at), ended_at = ? "
					+ "WHERE run_id = ? AND step_key = ? AND status <> 'COMPLETED'")
			.params(step.status().name(), step.attempts(), step.output(), (error != null) ? error.name() : null,
					(error != null) ? error.message() : null, (error != null) ? error.stack() : null,
					Timestamps.of(step.wakeAt()), Timestamps.of(step.endedAt()), step.runId(), step.key())
			.update() == 1;
	}

	@Override
	public int cancelPending(String runId, Instant now) {
		return this.jdbc
			.sql("UPDATE inngest_step SET status = 'CANCELLED', ended_at = ? "
					+ "WHERE run_id = ? AND status IN ('SLEEPING', 'WAITING', 'RETRYING')")
			.params(Timestamps.of(now), runId)
			.update();
	}

	@Override
	public void recordAttempt(AttemptRecord attempt) {
		ErrorInfo error = attempt.error();
		this.jdbc
			.sql("INSERT INTO inngest_attempt (run_id, step_key, attempt, error_name, error_message, error_stack, "
					+ "failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
			.params(attempt.runId(), (attempt.stepKey() != null) ? attempt.stepKey() : BODY, attempt.attempt(),
					error.name(), error.message(), error.stack(), Timestamps.of(attempt.failedAt()))
			.update();
	}

	@Override
	public List<AttemptRecord> attempts(String runId) {
		return this.jdbc.sql("SELECT * FROM inngest_attempt WHERE run_id = ? ORDER BY failed_at, attempt")
			.param(runId)
			.query((rs, row) -> {
				String key = rs.getString("step_key");
				return new AttemptRecord(rs.getString("run_id"), BODY.equals(key) ? null : key, rs.getInt("attempt"),
						Timestamps.readError(rs), Timestamps.read(rs, "failed_at"));
			})
			.list();
	}

}
