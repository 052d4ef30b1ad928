package dev.durable.inngest.postgresql;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.testsupport.TestDatabases;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL restarts while events come in and runs execute: the engine reconnects, every
 * accepted event starts its run and every run finishes.
 */
class DatabaseRestartTests {

	private static final int EVENTS = 400;

	private final AtomicInteger sentSoFar = new AtomicInteger();

	@Test
	void theEngineRecoversFromADatabaseRestartMidLoadAndLosesNothing() throws Exception {
		Path data = Files.createTempDirectory("inngest-pg-restart");
		int port = freePort();
		EmbeddedPostgres server = TestDatabases.startPostgres(data, port);
		String url = TestDatabases.newPostgresDatabase(server);
		AtomicInteger refused = new AtomicInteger();
		try (ClusterProbe probe = new ClusterProbe(url)) {
			probe.createLogTable();
		}
		try (ConfigurableApplicationContext app = ClusterApp.start(url, "app", "inngest.local.lease.duration=2s",
				"spring.datasource.hikari.connection-timeout=1000")) {
			InngestClient client = app.getBean(InngestClient.class);
			Thread sender = new Thread(() -> sendAll(client, refused));
			sender.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> this.sentSoFar.get() >= EVENTS / 4);

			TestDatabases.close(server);
			Thread.sleep(2000);
			server = TestDatabases.startPostgres(data, port);

			sender.join(Duration.ofSeconds(120).toMillis());
			assertThat(this.sentSoFar.get()).isEqualTo(EVENTS);
			assertThat(refused.get()).as("sends refused while the database was down").isPositive();
			try (ClusterProbe probe = new ClusterProbe(url)) {
				probe.awaitRuns("three-steps", "COMPLETED", EVENTS, ClusterFunctions.timeout());
				assertThat(probe.count("SELECT COUNT(*) FROM inngest_event WHERE name = 'cluster/job'"))
					.isEqualTo(EVENTS);
				assertThat(probe.count("SELECT COUNT(*) FROM inngest_run")).isEqualTo(EVENTS);
				assertThat(probe.completedSteps()).doesNotHaveDuplicates().hasSize(EVENTS * 3);
				assertThat(probe.count("SELECT COUNT(DISTINCT run_id || step) FROM test_step_log"))
					.isEqualTo(EVENTS * 3L);
			}
		}
		finally {
			TestDatabases.close(server);
			FileSystemUtils.deleteRecursively(data);
		}
	}

	/** Sends each event until it is accepted; its id makes a repeated send harmless. */
	private void sendAll(InngestClient client, AtomicInteger refused) {
		for (int i = 0; i < EVENTS; i++) {
			Event event = Event.of("cluster/job", Map.of("n", i, "pauseMillis", 5)).withId("restart-" + i);
			while (true) {
				try {
					client.send(List.of(event));
					break;
				}
				catch (RuntimeException ex) {
					refused.incrementAndGet();
					pause(200);
				}
			}
			this.sentSoFar.incrementAndGet();
			pause(15);
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
