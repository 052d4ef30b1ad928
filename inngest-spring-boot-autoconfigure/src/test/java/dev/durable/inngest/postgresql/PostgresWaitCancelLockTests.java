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
 * A cancellation and an event that ends the run's wait, at the same moment, on
 * PostgreSQL: the event's transaction locks the wait, its step and then the run, and the
 * cancellation takes them in the same order, so that neither fails with a deadlock.
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
		this.instance.getBean(InngestClient.class).send(Event.of("cluster/ask", Map.of("k", "k1")));
		this.probe.awaitRuns("awaits-reply", "WAITING", 1, Duration.ofSeconds(30));
		String runId = this.probe.jdbc()
			.sql("SELECT id FROM inngest_run WHERE function_id = 'awaits-reply'")
			.query(String.class)
			.single();
		CompletableFuture<CancelResult> cancel;
		// This transaction stands for an event's: it holds the wait, as the event's
		// delete
		// of it does, while the cancellation starts, then takes the run.
		try (Connection event = DriverManager.getConnection(this.url); Statement statement = event.createStatement()) {
			event.setAutoCommit(false);
			statement.execute("SET deadlock_timeout = '50ms'");
			lock(event, "SELECT 1 FROM inngest_wait WHERE run_id = ? FOR UPDATE", runId);
			cancel = CompletableFuture.supplyAsync(() -> this.instance.getBean(InngestRuns.class).cancel(runId));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (waitingForLocks() == 0) {
				assertThat(System.nanoTime()).as("the cancellation waits for the wait").isLessThan(deadline);
				assertThat(cancel).isNotDone();
				Thread.sleep(10);
			}
			lock(event, "SELECT 1 FROM inngest_run WHERE id = ? FOR UPDATE", runId);
			event.commit();
		}
		CancelResult result = cancel.get(10, TimeUnit.SECONDS);
		assertThat(result.cancelled()).isTrue();
		assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(this.probe.runs("awaits-reply", "CANCELLED")).isOne();
		assertThat(this.probe.count("SELECT COUNT(*) FROM inngest_wait")).isZero();
	}

	private static void lock(Connection connection, String sql, String runId) throws Exception {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, runId);
			statement.executeQuery().close();
		}
	}

	private long waitingForLocks() {
		return this.probe.count(
				"SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
	}

}
