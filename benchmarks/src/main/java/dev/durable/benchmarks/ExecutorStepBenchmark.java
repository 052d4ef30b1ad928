package dev.durable.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * X1, the executor's own time per step of a function that another app serves: the engine
 * (H2 in memory, or PostgreSQL as the tests start it, the executor enabled) runs
 * functions of an app that answers every call at once, as a function whose steps return
 * at once does, with the next step executed ({@code StepRun}) until the run's last, then
 * its return value. The app is a minimal stand-in for an SDK on the loopback interface,
 * so that what is measured is the executor's work between two calls of a run: storing the
 * step, building and signing the next call with the run's memoized steps, and the HTTP
 * exchange. Prints one JSON line with steps per second and the percentiles of that
 * turnaround.
 * <p>
 * {@code java -cp ... dev.durable.benchmarks.ExecutorStepBenchmark [steps per run] [runs] [warm-up runs] [h2|postgresql]}
 */
public final class ExecutorStepBenchmark {

	private static final String KEY = "signkey-bench-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private static final SigningKey SIGNING_KEY = SigningKey.of(KEY);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ExecutorStepBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int steps = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int runs = (args.length > 1) ? Integer.parseInt(args[1]) : 200;
		int warmUpRuns = (args.length > 2) ? Integer.parseInt(args[2]) : 100;
		String database = (args.length > 3) ? args[3] : "h2";
		if (!database.equals("h2") && !database.equals("postgresql")) {
			throw new IllegalArgumentException("Usage: ExecutorStepBenchmark [steps per run] [runs] [warm-up runs] "
					+ "[h2|postgresql]; not a database: " + database);
		}
		// PostgreSQL as the tests start it, on this machine, which returns from a commit
		// before it is on disk, as H2 in memory does.
		EmbeddedPostgres postgres = database.equals("postgresql") ? EmbeddedPostgres.builder().start() : null;
		String url = (postgres != null) ? postgres.getJdbcUrl("postgres", "postgres") : "jdbc:h2:mem:executor-bench";
		// The JDK's server writes a response's headers and body apart: without this,
		// Nagle's algorithm and the client's delayed acknowledgement add tens of
		// milliseconds to each call, which no SDK's server does.
		System.setProperty("sun.net.httpserver.nodelay", "true");
		App app = new App(steps);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ExecutorApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "inngest.executor.enabled=true",
					"inngest.executor.signing-key=" + KEY, "spring.datasource.url=" + url,
					"inngest.local.schema.initialize=always", "logging.level.dev.durable=WARN")
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			register(port, app.url());
			InngestClient inngest = context.getBean(InngestClient.class);
			app.measure(inngest, warmUpRuns);
			app.turnarounds.clear();
			long start = System.nanoTime();
			app.measure(inngest, runs);
			long total = System.nanoTime() - start;
			List<Long> nanos = new ArrayList<>();
			app.turnarounds.values().forEach(nanos::addAll);
			nanos.sort(null);
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("workload", "X1");
			result.put("database", database);
			result.put("stepsPerRun", steps);
			result.put("runs", runs);
			result.put("stepsPerSecond", Math.round((double) runs * steps / (total / 1e9)));
			result.put("turnaroundP50Ms", millis(nanos.get(nanos.size() / 2)));
			result.put("turnaroundP99Ms", millis(nanos.get((int) (nanos.size() * 0.99))));
			result.put("turnaroundMaxMs", millis(nanos.get(nanos.size() - 1)));
			result.put("java", Runtime.version().toString());
			System.out.println(JSON.writeValueAsString(result));
		}
		finally {
			app.stop();
			if (postgres != null) {
				postgres.close();
			}
		}
	}

	private static void register(int port, String url) throws Exception {
		Map<String, Object> step = Map.of("id", "step", "name", "step", "runtime",
				Map.of("type", "http", "url", url + "?fnId=bench-steps&stepId=step"));
		Map<String, Object> function = Map.of("id", "bench-steps", "name", "steps", "triggers",
				List.of(Map.of("event", "bench/steps")), "steps", Map.of("step", step));
		byte[] body = JSON.writeValueAsBytes(Map.of("appName", "bench", "url", url, "functions", List.of(function)));
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fn/register"))
				.header("Authorization", "Bearer " + SigningKey.of(KEY).bearerToken())
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("The sync failed: " + response.body());
		}
	}

	private static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

	/** The app: a function of as many steps as asked, each returning at once. */
	private static final class App {

		private final int steps;

		private final HttpServer server;

		private final ExecutorService threads = Executors.newFixedThreadPool(8);

		/** When each run's last answer was sent. */
		private final Map<String, Long> answered = new ConcurrentHashMap<>();

		/** For each run, the time from an answer to the next call. */
		final Map<String, List<Long>> turnarounds = new ConcurrentHashMap<>();

		private volatile CountDownLatch completed;

		App(int steps) throws IOException {
			this.steps = steps;
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			this.server.setExecutor(this.threads);
			this.server.createContext("/api", this::handle);
			this.server.start();
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/api";
		}

		void measure(InngestClient inngest, int runs) throws InterruptedException {
			this.completed = new CountDownLatch(runs);
			for (int i = 0; i < runs; i++) {
				inngest.send(Event.of("bench/steps", Map.of("n", i)));
			}
			if (!this.completed.await(10, TimeUnit.MINUTES)) {
				throw new IllegalStateException("The runs did not complete");
			}
		}

		private void handle(HttpExchange exchange) throws IOException {
			long now = System.nanoTime();
			JsonNode call = JSON.readTree(exchange.getRequestBody().readAllBytes());
			String runId = call.path("ctx").path("run_id").asString();
			Long previous = this.answered.get(runId);
			if (previous != null) {
				this.turnarounds.computeIfAbsent(runId, (id) -> new ArrayList<>()).add(now - previous);
			}
			int done = call.path("steps").size();
			String answer;
			int status;
			if (done < this.steps) {
				String id = (done == 0) ? "item" : "item:" + done;
				answer = "[{\"op\":\"StepRun\",\"id\":\"" + StepIds.hash(id) + "\",\"name\":\"item\",\"data\":" + done
						+ "}]";
				status = 206;
			}
			else {
				answer = Integer.toString(done);
				status = 200;
			}
			byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.getResponseHeaders().add("X-Inngest-SDK", "bench:v1.0.0");
			// The executor acts only on answers signed with the key, as an SDK signs
			// them.
			exchange.getResponseHeaders()
				.add("X-Inngest-Signature", SIGNING_KEY.signatureHeader(bytes, System.currentTimeMillis() / 1000));
			exchange.sendResponseHeaders(status, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
			if (status == 200) {
				this.answered.remove(runId);
				this.completed.countDown();
			}
			else {
				this.answered.put(runId, System.nanoTime());
			}
		}

		void stop() {
			this.server.stop(0);
			this.threads.shutdownNow();
		}

	}

	/** The engine with the executor, and no function of its own. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ExecutorApplication {

	}

}
