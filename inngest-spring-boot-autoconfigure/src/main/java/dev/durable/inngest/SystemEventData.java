package dev.durable.inngest;

import java.util.LinkedHashMap;
import java.util.Map;

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

	static SystemEventData of(Event event) {
		Map<String, Object> data = event.data();
		Map<String, Object> original = map(data.get("event"));
		Map<String, Object> error = map(data.get("error"));
		Event originalEvent = new Event((String) original.get("name"), map(original.get("data")),
				map(original.get("user")), (String) original.get("id"),
				(original.get("ts") instanceof Number ts) ? ts.longValue() : 0, (String) original.get("v"));
		return new SystemEventData(originalEvent,
				new ErrorInfo((String) error.get("name"), (String) error.get("message"), (String) error.get("stack")),
				(String) data.get("function_id"), (String) data.get("run_id"));
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
	private static Map<String, Object> map(Object value) {
		return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

}
