package dev.durable.inngest.web;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventTooLargeException;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.engine.Ids;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Events in over HTTP, shaped like Inngest's event API: {@code POST {base}/e/{eventKey}}
 * with one event object or an array of them, each {@code {"name", "data"?, "user"?,
 * "id"?, "ts"?, "v"?}}. The answer is {@code {"ids": [...], "status": 200}}, the ids in
 * input order; an invalid event refuses the whole request with {@code {"ids": [],
 * "status": 400, "error"}} and nothing is stored; an event larger than the event size
 * with {@code 413}, a request with more events than allowed with {@code 400}.
 */
public final class EventsApi {

	/** The header in which Inngest's SDKs send the seed of a send's event ids. */
	static final String EVENT_ID_SEED = "X-Inngest-Event-Id-Seed";

	private final InngestClient client;

	private final byte[] eventKey;

	private final RequestBodies bodies;

	private final JsonMapper mapper;

	private final long eventSize;

	private final int eventsPerRequest;

	/**
	 * Creates the API.
	 * @param client takes the events in
	 * @param eventKey the key that the path must carry
	 * @param mapper reads the request bodies
	 * @param eventSize the most bytes an event may take as JSON
	 * @param eventsPerRequest the most events one request may carry
	 */
	public EventsApi(InngestClient client, String eventKey, JsonMapper mapper, long eventSize, int eventsPerRequest) {
		this.client = client;
		this.eventKey = eventKey.trim().getBytes(StandardCharsets.UTF_8);
		this.bodies = new RequestBodies(mapper);
		this.mapper = mapper;
		this.eventSize = eventSize;
		this.eventsPerRequest = eventsPerRequest;
	}

	/**
	 * The route, under a base path.
	 * @param basePath the base path, such as {@code /inngest}
	 * @return the route
	 */
	public RouterFunction<ServerResponse> routes(String basePath) {
		String path = ApiResponses.normalize(basePath) + "/e/{eventKey}";
		return RouterFunctions.route()
			.POST(path, this::send)
			.route(RequestPredicates.path(path), ApiResponses.methodNotAllowed(path, HttpMethod.POST))
			.onError(ApiException.class, (ex, request) -> refused((ApiException) ex))
			.build();
	}

	private ServerResponse send(ServerRequest request) throws Exception {
		byte[] key = request.pathVariable("eventKey").getBytes(StandardCharsets.UTF_8);
		if (!MessageDigest.isEqual(this.eventKey, key)) {
			throw new ApiException(HttpStatus.UNAUTHORIZED, "Unknown event key");
		}
		Object body = this.bodies.json(request);
		List<?> items = (body instanceof List<?> list) ? list : List.of((body != null) ? body : "null");
		if (items.size() > this.eventsPerRequest) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "The request carries " + items.size() + " events; the "
					+ "most allowed is " + this.eventsPerRequest + " (inngest.limits.events-per-request)");
		}
		// An SDK's send carries a seed for the ids of its events that have none, the same
		// on each retry of the send: the retry's events take the same ids, and start no
		// run
		// twice. A seed that is not one is ignored, as Inngest ignores it.
		String seed = request.headers().firstHeader(EVENT_ID_SEED);
		List<Event> events = new ArrayList<>(items.size());
		for (int i = 0; i < items.size(); i++) {
			Event event = event(i, items.get(i));
			String seeded = (event.id() == null && seed != null) ? Ids.seeded(seed, i) : null;
			events.add((seeded != null)
					? new Event(event.name(), event.data(), event.user(), seeded, event.ts(), event.v()) : event);
		}
		if (events.isEmpty()) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "No events: send an event object or a non-empty array");
		}
		try {
			List<String> ids = this.client.send(events);
			return ServerResponse.ok().body(Map.of("ids", ids, "status", 200));
		}
		catch (EventTooLargeException ex) {
			// Measured as stored, with the id and time it was given: past the limit as
			// well.
			throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, ex.getMessage());
		}
		catch (InvalidEventException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
	}

	@SuppressWarnings("unchecked")
	private Event event(int index, Object item) {
		if (!(item instanceof Map<?, ?> map)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "Event " + index + " is not a JSON object");
		}
		if (size(item) > this.eventSize) {
			throw new ApiException(HttpStatus.CONTENT_TOO_LARGE,
					"Event " + index + " takes more than " + this.eventSize + " bytes as JSON; the largest allowed is "
							+ this.eventSize + " bytes (inngest.limits.event-size)");
		}
		Map<String, Object> fields = (Map<String, Object>) map;
		Object name = fields.get("name");
		if (!(name instanceof String)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"Event " + index + " has no name; every event needs " + "one, such as \"shop/order.placed\"");
		}
		Map<String, Object> data = object(index, fields, "data");
		Map<String, Object> user = object(index, fields, "user");
		Object id = fields.get("id");
		Object version = fields.get("v");
		if (id != null && !(id instanceof String)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"Event " + index + ": id must be a string, but was " + ApiResponses.abbreviate(id));
		}
		if (version != null && !(version instanceof String)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"Event " + index + ": v must be a string, but was " + ApiResponses.abbreviate(version));
		}
		return new Event((String) name, data, user, (String) id, ts(index, fields.get("ts")), (String) version);
	}

	/**
	 * The timestamp: whole milliseconds since the epoch, checked against Inngest's range
	 * by the engine; {@code 0} or none for the time the event is received.
	 */
	private static long ts(int index, @Nullable Object ts) {
		if (ts == null) {
			return 0;
		}
		if (ts instanceof Integer || ts instanceof Long || ts instanceof Short || ts instanceof Byte) {
			return ((Number) ts).longValue();
		}
		if (ts instanceof Number number) {
			try {
				// 1.7356896E12 is whole; 1735689600000.5 and numbers beyond a long are
				// not.
				return new BigDecimal(number.toString()).longValueExact();
			}
			catch (ArithmeticException | NumberFormatException ex) {
				// Refused below.
			}
		}
		throw new ApiException(HttpStatus.BAD_REQUEST, "Event " + index + ": ts must be whole milliseconds since "
				+ "the epoch between 1980 and 2100, but was " + ApiResponses.abbreviate(ts));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(int index, Map<String, Object> fields, String field) {
		Object value = fields.get(field);
		if (value == null) {
			return Map.of();
		}
		if (!(value instanceof Map)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "Event " + index + ": " + field
					+ " must be a JSON object, but was " + ApiResponses.abbreviate(value));
		}
		return (Map<String, Object>) value;
	}

	private long size(Object item) {
		try {
			return this.mapper.writeValueAsBytes(item).length;
		}
		catch (RuntimeException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "An event could not be read as JSON");
		}
	}

	private static ServerResponse refused(ApiException ex) {
		return ServerResponse.status(ex.status())
			.headers((headers) -> ex.headers().forEach(headers::set))
			.body(Map.of("ids", List.of(), "status", ex.status().value(), "error", String.valueOf(ex.getMessage())));
	}

}
