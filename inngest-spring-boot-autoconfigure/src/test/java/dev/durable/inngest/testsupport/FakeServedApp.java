package dev.durable.inngest.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An app that serves functions as an Inngest SDK does, scripted by the test, for an
 * application whose engine executes them: an HTTP server on a free port where each
 * function answers its n-th call as the test says, with the SDK's header and signed with
 * the executor's key, and that syncs its functions to the application's register API.
 */
public final class FakeServedApp implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final SigningKey key;

	private final HttpServer server;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final Map<String, IntFunction<Reply>> scripts = new ConcurrentHashMap<>();

	private final Map<String, Function> functions = new ConcurrentHashMap<>();

	private final Map<String, Deque<JsonNode>> calls = new ConcurrentHashMap<>();

	private final Deque<SyncRequest> syncs = new ConcurrentLinkedDeque<>();

	private volatile java.util.function.@Nullable Function<SyncRequest, Reply> syncScript;

	/**
	 * Starts an app that signs its answers with a key.
	 * @param key the executor's signing key
	 */
	public FakeServedApp(SigningKey key) {
		this.key = key;
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(this.threads);
		this.server.createContext("/api", this::handle);
		this.server.start();
	}

	/**
	 * Adds a function, to be synced by {@link #sync}.
	 * @param id its id
	 * @param event the event that triggers it
	 * @param retries its retries
	 * @param script how it answers its n-th call, counted from 0
	 * @return this app
	 */
	public FakeServedApp function(String id, String event, int retries, IntFunction<Reply> script) {
		this.functions.put(id, new Function(event, retries));
		this.scripts.put(id, script);
		return this;
	}

	/**
	 * Syncs the functions to an application, as an SDK does out of band.
	 * @param port the application's port
	 * @param appName the app's id
	 */
	public void sync(int port, String appName) {
		ObjectNode register = configuration("appName", appName);
		HttpApiClient.Answer answer = new HttpApiClient(port).call("POST", "/fn/register",
				"Bearer " + this.key.bearerToken(), register.toString());
		if (answer.status() != 200) {
			throw new IllegalStateException("The sync was refused: " + answer);
		}
	}

	/**
	 * The app's configuration as it answers an in-band sync, with its functions.
	 * @param appId the app's id
	 * @return the configuration
	 */
	public ObjectNode inBandConfiguration(String appId) {
		return configuration("app_id", appId).put("sdk_author", "fake").put("sdk_language", "java");
	}

	private ObjectNode configuration(String idField, String appId) {
		String url = url();
		ObjectNode configuration = JSON.createObjectNode().put(idField, appId).put("url", url);
		ArrayNode list = configuration.putArray("functions");
		this.functions.forEach((id, function) -> {
			ObjectNode node = list.addObject().put("id", id);
			node.putArray("triggers").addObject().put("event", function.event());
			ObjectNode step = node.putObject("steps").putObject("step");
			step.putObject("runtime").put("type", "http").put("url", url + "?fnId=" + id + "&stepId=step");
			step.putObject("retries").put("attempts", function.retries());
		});
		return configuration;
	}

	/**
	 * The app's serve URL.
	 * @return the URL
	 */
	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/api";
	}

	/**
	 * Scripts how the app answers a {@code PUT}, a sync, from its request. Its answer is
	 * signed with the key unless its headers carry an {@code X-Inngest-Signature} of
	 * their own, which an empty value leaves out.
	 * @param script the answer to a sync's request
	 * @return this app
	 */
	public FakeServedApp onSync(java.util.function.Function<SyncRequest, Reply> script) {
		this.syncScript = script;
		return this;
	}

	/**
	 * The sync requests the app got, in order.
	 * @return the requests
	 */
	public List<SyncRequest> syncs() {
		return new ArrayList<>(this.syncs);
	}

	/**
	 * The bodies of the calls a function got, in order.
	 * @param id the function's id
	 * @return the calls' bodies
	 */
	public List<JsonNode> calls(String id) {
		return new ArrayList<>(this.calls.getOrDefault(id, new ConcurrentLinkedDeque<>()));
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.threads.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] bytes = exchange.getRequestBody().readAllBytes();
		if (exchange.getRequestMethod().equals("PUT")) {
			SyncRequest request = new SyncRequest(exchange.getRequestHeaders().getFirst("X-Inngest-Sync-Kind"),
					exchange.getRequestHeaders().getFirst("X-Inngest-Signature"),
					new String(bytes, StandardCharsets.UTF_8));
			this.syncs.add(request);
			java.util.function.Function<SyncRequest, Reply> script = this.syncScript;
			answer(exchange, (script != null) ? script.apply(request) : new Reply(404, Map.of(), "{}"));
			return;
		}
		String id = exchange.getRequestURI().getRawQuery().replaceAll("^fnId=([^&]*).*$", "$1");
		Deque<JsonNode> received = this.calls.computeIfAbsent(id, (key) -> new ConcurrentLinkedDeque<>());
		received.add(JSON.readTree(bytes));
		answer(exchange, this.scripts.get(id).apply(received.size() - 1));
	}

	private void answer(HttpExchange exchange, Reply reply) throws IOException {
		byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.getResponseHeaders().add("X-Inngest-SDK", "fake:v1.0.0");
		if (!reply.headers().containsKey("X-Inngest-Signature")) {
			exchange.getResponseHeaders()
				.add("X-Inngest-Signature", this.key.signatureHeader(body, System.currentTimeMillis() / 1000));
		}
		reply.headers().forEach((name, value) -> {
			if (!value.isEmpty()) {
				exchange.getResponseHeaders().add(name, value);
			}
		});
		exchange.sendResponseHeaders(reply.status(), body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

	private record Function(String event, int retries) {

	}

	/**
	 * A sync's request.
	 *
	 * @param kind its {@code X-Inngest-Sync-Kind} header
	 * @param signature its {@code X-Inngest-Signature} header
	 * @param body its body
	 */
	public record SyncRequest(@Nullable String kind, @Nullable String signature, String body) {

	}

	/**
	 * An answer of the app.
	 *
	 * @param status its HTTP status
	 * @param headers its headers besides the SDK's and the signature
	 * @param body its body
	 */
	public record Reply(int status, Map<String, String> headers, String body) {

		/**
		 * Ops of a function that goes on, such as the step it executed.
		 * @param ops the ops as JSON
		 * @return the answer
		 */
		public static Reply ops(String ops) {
			return new Reply(206, Map.of(), ops);
		}

		/**
		 * A step the app executed, as the JavaScript SDK reports it.
		 * @param id the step's id in the code, which the op carries hashed
		 * @param displayName the name the code gave it
		 * @param data its result as JSON
		 * @return the answer
		 */
		public static Reply stepRun(String id, String displayName, String data) {
			ObjectNode op = op("StepRun", id, displayName);
			op.set("data", JSON.readTree(data));
			return new Reply(206, Map.of(), JSON.createArrayNode().add(op).toString());
		}

		/**
		 * A step's error, to be retried, as the JavaScript SDK reports it.
		 * @param id the step's id in the code, which the op carries hashed
		 * @param displayName the name the code gave it
		 * @param message the error's message
		 * @return the answer
		 */
		public static Reply stepError(String id, String displayName, String message) {
			ObjectNode op = op("StepError", id, displayName);
			op.putObject("error").put("name", "Error").put("message", message);
			return new Reply(206, Map.of("X-Inngest-No-Retry", "false"), JSON.createArrayNode().add(op).toString());
		}

		private static ObjectNode op(String op, String id, String displayName) {
			return JSON.createObjectNode()
				.put("op", op)
				.put("id", StepIds.hash(id))
				.put("name", id)
				.put("displayName", displayName);
		}

		/**
		 * The function's return value.
		 * @param json the value as JSON
		 * @return the answer
		 */
		public static Reply done(String json) {
			return new Reply(200, Map.of(), json);
		}

	}

}
