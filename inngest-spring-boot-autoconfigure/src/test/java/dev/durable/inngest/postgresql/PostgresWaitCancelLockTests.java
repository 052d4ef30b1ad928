package dev.durable.inngest.postgresql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.CancelResult;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cancellation at the same moment as an event that ends the run's wait, or as the
 * suspension that stores the wait, on PostgreSQL: each takes the run's row before its
 * waits and steps, so that none fails with a deadlock, and the cancellation, behind a
 * suspension, finds the wait and the step it stored.
 */
class PostgresWaitCancelLockTests {

	private String url;

	private ClusterProbe probe;

	private ConfigurableApplicationContext instance;

	@BeforeEach
	void start() {
		this.url = TestDatabases.newPostgresDatabase(TestDatabases.sharedServer());
		this.probe = new ClusterProbe(this.url);
		this.probe.createLogTable();
		this.instance = ClusterApp.start(this.url, "a");
	}

	@AfterEach
	void stop() {
		this.instance.close();
		this.probe.close();
	}

	@Test
	void aCancellationWaitsBehindAnEventThatEndsTheWaitAndNeitherDeadlocks() throws Exception {
		String runId = waitingRun();
		CompletableFuture<CancelResult> cancel;
		// This transaction stands for an event's, as EventIntake takes the rows: the run,
		// then the wait it ends.
		try (Connection event = DriverManager.getConnection(this.url); Statement statement = event.createStatement()) {
			event.setAutoCommit(false);
			statement.execute("SET deadlock_timeout = '50ms'");
			update(event, "SELECT 1 FROM inngest_run WHERE id = ? FOR UPDATE", runId);
			cancel = cancelWhenItWaits(runId);
			update(event, "SELECT 1 FROM inngest_wait WHERE run_id = ? FOR UPDATE", runId);
			event.commit();
		}
		assertCancelledWithNothingLeftWaiting(cancel);
	}

	@Test
	void aCancellationBehindASuspensionFindsTheWaitAndStepItStored() throws Exception {
		String runId = waitingRun();
		CompletableFuture<CancelResult> cancel;
		try (Connection execution = DriverManager.getConnection(this.url)) {
			// Back to the moment before the execution suspended: running, no wait yet.
			update(execution, "CREATE TEMP TABLE s AS SELECT * FROM inngest_step WHERE run_id = ?", runId);
			update(execution, "CREATE TEMP TABLE w AS SELECT * FROM inngest_wait WHERE run_id = ?", runId);
			update(execution, "DELETE FROM inngest_wait WHERE run_id = ?", runId);
			update(execution, "DELETE FROM inngest_step WHERE run_id = ?", runId);
			update(execution, "UPDATE inngest_run SET status = 'RUNNING', lease = 'l', "
					+ "due_at = now() + interval '1 hour' WHERE id = ?", runId);
			// The suspension's transaction, as RunExecution writes it: the run, then its
			// step and its wait.
			execution.setAutoCommit(false);
			update(execution, "UPDATE inngest_run SET status = 'WAITING', lease = NULL, "
					+ "due_at = now() + interval '1 hour' WHERE id = ? AND lease = 'l'", runId);
			update(execution, "INSERT INTO inngest_step SELECT * FROM s WHERE run_id = ?", runId);
			update(execution, "INSERT INTO inngest_wait SELECT * FROM w WHERE run_id = ?", runId);
			cancel = cancelWhenItWaits(runId);
			execution.commit();
		}
		assertCancelledWithNothingLeftWaiting(cancel);
	}

	private String waitingRun() {
		this.instance.getBean(InngestClient.class).send(Event.of("cluster/ask", Map.of("k", "k1")));
		this.probe.awaitRuns("awaits-reply", "WAITING", 1, Duration.ofSeconds(30));
		return this.probe.jdbc()
			.sql("SELECT id FROM inngest_run WHERE function_id = 'awaits-reply'")
			.query(String.class)
			.single();
	}

	/** Cancels the run on another thread, and returns once that waits for a lock. */
	private CompletableFuture<CancelResult> cancelWhenItWaits(String runId) throws InterruptedException {
		CompletableFuture<CancelResult> cancel = CompletableFuture
			.supplyAsync(() -> this.instance.getBean(InngestRuns.class).cancel(runId));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (waitingForLocks() == 0) {
			assertThat(System.nanoTime()).as("the cancellation waits for the run").isLessThan(deadline);
			assertThat(cancel).isNotDone();
			Thread.sleep(10);
		}
		return cancel;
	}

	private void assertCancelledWithNothingLeftWaiting(CompletableFuture<CancelResult> cancel) throws Exception {
		CancelResult result = cancel.get(10, TimeUnit.SECONDS);
		assertThat(result.cancelled()).isTrue();
		assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(this.probe.runs("awaits-reply", "CANCELLED")).isOne();
		assertThat(this.probe.count("SELECT COUNT(*) FROM inngest_wait")).as("waits left").isZero();
		assertThat(this.probe.count("SELECT COUNT(*) FROM inngest_step WHERE status = 'WAITING'"))
			.as("steps left waiting")
			.isZero();
	}

	private static void update(Connection connection, String sql, String runId) throws Exception {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, runId);
			statement.execute();
		}
	}

	private long waitingForLocks() {
		return this.probe.count(
				"SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
	}

}
