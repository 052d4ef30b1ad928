package dev.durable.inngest.executor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.InterceptedStores;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import dev.durable.inngest.testsupport.DyingThreads;
import dev.durable.inngest.testsupport.FakeServedApp;
import dev.durable.inngest.testsupport.FakeServedApp.Reply;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.TestApplications;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * An instance that dies while an app executes a step of a served run: the next instance
 * on the same database resumes the run once its lease expires, calling the app with the
 * steps the dead one stored, so that the app does not execute them again. The instance
 * dies as its context closes: from then on its run store writes nothing, as a killed
 * process writes nothing.
 */
class ServedRunCrashRecoveryTests {

	private static final String KEY = "signkey-test-0123456789abcdef0123456789abcdef";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String FIRST = StepIds.hash("first");

	/** Whether the first instance is dead: its run store writes nothing. */
	static volatile boolean dead;

	private final CountDownLatch inSlowStep = new CountDownLatch(1);

	private final CountDownLatch releaseAbandoned = new CountDownLatch(1);

	/** The memoized steps of each call the app got, in order. */
	private final List<JsonNode> calls = new CopyOnWriteArrayList<>();

	private HttpServer app;

	@AfterEach
	void stop() {
		this.releaseAbandoned.countDown();
		dead = false;
		if (this.app != null) {
			this.app.stop(0);
		}
	}

