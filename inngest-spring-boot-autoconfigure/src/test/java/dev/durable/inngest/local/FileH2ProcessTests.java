package dev.durable.inngest.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application on a file H2 database, configured with nothing but its URL, in a process
 * of its own ({@link FileH2App}): what its runs become when the process is stopped or
 * killed.
 */
class FileH2ProcessTests {

	@TempDir
	Path directory;

	private Process process;

	@AfterEach
	void killTheProcess() {
		if (this.process != null) {
			this.process.destroyForcibly();
		}
	}

	@Test
	void sigtermWhileARunIsInAStepLetsTheRunCompleteBeforeTheDatabaseCloses() throws Exception {
		String url = "jdbc:h2:file:" + this.directory.resolve("app");
		Path log = start(url, "stop", "inngest.local.lease.duration=60s");
		await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("In step slow"));
		this.process.destroy(); // SIGTERM, as a container is stopped
		assertThat(this.process.waitFor(20, TimeUnit.SECONDS)).as("stopped, see " + log).isTrue();
		String output = Files.readString(log);
		assertThat(output).contains("In step after").doesNotContain("already closed").doesNotContain("ERROR");
		// After the restart: completed before the database closed, no lease left to
		// expire.
		try (Database database = new Database(url)) {
			assertThat(database.jdbc.sql("SELECT status FROM inngest_run").query(String.class).list())
				.containsExactly("COMPLETED");
			assertThat(database.jdbc.sql("SELECT COUNT(*) FROM shipment_log").query(Long.class).single())
				.isEqualTo(FileH2App.SLOW_STEP_WRITES);
		}
	}

	@Test
	void eventsAcknowledgedJustBeforeTheProcessIsKilledAreStoredWithTheirRuns() throws Exception {
		String url = "jdbc:h2:file:" + this.directory.resolve("app");
		Path log = start(url, "halt");
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("halted, see " + log).isTrue();
		assertThat(Files.readString(log)).contains("Sent");
		try (Database database = new Database(url)) {
			assertThat(database.jdbc.sql("SELECT COUNT(*) FROM inngest_event").query(Long.class).single())
				.isEqualTo(FileH2App.HALT_EVENTS);
			assertThat(database.jdbc.sql("SELECT COUNT(*) FROM inngest_run WHERE function_id = 'nap'")
				.query(Long.class)
				.single()).isEqualTo(FileH2App.HALT_EVENTS);
		}
	}

	private Path start(String url, String mode, String... properties) throws IOException {
		Path log = this.directory.resolve(mode + ".log");
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
						"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
						FileH2App.class.getName(), url, mode));
		command.addAll(List.of(properties));
		this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return log;
	}

	/**
	 * The database opened again after the process ended, as the next start opens it (with
	 * no user set, as the process did).
	 */
	private static final class Database implements AutoCloseable {

		private final SingleConnectionDataSource dataSource;

		final JdbcClient jdbc;

		Database(String url) {
			this.dataSource = new SingleConnectionDataSource(url, "", "", true);
			this.jdbc = JdbcClient.create(this.dataSource);
		}

		@Override
		public void close() {
			this.dataSource.destroy();
		}

	}

}
