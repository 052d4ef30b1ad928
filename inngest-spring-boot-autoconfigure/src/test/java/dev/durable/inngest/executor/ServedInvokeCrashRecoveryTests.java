package dev.durable.inngest.executor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import dev.durable.inngest.testsupport.DyingThreads;
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
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A served run waiting on a run it invoked, whose instance dies while the app executes
 * the invoked run: the caller's wait is stored, so the next instance on the same database
 * executes the invoked run again once its lease expires, and its end resumes the caller
 * there, once. The instance dies as its context closes: from then on its run store writes
 * nothing, as a killed process writes nothing.
 */
class ServedInvokeCrashRecoveryTests {

	private static final String KEY = "signkey-test-0123456789abcdef0123456789abcdef";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CALL = StepIds.hash("call");

	/** Whether the first instance is dead: its run store writes nothing. */
	static volatile boolean dead;

	private final CountDownLatch inCallee = new CountDownLatch(1);

	private final CountDownLatch releaseAbandoned = new CountDownLatch(1);

	/** The memoized steps of each call the caller got, in order. */
	private final List<JsonNode> callerCalls = new CopyOnWriteArrayList<>();

	/** The events of each call the invoked function got, in order. */
	private final List<JsonNode> calleeCalls = new CopyOnWriteArrayList<>();

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
	void anInvokedRunResumesItsCallerOnTheNextInstance() throws Exception {
		assumeFalse(TestDatabases.memory(), "two instances share a database, not a store in memory");
		startApp();
		String url = TestDatabases.newUrl("served-invoke-crash");
		String eventId;
		try (ConfigurableApplicationContext first = start(url)) {
			int port = ((WebServerApplicationContext) first).getWebServer().getPort();
			String base = "http://127.0.0.1:" + this.app.getAddress().getPort() + "/api";
			String register = "{\"appName\": \"invoking\", \"url\": \"" + base + "\", \"functions\": ["
					+ function("invoking-caller", "invoking/go", base) + ","
					+ function("invoking-callee", "invoking/never", base) + "]}";
			HttpApiClient.Answer synced = new HttpApiClient(port).call("POST", "/fn/register",
					"Bearer " + SigningKey.of(KEY).bearerToken(), register);
			assertThat(synced.status()).as(synced.toString()).isEqualTo(200);
			eventId = first.getBean(InngestClient.class).send(Event.of("invoking/go")).get(0);
			assertThat(this.inCallee.await(20, TimeUnit.SECONDS)).as("the app executes the invoked run").isTrue();
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
			assertThat(run.output()).isEqualTo("{\"answer\":42}");
			assertThat(jdbc.sql("SELECT status FROM inngest_run WHERE function_id = 'invoking-callee'")
				.query(String.class)
				.list()).containsExactly("COMPLETED");
		}
		// The caller was called to invoke, and once more with the invoked run's output;
		// the invoked run, abandoned by the first instance, was executed again by the
		// second with the same event.
		assertThat(this.callerCalls).hasSize(2);
		assertThat(this.callerCalls.get(0).has(CALL)).isFalse();
		assertThat(this.callerCalls.get(1).path(CALL).toString()).isEqualTo("{\"data\":{\"answer\":42}}");
		assertThat(this.calleeCalls).hasSize(2);
		assertThat(this.calleeCalls.get(1)).isEqualTo(this.calleeCalls.get(0));
		assertThat(this.calleeCalls.get(0).get("name").asString()).isEqualTo("inngest/function.invoked");
	}

	private static String function(String id, String event, String base) {
		return "{\"id\": \"" + id + "\", \"triggers\": [{\"event\": \"" + event
				+ "\"}], \"steps\": {\"step\": {\"id\": "
				+ "\"step\", \"name\": \"step\", \"runtime\": {\"type\": \"http\", \"url\": \"" + base + "?fnId=" + id
				+ "&stepId=step\"}, \"retries\": {\"attempts\": 3}}}}";
	}

	private ConfigurableApplicationContext start(String url) {
		return TestApplications.run(new SpringApplicationBuilder(CrashApp.class), "spring.datasource.url=" + url,
				"server.port=0", "inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
				"inngest.executor.refresh-interval=200ms", "inngest.executor.call-timeout=60s",
				"inngest.local.lease.duration=2s", "inngest.local.shutdown-timeout=100ms",
				"inngest.local.poll-interval=100ms");
	}

	private void startApp() throws IOException {
		this.app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.app.setExecutor(Executors.newCachedThreadPool());
		this.app.createContext("/api", this::handle);
		this.app.start();
	}

	/**
	 * The app: the caller invokes the callee, then returns what the invoke gave; the
	 * callee's first call hangs until the test ends, as an app whose executor died under
	 * it, and any later call returns its answer.
	 */
	private void handle(HttpExchange exchange) throws IOException {
		String query = exchange.getRequestURI().getRawQuery();
		JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
		String body;
		int status;
		if (query.contains("fnId=invoking-caller")) {
			JsonNode steps = request.path("steps");
			this.callerCalls.add(steps);
			if (!steps.has(CALL)) {
				status = 206;
				body = "[{\"op\":\"InvokeFunction\",\"id\":\"" + CALL + "\",\"name\":\"call\",\"opts\":"
						+ "{\"function_id\":\"invoking-callee\",\"payload\":{\"data\":{\"n\":21}},\"timeout\":\"1m\"}}]";
			}
			else {
				status = 200;
				body = steps.get(CALL).get("data").toString();
			}
		}
		else {
			this.calleeCalls.add(request.path("event"));
			if (this.calleeCalls.size() == 1) {
				this.inCallee.countDown();
				DyingThreads.holdUntil(this.releaseAbandoned);
				status = 200;
				body = "{\"answer\":0}";
			}
			else {
				status = 200;
				body = "{\"answer\":" + (request.path("event").path("data").path("n").asInt() * 2) + "}";
			}
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
