package dev.durable.inngest.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the Inngest platform's API on a local port: a real HTTP server that
 * records the syncs posted to {@code /fn/register} and answers them as scripted,
 * {@code 200 {"ok":true,"modified":true}} once the script is used up, and serves the
 * events and steps of the runs it holds, as the API does for call requests too large to
 * carry them.
 */
public final class FakePlatform implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final List<Register> registers = new CopyOnWriteArrayList<>();

	private final Deque<Reply> script = new ArrayDeque<>();

	private final Map<String, JsonNode[]> runs = new java.util.concurrent.ConcurrentHashMap<>();

	private final List<String> payloadRequests = new CopyOnWriteArrayList<>();

	private volatile String payloadAuthorization;

	private FakePlatform(HttpServer server) {
		this.server = server;
	}

	/**
	 * Starts a fake platform on a random local port.
	 * @return the platform
	 */
	public static FakePlatform start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
			FakePlatform platform = new FakePlatform(server);
			server.createContext("/fn/register", platform::register);
			server.createContext("/v0/runs/", platform::payloads);
			server.start();
			return platform;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The platform's origin.
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public String origin() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * Scripts the answers to the next syncs.
	 * @param replies the answers, in order
	 * @return this platform
	 */
	public synchronized FakePlatform thenAnswer(Reply... replies) {
		this.script.addAll(List.of(replies));
		return this;
	}

	/**
	 * The syncs received so far.
	 * @return the syncs, in order
	 */
	public List<Register> registers() {
		return List.copyOf(this.registers);
	}

	/**
	 * Holds a run's events and memoized steps, which {@code GET /v0/runs/{runId}/batch}
	 * and {@code /actions} answer, as for a call request too large to carry them.
	 * @param runId the run's id
	 * @param events the events, a JSON array
	 * @param steps the steps, a JSON object
	 */
	public void holdRun(String runId, JsonNode events, JsonNode steps) {
		this.runs.put(runId, new JsonNode[] { events, steps });
	}

	/**
	 * Answers requests for runs' events and steps with {@code 401} unless they carry this
	 * {@code Authorization} header, as the API does for a key it does not know.
	 * @param authorization the header the API accepts
	 * @return this platform
	 */
	public FakePlatform acceptPayloadRequestsOnlyWith(String authorization) {
		this.payloadAuthorization = authorization;
		return this;
	}

	/**
	 * The requests for runs' events and steps received so far.
	 * @return each as its path and its {@code Authorization} header, and its
	 * {@code X-Inngest-Env} header when it has one, in order
	 */
	public List<String> payloadRequests() {
		return List.copyOf(this.payloadRequests);
	}

	private void payloads(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		String env = exchange.getRequestHeaders().getFirst("X-Inngest-Env");
		this.payloadRequests.add(path + " " + authorization + ((env != null) ? " env=" + env : ""));
		String required = this.payloadAuthorization;
		if (required != null && !required.equals(authorization)) {
			byte[] body = "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(401, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
			return;
		}
		String[] segments = path.split("/");
		JsonNode[] run = (segments.length == 5) ? this.runs.get(segments[3]) : null;
		JsonNode answer = (run == null) ? null
				: "batch".equals(segments[4]) ? run[0] : "actions".equals(segments[4]) ? run[1] : null;
		byte[] body = (answer != null) ? JSON.writeValueAsBytes(answer)
				: "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders((answer != null) ? 200 : 404, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private void register(HttpExchange exchange) throws IOException {
		byte[] body = exchange.getRequestBody().readAllBytes();
		Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
		this.registers.add(new Register(exchange.getRequestMethod(), exchange.getRequestURI().getRawQuery(), headers,
				JSON.readTree(body)));
		Reply reply;
		synchronized (this) {
			reply = this.script.isEmpty() ? Reply.ok() : this.script.poll();
		}
		if (!reply.delay().isZero()) {
			try {
				Thread.sleep(reply.delay().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(reply.status(), (answer.length > 0) ? answer.length : -1);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(answer);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

	/**
	 * A sync received.
	 *
	 * @param method the HTTP method
	 * @param query the raw query string, or {@code null}
	 * @param headers the headers, by name in any case
	 * @param payload the register payload
	 */
	public record Register(String method, String query, Map<String, String> headers, JsonNode payload) {

	}

	/**
	 * An answer to a sync.
	 *
	 * @param status the status
	 * @param body the body
	 */
	public record Reply(int status, String body, java.time.Duration delay) {

		/**
		 * An answer given at once.
		 * @param status the status
		 * @param body the body
		 */
		public Reply(int status, String body) {
			this(status, body, java.time.Duration.ZERO);
		}

		/**
		 * The platform takes the sync, but only after a while.
		 * @param delay how long it takes
		 * @return the answer
		 */
		public static Reply slow(java.time.Duration delay) {
			return new Reply(200, "{\"ok\":true,\"modified\":false}", delay);
		}

		/**
		 * The platform took the sync.
		 * @return {@code 200 {"ok":true,"modified":true}}
		 */
		public static Reply ok() {
			return new Reply(200, "{\"ok\":true,\"modified\":true}");
		}

		/**
		 * The platform is in trouble.
		 * @return {@code 503} with a text body
		 */
		public static Reply unavailable() {
			return new Reply(503, "upstream connect error");
		}

	}

}
