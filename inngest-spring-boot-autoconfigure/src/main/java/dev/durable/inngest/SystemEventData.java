package dev.durable.inngest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The data of the system events {@code inngest/function.failed} and
 * {@code inngest/function.cancelled}, as Inngest shapes it: <pre class="code">
 * {"error": {"name": "...", "message": "...", "stack": "..."},
 *  "event": {"name": "app/order.placed", "data": {...}, "id": "...", "ts": 1700000000000},
 *  "function_id": "my-app-charge-order",
 *  "run_id": "01HN..."}
 * </pre>
 *
 * @param originalEvent the event that triggered the run
 * @param error the error
 * @param functionId the full id of the function: the app id, a dash and the function id
 * @param runId the run id
 */
record SystemEventData(Event originalEvent, ErrorInfo error, String functionId, String runId) {

	/** The name of an error that its event does not name, as Inngest names one. */
	private static final String UNNAMED_ERROR = "Error";

	/**
	 * Reads the data of a system event. An error without a name is named {@code Error},
	 * as Inngest names an error it cannot type.
	 * @param event the system event
	 * @return its data
	 * @throws NonRetriableException if the event lacks the function id, the run id or the
	 * original event's name, which every such system event carries: it was made neither
	 * by the engine nor by the platform, and a run that reads it would fail the same way
	 * at every attempt
	 */
	static SystemEventData of(Event event) {
		Map<String, Object> data = event.data();
		Map<String, Object> original = map(data.get("event"));
		Map<String, Object> error = map(data.get("error"));
		Event originalEvent = new Event(required(event, original, "event.name"), map(original.get("data")),
				map(original.get("user")), text(original.get("id")),
				(original.get("ts") instanceof Number ts) ? ts.longValue() : 0, text(original.get("v")));
		return new SystemEventData(originalEvent,
				new ErrorInfo(Objects.requireNonNullElse(text(error.get("name")), UNNAMED_ERROR),
						text(error.get("message")), text(error.get("stack"))),
				required(event, data, "function_id"), required(event, data, "run_id"));
	}

	private static String required(Event event, Map<String, Object> map, String field) {
		String value = text(map.get(field.substring(field.lastIndexOf('.') + 1)));
		if (value == null) {
			throw new NonRetriableException("The " + event.name() + " event "
					+ ((event.id() != null) ? "'" + event.id() + "' " : "") + "has no " + field
					+ " in its data, which every " + event.name() + " system event carries; it cannot be read as one");
		}
		return value;
	}

	private static @Nullable String text(@Nullable Object value) {
		return (value instanceof String text) ? text : null;
	}

	Map<String, Object> toData() {
		Map<String, Object> original = new LinkedHashMap<>();
		original.put("name", this.originalEvent.name());
		original.put("data", this.originalEvent.data());
		if (!this.originalEvent.user().isEmpty()) {
			original.put("user", this.originalEvent.user());
		}
		original.put("id", this.originalEvent.id());
		original.put("ts", this.originalEvent.ts());
		if (this.originalEvent.v() != null) {
			original.put("v", this.originalEvent.v());
		}
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("name", this.error.name());
		error.put("message", this.error.message());
		if (this.error.stack() != null) {
			error.put("stack", this.error.stack());
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("error", error);
		data.put("event", original);
		data.put("function_id", this.functionId);
		data.put("run_id", this.runId);
		return data;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(@Nullable Object value) {
		return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

}