	@Test
	void aServedRunResumesOnTheNextInstanceWithTheStepsTheDeadOneStored() throws Exception {
		assumeFalse(TestDatabases.memory(), "two instances share a database, not a store in memory");
		startApp();
		String url = TestDatabases.newUrl("served-crash");
		String eventId;
		try (ConfigurableApplicationContext first = start(url)) {
			int port = ((WebServerApplicationContext) first).getWebServer().getPort();
			String base = "http://127.0.0.1:" + this.app.getAddress().getPort() + "/api";
			String register = "{\"appName\": \"crashy\", \"url\": \"" + base + "\", \"functions\": [{\"id\": "
					+ "\"crashy-run\", \"triggers\": [{\"event\": \"crashy/go\"}], \"steps\": {\"step\": {\"id\": "
					+ "\"step\", \"name\": \"step\", \"runtime\": {\"type\": \"http\", \"url\": \"" + base
					+ "?fnId=crashy-run&stepId=step\"}, \"retries\": {\"attempts\": 3}}}}]}";
			HttpApiClient.Answer synced = new HttpApiClient(port).call("POST", "/fn/register",
					"Bearer " + SigningKey.of(KEY).bearerToken(), register);
			assertThat(synced.status()).as(synced.toString()).isEqualTo(200);
			eventId = first.getBean(InngestClient.class).send(Event.of("crashy/go")).get(0);
			assertThat(this.inSlowStep.await(20, TimeUnit.SECONDS)).as("the app is in its slow step").isTrue();
			dead = true;
		}
		dead = false;
		try (ConfigurableApplicationContext second = start(url)) {
			JdbcClient jdbc = JdbcClient.create(second.getBean(javax.sql.DataSource.class));
			String runId = jdbc.sql("SELECT id FROM inngest_run WHERE event_id = ?")
				.param(eventId)
				.query(String.class)
				.single();
			RunProbe probe = new RunProbe(jdbc, second.getBean(RunStore.class), second.getBean(StepStore.class));
			RunRecord run = probe.awaitEnded(runId, Duration.ofSeconds(30));
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.output()).isEqualTo("\"survived\"");
		}
		// The first step was executed once, by the first call; every later call carried
		// it.
		assertThat(this.calls).hasSize(3);
		assertThat(this.calls.get(0).has(FIRST)).isFalse();
		assertThat(this.calls.get(1).path(FIRST).toString()).isEqualTo("{\"data\":\"one\"}");
		assertThat(this.calls.get(2).path(FIRST).toString()).isEqualTo("{\"data\":\"one\"}");
	}

	@Test
	void theBodysFailuresSinceItsLastStepCountOnTheNextInstance() throws Exception {
		assumeFalse(TestDatabases.memory(), "two instances share a database, not a store in memory");
		Reply failure = new Reply(500, Map.of("X-Inngest-No-Retry", "false"),
				"{\"name\":\"Error\",\"message\":\"down\"}");
		try (FakeServedApp app = new FakeServedApp(SigningKey.of(KEY)).function("budget-run", "budget/go", 2,
				(n) -> (n == 1) ? Reply.stepRun("first", "First", "\"one\"") : failure)) {
			String url = TestDatabases.newUrl("served-budget");
			// The second failure of the discovery after the first step waits six seconds,
			// long enough for the first instance to die before that discovery's last try.
			String[] backoff = { "inngest.local.backoff.initial=300ms", "inngest.local.backoff.multiplier=20",
					"inngest.local.backoff.max=1m", "inngest.local.backoff.jitter=0" };
			String eventId;
			String runId;
			try (ConfigurableApplicationContext first = start(url, backoff)) {
				app.sync(((WebServerApplicationContext) first).getWebServer().getPort(), "budget");
				eventId = first.getBean(InngestClient.class).send(Event.of("budget/go")).get(0);
				RunProbe probe = new RunProbe(JdbcClient.create(first.getBean(javax.sql.DataSource.class)),
						first.getBean(RunStore.class), first.getBean(StepStore.class));
				runId = probe.awaitRunId(eventId, "budget-run");
				// Failed before the step, then twice after it: stored, and due again.
				await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
					RunRecord run = probe.run(runId);
					assertThat(run.attempt() == 3 && run.status() == RunStatus.QUEUED)
						.as("run at attempt %d, %s (error %s); its attempts %s; the app's calls, by attempt, %s",
								run.attempt(), run.status(), run.error(), probe.attempts(runId), callAttempts(app))
						.isTrue();
				});
				dead = true;
			}
			dead = false;
			assertThat(app.calls("budget-run")).hasSize(4);
			try (ConfigurableApplicationContext second = start(url, backoff)) {
				RunProbe probe = new RunProbe(JdbcClient.create(second.getBean(javax.sql.DataSource.class)),
						second.getBean(RunStore.class), second.getBean(StepStore.class));
				RunRecord run = probe.awaitEnded(runId, Duration.ofSeconds(30));
				assertThat(run.status()).isEqualTo(RunStatus.FAILED);
				assertThat(run.error().message()).isEqualTo("down");
				assertThat(probe.attempts(runId)).extracting(AttemptRecord::attempt).containsExactly(0, 1, 2, 3);
			}
			// The next instance went on with the discovery's last attempt, not a new one.
			assertThat(callAttempts(app)).containsExactly(0, 1, 0, 1, 2);
		}
	}

	/** The attempt each call of the app's function carried, in order. */
	private static List<Integer> callAttempts(FakeServedApp app) {
		return app.calls("budget-run").stream().map((call) -> call.path("ctx").path("attempt").asInt()).toList();
	}

	/**
	 * Starts an instance on the database, with more properties given.
	 */
	private ConfigurableApplicationContext start(String url, String... properties) {
		return TestApplications.run(new SpringApplicationBuilder(CrashApp.class),
				List.of("spring.datasource.url=" + url, "server.port=0", "inngest.executor.enabled=true",
						"inngest.executor.signing-key=" + KEY, "inngest.executor.refresh-interval=200ms",
						"inngest.executor.call-timeout=60s", "inngest.local.lease.duration=2s",
						"inngest.local.shutdown-timeout=100ms", "inngest.local.poll-interval=100ms"),
				properties);
	}

	/**
	 * The app: the first call executes the first step; the next hangs in the slow step
	 * until the test ends, as an app whose executor died under it; any later call
	 * completes the run.
	 */
	private void startApp() throws IOException {
		this.app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.app.setExecutor(Executors.newCachedThreadPool());
		this.app.createContext("/api", this::handle);
		this.app.start();
	}

	private void handle(HttpExchange exchange) throws IOException {
		JsonNode steps = JSON.readTree(exchange.getRequestBody().readAllBytes()).path("steps");
		this.calls.add(steps);
		String body;
		int status;
		if (!steps.has(FIRST)) {
			status = 206;
			body = "[{\"op\":\"StepRun\",\"id\":\"" + FIRST + "\",\"name\":\"first\",\"data\":\"one\"}]";
		}
		else if (this.calls.size() == 2) {
			this.inSlowStep.countDown();
			DyingThreads.holdUntil(this.releaseAbandoned);
			status = 200;
			body = "\"abandoned\"";
		}
		else {
			status = 200;
			body = "\"survived\"";
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.getResponseHeaders().add("X-Inngest-SDK", "fake:v1.0.0");
		exchange.getResponseHeaders()
			.add("X-Inngest-Signature", SigningKey.of(KEY).signatureHeader(bytes, System.currentTimeMillis() / 1000));
		try {
			exchange.sendResponseHeaders(status, bytes.length);
			exchange.getResponseBody().write(bytes);
		}
		catch (IOException ex) {
			// The instance that called is gone.
		}
		exchange.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CrashApp {

		@Bean
		static BeanPostProcessor deadProcessWritesNothing() {
			return InterceptedStores.deadWhile(() -> dead);
		}

	}

}
