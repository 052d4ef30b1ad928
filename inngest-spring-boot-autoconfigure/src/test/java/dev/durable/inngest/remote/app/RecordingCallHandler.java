package dev.durable.inngest.remote.app;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.remote.CallHandler;
import dev.durable.inngest.remote.CallRequest;
import dev.durable.inngest.remote.CallResponse;
import dev.durable.inngest.remote.StepIds;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A call handler for tests of the serve endpoint: it records every call request it can
 * read (and refuses one it cannot, as the application's handler does) and plays one
 * scripted function, as the protocol's executor sees it: step {@code first step} (which
 * fails on its first attempt when the event's data has {@code "flaky": true}), then a
 * sleep {@code nap} of an hour, then it returns {@code {"first": <the step's output>,
 * "done": true}}; or, when the event's data has {@code "wait": true}, it waits for
 * {@code test/approved} and returns {@code {"approvedBy": <the approval's data.by>}}. An
 * event named {@code test/boom} makes it throw, one named {@code test/fatal} fail for
 * good.
 */
public class RecordingCallHandler implements CallHandler {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<CallRequest> requests = new CopyOnWriteArrayList<>();

	/**
	 * The call requests received.
	 * @return them, in order
	 */
	public List<CallRequest> requests() {
		return List.copyOf(this.requests);
	}

	/**
	 * Forgets the call requests received.
	 */
	public void clear() {
		this.requests.clear();
	}

	@Override
	public CallResponse call(CallRequest request) {
		JsonNode body;
		try {
			body = JSON.readTree(request.body());
		}
		catch (JacksonException ex) {
			// Refused as the application's handler refuses it, before any function code.
			return new CallResponse(400, Map.of("X-Inngest-No-Retry", "true"),
					"{\"error\":\"The call request's body is not JSON\",\"status\":400}");
		}
		this.requests.add(request);
		String eventName = body.path("event").path("name").asString();
		if ("test/boom".equals(eventName)) {
			throw new IllegalStateException("the handler broke on purpose");
		}
		if ("test/fatal".equals(eventName)) {
			return new CallResponse(400, Map.of("X-Inngest-No-Retry", "true"),
					"{\"name\":\"NonRetriableException\",\"message\":\"no way\"}");
		}
		JsonNode steps = body.path("steps");
		String first = StepIds.hash("first step");
		String nap = StepIds.hash("nap");
		if (!steps.has(first)) {
			if (body.path("event").path("data").path("flaky").asBoolean(false)
					&& body.path("ctx").path("attempt").asInt() == 0) {
				return ops(Map.of("X-Inngest-No-Retry", "false"),
						"[{\"id\":\"" + first + "\",\"op\":\"StepError\","
								+ "\"name\":\"first step\",\"displayName\":\"first step\",\"data\":null,"
								+ "\"error\":{\"name\":\"Error\",\"message\":\"flaky\"}}]");
			}
			return ops(Map.of(), "[{\"id\":\"" + first + "\",\"op\":\"StepRun\",\"name\":\"first step\","
					+ "\"displayName\":\"first step\",\"data\":\"one\"}]");
		}
		if (!steps.has(nap)) {
			return ops(Map.of(), "[{\"id\":\"" + nap + "\",\"op\":\"Sleep\",\"name\":\"nap\",\"displayName\":\"nap\","
					+ "\"opts\":{\"duration\":\"1h\"}}]");
		}
		String approval = StepIds.hash("approval");
		if (body.path("event").path("data").path("wait").asBoolean(false)) {
			if (!steps.has(approval)) {
				return ops(Map.of(), "[{\"id\":\"" + approval + "\",\"op\":\"WaitForEvent\",\"name\":\"approval\","
						+ "\"displayName\":\"approval\",\"opts\":{\"event\":\"test/approved\",\"timeout\":\"1d\"}}]");
			}
			// A wait that timed out is memoized as null.
			JsonNode by = steps.get(approval).path("data").path("by");
			return new CallResponse(200, Map.of(),
					"{\"approvedBy\":" + (by.isMissingNode() ? "null" : by.toString()) + "}");
		}
		return new CallResponse(200, Map.of(),
				"{\"done\":true,\"first\":" + steps.get(first).get("data").toString() + "}");
	}

	private static CallResponse ops(Map<String, String> headers, String body) {
		return new CallResponse(206, headers, body);
	}

}
