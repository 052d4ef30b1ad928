package dev.durable.inngest.executor;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.remote.SigningKeys;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The run payload API an Inngest SDK fetches a run's events and steps from when a call
 * was too large to carry them and came with {@code use_api}, as it fetches them from
 * Inngest: {@code GET /v0/runs/{runId}/batch} answers the events and {@code GET
 * /v0/runs/{runId}/actions} the memoized steps, exactly as a call carries them. The SDK
 * takes these paths from the origin of its base URL, as it does {@code /fn/register}, and
 * authorizes with the executor's signing key as it does there. Only the runs of functions
 * that apps serve are answered.
 */
public final class RunPayloadEndpoint {

	/** Where the SDKs fetch a run's events. */
	public static final String BATCH_PATH = "/v0/runs/{runId}/batch";

	/** Where the SDKs fetch a run's memoized steps. */
	public static final String ACTIONS_PATH = "/v0/runs/{runId}/actions";

	private final RunStore runs;

	private final StepStore steps;

	private final FunctionDiscoverer functions;

	private final SigningKeys tokens;

	private final JsonMapper mapper;

	private final CallPayload payload;

	/**
	 * Creates the endpoint.
	 * @param runs the runs
	 * @param steps their steps
	 * @param functions the registry the served functions are in
	 * @param tokens the bearer tokens made from the executor's signing key
	 * @param mapper writes JSON
	 */
	public RunPayloadEndpoint(RunStore runs, StepStore steps, FunctionDiscoverer functions, SigningKeys tokens,
			JsonMapper mapper) {
		this.runs = runs;
		this.steps = steps;
		this.functions = functions;
		this.tokens = tokens;
		this.mapper = mapper;
		this.payload = new CallPayload(mapper);
	}

	/**
	 * The routes.
	 * @return the routes
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(BATCH_PATH, this::batch).GET(ACTIONS_PATH, this::actions).build();
	}

	private ServerResponse batch(ServerRequest request) {
		return answer(request, (run) -> this.payload.events(this.payload.event(run.event())));
	}

	private ServerResponse actions(ServerRequest request) {
		// The steps as stored: a call is made only once the steps before it are.
		return answer(request,
				(run) -> this.payload.steps(CallPayload.ended(this.steps.findByRun(run.id())), new HashMap<>()));
	}

	private ServerResponse answer(ServerRequest request, Function<RunRecord, JsonNode> content) {
		if (!this.tokens.authorizes(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
			return error(HttpStatus.UNAUTHORIZED,
					"Unauthorized: send the executor's signing key as Authorization: Bearer <key>");
		}
		String runId = request.pathVariable("runId");
		Optional<RunRecord> run = this.runs.find(runId).filter(this::isServed);
		if (run.isEmpty()) {
			return error(HttpStatus.NOT_FOUND, "No run '" + runId + "' of a function that an app serves");
		}
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.mapper.writeValueAsBytes(content.apply(run.get())));
	}

	private boolean isServed(RunRecord run) {
		return this.functions.registry().find(run.functionId()).filter(FunctionDefinition::isServed).isPresent();
	}

	private static ServerResponse error(HttpStatus status, String error) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("status", status.value(), "error", error));
	}

}
