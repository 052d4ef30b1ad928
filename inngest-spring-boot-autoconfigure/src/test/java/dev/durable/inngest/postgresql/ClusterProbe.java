package dev.durable.inngest.postgresql;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.awaitility.Awaitility.await;

/**
 * Reads the state of a shared database directly, over a connection of its own.
 */
final class ClusterProbe implements AutoCloseable {

	private final SingleConnectionDataSource dataSource;

	private final JdbcClient jdbc;

	ClusterProbe(String url) {
		this.dataSource = new SingleConnectionDataSource(url, true);
		this.jdbc = JdbcClient.create(this.dataSource);
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	JdbcClient jdbc() {
		return this.jdbc;
	}

	void createLogTable() {
		this.jdbc.sql(ClusterFunctions.LOG_TABLE).update();
	}

	long count(String sql, Object... params) {
		return this.jdbc.sql(sql).params(params).query(Long.class).single();
	}

	/**
	 * The completed steps of every run, as {@code run_id/step_key}: the rows of
	 * {@code inngest_step}, and the steps kept in their runs' rows, which the runs
	 * completed with.
	 */
	List<String> completedSteps() {
		return this.jdbc
			.sql("SELECT run_id || '/' || step_key FROM inngest_step WHERE status = 'COMPLETED' "
					+ "UNION ALL SELECT id || '/' || last_step_key FROM inngest_run WHERE last_step_key IS NOT NULL")
			.query(String.class)
			.list();
	}

	long runs(String functionId, String status) {
		return count("SELECT COUNT(*) FROM inngest_run WHERE function_id = ? AND status = ?", functionId, status);
	}

	void awaitRuns(String functionId, String status, long expected, Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> runs(functionId, status) == expected);
	}

	/**
	 * Executions of each step body, as {@code run_id/step} to their count, of those run
	 * more than once.
	 */
	Map<String, Long> stepsExecutedMoreThanOnce() {
		List<Map<String, Object>> rows = this.jdbc
			.sql("SELECT run_id, step, COUNT(*) AS executions FROM test_step_log GROUP BY run_id, step "
					+ "HAVING COUNT(*) > 1")
			.query()
			.listOfRows();
		return rows.stream()
			.collect(java.util.stream.Collectors.toMap((row) -> row.get("run_id") + "/" + row.get("step"),
					(row) -> ((Number) row.get("executions")).longValue()));
	}

	@Override
	public void close() {
		this.dataSource.destroy();
	}

}
