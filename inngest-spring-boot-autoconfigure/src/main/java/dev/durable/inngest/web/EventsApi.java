package dev.durable.inngest.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InvalidEventException;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Events in over HTTP, shaped like Inngest's event API: {@code POST {base}/e/{eventKey}} with
 * one event object or an array of them, each {@code {"name", "data"?, "user"?, "id"?, "ts"?,
 * "v"?}}. The answer is {@code {"ids": [...], "status": 200}}, the ids in input order; an
 * invalid event refuses the whole request with {@code {"ids": [], "status": 400, "error"}} and
 * nothing is stored.
 */
public final class EventsApi {

	private final InngestClient client;

	private final byte[] eventKey;

	/**
	 * Creates the API.
	 * @param client takes the events in
	 * @param eventKey the key that the path must carry
	 */
	public EventsApi(InngestClient client, String eventKey) {
		this.client = client;
		this.eventKey = eventKey.trim().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The route, under a base path.
	 * @param basePath the base path, such as {@code /inngest}
	 * @return the route
	 */
	public RouterFunction<ServerResponse> routes(String basePath) {
		return RouterFunctions.route()
			.POST(ApiResponses.normalize(basePath) + "/e/{eventKey}", this::send)
			.onError(ApiException.class, (ex, request) -> refused(((ApiException) ex).status(), ex.getMessage()))
			.build();
	}

	private ServerResponse send(ServerRequest request) throws Exception {
		byte[] key = request.pathVariable("eventKey").getBytes(StandardCharsets.UTF_8);
		if (!MessageDigest.isEqual(this.eventKey, key)) {
			throw new ApiException(HttpStatus.UNAUTHORIZED, "Unknown event key");
		}
		Object body = ApiResponses.json(request);
		List<?> items = (body instanceof List<?> list) ? list : List.of((body != null) ? body : "null");
		List<Event> events = new ArrayList<>(items.size());
		for (int i = 0; i < items.size(); i++) {
			events.add(event(i, items.get(i)));
		}
		if (events.isEmpty()) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "No events: send an event object or a non-empty array");
		}
		try {
			List<String> ids = this.client.send(events);
			return ServerResponse.ok().body(Map.of("ids", ids, "status", 200));
		}
		catch (InvalidEventException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
	}

	@SuppressWarnings("unchecked")
	private static Event event(int index, Object item) {
		if (!(item instanceof Map<?, ?> map)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "Event " + index + " is not a JSON object");
		}
		Map<String, Object> fields = (Map<String, Object>) map;
		Object name = fields.get("name");
		if (!(name instanceof String)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "Event " + index + " has no name; every event needs "
					+ "one, such as \"shop/order.placed\"");
		}
		Map<String, Object> data = object(index, fields, "data");
		Map<String, Object> user = object(index, fields, "user");
		Object id = fields.get("id");
		Object ts = fields.get("ts");
		Object version = fields.get("v");
		if (id != null && !(id instanceof String)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "Event " + index + ": id must be a string, but was " + id);
		}
		if (ts != null && !(ts instanceof Number)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"Event " + index + ": ts must be milliseconds since the epoch, but was " + ts);
		}
		if (version != null && !(version instanceof String)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "Event " + index + ": v must be a string, but was "
					+ version);
		}
		return new Event((String) name, data, user, (String) id, (ts != null) ? ((Number) ts).longValue() : 0,
				(String) version);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(int index, Map<String, Object> fields, String field) {
		Object value = fields.get(field);
		if (value == null) {
			return Map.of();
		}
		if (!(value instanceof Map)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"Event " + index + ": " + field + " must be a JSON object, but was " + value);
		}
		return (Map<String, Object>) value;
	}

	private static ServerResponse refused(HttpStatus status, String message) {
		return ServerResponse.status(status).body(Map.of("ids", List.of(), "status", status.value(), "error", message));
	}

}
