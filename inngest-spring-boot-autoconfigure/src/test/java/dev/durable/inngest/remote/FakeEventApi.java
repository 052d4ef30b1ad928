package dev.durable.inngest.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the platform's Event API on a real port: it records every request,
 * answers from a script (the last answer repeats), and, like the platform, takes an event
 * id once, counting how often each id was taken.
 */
final class FakeEventApi implements AutoCloseable {

	private final HttpServer server;

	private final ConcurrentLinkedDeque<Received> received = new ConcurrentLinkedDeque<>();

	private final List<Answer> answers = new ArrayList<>();

	private final Map<String, AtomicInteger> taken = new ConcurrentHashMap<>();

	private final AtomicInteger platformIds = new AtomicInteger();

	record Received(String path, Headers headers, JsonNode body) {

		List<String> eventIds() {
			List<String> ids = new ArrayList<>();
			this.body.forEach((event) -> ids.add(event.path("id").asString()));
			return ids;
		}

	}

	record Answer(int status, String body, Map<String, String> headers) {

		static Answer ok() {
			return new Answer(200, "", Map.of());
		}

		static Answer status(int status, String body) {
			return new Answer(status, body, Map.of());
		}

	}

	FakeEventApi() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", (exchange) -> {
			JsonNode body = JsonMapper.shared().readTree(exchange.getRequestBody().readAllBytes());
			Received request = new Received(exchange.getRequestURI().getRawPath(), exchange.getRequestHeaders(), body);
			this.received.add(request);
			Answer answer = next();
			String text = answer.body();
			if (answer.status() == 200 && text.isEmpty()) {
				text = take(request);
			}
			answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(answer.status(), (bytes.length > 0) ? bytes.length : -1);
			if (bytes.length > 0) {
				exchange.getResponseBody().write(bytes);
			}
			exchange.close();
		});
		this.server.start();
	}

	private synchronized Answer next() {
		if (this.answers.isEmpty()) {
			return Answer.ok();
		}
		return (this.answers.size() > 1) ? this.answers.remove(0) : this.answers.get(0);
	}

	private String take(Received request) {
		List<String> ids = new ArrayList<>();
		for (String id : request.eventIds()) {
			this.taken.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			ids.add("01PLATFORM" + this.platformIds.incrementAndGet());
		}
		return JsonMapper.shared().writeValueAsString(Map.of("ids", ids, "status", 200));
	}

	synchronized void answer(Answer... answers) {
		this.answers.clear();
		this.answers.addAll(List.of(answers));
	}

	String origin() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	List<Received> received() {
		return List.copyOf(this.received);
	}

	/**
	 * How many accepted requests carried each event id.
	 * @return the counts by event id
	 */
	Map<String, Integer> taken() {
		Map<String, Integer> counts = new java.util.TreeMap<>();
		this.taken.forEach((id, count) -> counts.put(id, count.get()));
		return counts;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
