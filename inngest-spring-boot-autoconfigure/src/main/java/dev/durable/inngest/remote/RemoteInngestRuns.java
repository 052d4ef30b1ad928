package dev.durable.inngest.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.CancelResult;
import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStats;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunView;
import dev.durable.inngest.remote.PlatformApi.Answer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * Finds and cancels runs on the Inngest platform through its REST API ({@code /v1/runs},
 * {@code /v1/cancellations}), authorized with the signing key (and the fallback key while
 * keys rotate).
 * <p>
 * The REST API offers less than the local engine: it lists no runs but those an event
 * started ({@link #runsOf(String)}), does not count the runs a bulk cancellation would
 * cancel, reads no bulk cancellation by id, and reports neither a run's attempt nor who
 * cancelled it, nor a bulk cancellation's name or progress. {@link #list(RunQuery)},
 * {@link #previewCancelAll} and {@link #findCancellation(String)} throw
 * {@link UnsupportedOperationException} saying what to use instead; the other values are
 * left {@code null} or {@code 0}. The REST API has no call to rerun a run or replay runs
 * in bulk either: {@link #rerun}, {@link #replayAll} and the other replay methods throw
 * {@link UnsupportedOperationException} pointing at the Inngest dashboard, where runs are
 * rerun and replayed.
 * <p>
 * It reads the REST API as Inngest Cloud, the dev server and a self-hosted server answer
 * it: a run's function, which the platform names by its own UUID, is given by the id it
 * was synced with (see {@link PlatformFunctionIds}), and a bulk cancellation refused for
 * an unknown function ({@code 404}) is sent again with the composite id, by which the dev
 * server and a self-hosted server know functions.
 */
public final class RemoteInngestRuns implements InngestRuns {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final PlatformApi api;

	private final String appId;

	private final PlatformFunctionIds functionIds;

	private final Clock clock;

	/**
	 * Creates the runs of an application on the platform.
	 * @param restClient the client it calls the REST API with
	 * @param apiOrigin the platform's API origin, such as {@code https://api.inngest.com}
	 * @param signingKey the signing key, or {@code null} for a dev server started without
	 * one
	 * @param fallbackKey the key tried after the signing key is refused, or {@code null}
	 * @param env the branch environment, or {@code null}
	 * @param appId the application's id, which prefixes its function ids on the platform
	 * @param clock the clock
	 */
	public RemoteInngestRuns(RestClient restClient, String apiOrigin, @Nullable SigningKey signingKey,
			@Nullable SigningKey fallbackKey, @Nullable String env, String appId, Clock clock) {
		this.api = new PlatformApi(restClient, apiOrigin, signingKey, fallbackKey, env);
		this.appId = appId;
		this.functionIds = new PlatformFunctionIds(this.api, appId);
		this.clock = clock;
	}

	@Override
	public Optional<RunView> find(String runId) {
		Answer answer = this.api.exchange(HttpMethod.GET, runUri(runId), null);
		if (answer.ok()) {
			return Optional.of(run(answer.data()));
		}
		if (isNotFound(answer)) {
			return Optional.empty();
		}
		throw answer.failure();
	}

	/**
	 * The runs an event started, from {@code GET /v1/events/{eventId}/runs}.
	 * @param eventId the id the Event API answered for the event
	 * @return the runs
	 */
	@Override
	public List<RunView> runsOf(String eventId) {
		URI uri = this.api.uri("/v1/events/{eventId}/runs").buildAndExpand(eventId).encode().toUri();
		Answer answer = this.api.exchange(HttpMethod.GET, uri, null);
		if (!answer.ok()) {
			throw answer.failure();
		}
		List<RunView> runs = new ArrayList<>();
		answer.data().forEach((run) -> runs.add(run(run)));
		return runs;
	}

	/**
	 * Not offered by the platform's REST API, which lists only the runs of one event.
	 * @throws UnsupportedOperationException always
	 */
	@Override
	public RunPage list(RunQuery query) {
		throw new UnsupportedOperationException("The Inngest REST API lists no runs by function, state or time: "
				+ "use find(runId), RemoteInngestRuns.runsOf(eventId) for the runs an event started, or the "
				+ "Inngest dashboard");
	}

	@Override
	public CancelResult cancel(String runId) {
		RunView run = find(runId)
			.orElseThrow(() -> new NoSuchElementException("No run '" + runId + "' on the Inngest platform"));
		if (run.status().isFinal()) {
			return new CancelResult(runId, false, run.status());
		}
		Answer answer = this.api.exchange(HttpMethod.DELETE, runUri(runId), null);
		if (answer.ok()) {
			return new CancelResult(runId, true, RunStatus.CANCELLED);
		}
		if (answer.status() == 404) {
			throw new NoSuchElementException("No run '" + runId + "' on the Inngest platform");
		}
		throw answer.failure();
	}

	/**
	 * Not offered by the platform's REST API, which cancels without counting first.
	 * @throws UnsupportedOperationException always
	 */
	@Override
	public MatchCount previewCancelAll(BulkCancelRequest request) {
		throw new UnsupportedOperationException("The Inngest REST API does not count the runs a bulk cancellation "
				+ "would cancel: call cancelAll(request) directly, or look the runs up in the Inngest dashboard");
	}

	@Override
	public BulkCancellation cancelAll(BulkCancelRequest request) {
		if (!StringUtils.hasText(request.functionId())) {
			throw new IllegalArgumentException("A bulk cancellation needs a functionId");
		}
		if (request.startedBefore() == null) {
			throw new IllegalArgumentException("A bulk cancellation needs startedBefore");
		}
		if (request.startedBefore().isAfter(this.clock.instant())) {
			throw new IllegalArgumentException("startedBefore is " + request.startedBefore() + ", in the future; the "
					+ "Inngest REST API cancels only runs that started before a time that has passed");
		}
		Answer answer = postCancellation(request, request.functionId());
		if (answer.status() == 404) {
			// Inngest Cloud takes the function's own id; the dev server and a self-hosted
			// server look the function up by the composite id it was synced with.
			answer = postCancellation(request, FunctionConfigs.compositeId(this.appId, request.functionId()));
			if (answer.status() == 404) {
				throw new IllegalArgumentException("The Inngest REST API knows no function '" + request.functionId()
						+ "' of the app '" + this.appId + "' to cancel runs of (404): " + answer.error());
			}
		}
		if (answer.status() == 400) {
			throw new IllegalArgumentException("The Inngest REST API refused the bulk cancellation: " + answer.error());
		}
		if (!answer.ok()) {
			throw answer.failure();
		}
		return cancellation(answer.data(), request.name(), BulkCancellation.State.RUNNING);
	}

	private Answer postCancellation(BulkCancelRequest request, String functionId) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("app_id", this.appId);
		body.put("function_id", functionId);
		body.put("started_before", request.startedBefore().toString());
		if (request.startedAfter() != null) {
			body.put("started_after", request.startedAfter().toString());
		}
		if (StringUtils.hasText(request.condition())) {
			body.put("if", request.condition());
		}
		return this.api.exchange(HttpMethod.POST, this.api.uri("/v1/cancellations").build().toUri(), body);
	}

	@Override
	public List<BulkCancellation> cancellations(int limit, @Nullable String cursor) {
		RunQuery.checkLimit(limit);
		var uri = this.api.uri("/v1/cancellations").queryParam("limit", limit);
		if (StringUtils.hasText(cursor)) {
			uri.queryParam("cursor", cursor);
		}
		Answer answer = this.api.exchange(HttpMethod.GET, uri.encode().build().toUri(), null);
		if (!answer.ok()) {
			throw answer.failure();
		}
		List<BulkCancellation> cancellations = new ArrayList<>();
		answer.data().forEach((data) -> cancellations.add(cancellation(data, null, BulkCancellation.State.RUNNING)));
		return cancellations;
	}

	/**
	 * Not offered by the platform's REST API, which reads bulk cancellations only as a
	 * list.
	 * @throws UnsupportedOperationException always
	 */
	@Override
	public Optional<BulkCancellation> findCancellation(String id) {
		throw new UnsupportedOperationException(
				"The Inngest REST API reads no bulk cancellation by id: use " + "cancellations(limit, cursor)");
	}

	@Override
	public RunView rerun(String runId) {
		throw replayUnsupported("rerun run " + runId);
	}

	@Override
	public MatchCount previewReplayAll(BulkReplayRequest request) {
		throw replayUnsupported("count the runs a bulk replay would replay");
	}

	@Override
	public BulkReplay replayAll(BulkReplayRequest request) {
		throw replayUnsupported("replay runs in bulk");
	}

	@Override
	public List<BulkReplay> replays(int limit, @Nullable String cursor) {
		throw replayUnsupported("list bulk replays");
	}

	@Override
	public Optional<BulkReplay> findReplay(String id) {
		throw replayUnsupported("read a bulk replay");
	}

	@Override
	public BulkReplay stopReplay(String id) {
		throw replayUnsupported("stop a bulk replay");
	}

	@Override
	public Optional<RunTimeline> timeline(String runId) {
		throw new UnsupportedOperationException("In remote mode, a run's steps are kept by the Inngest platform, "
				+ "whose REST API does not list them; see the run's timeline in the Inngest dashboard instead");
	}

	@Override
	public RunStats stats(@Nullable String functionId, Instant from, Instant to) {
		throw new UnsupportedOperationException("In remote mode, runs are kept by the Inngest platform, whose REST "
				+ "API does not count them; see the function's metrics in the Inngest dashboard instead");
	}

	private static UnsupportedOperationException replayUnsupported(String what) {
		return new UnsupportedOperationException("In remote mode, runs are run by the Inngest platform, whose REST "
				+ "API offers no call to " + what + "; rerun and replay runs from the Inngest dashboard instead");
	}

	@Override
	public BulkCancellation stopCancellation(String id) {
		URI uri = this.api.uri("/v1/cancellations/{id}").buildAndExpand(id).encode().toUri();
		Answer answer = this.api.exchange(HttpMethod.DELETE, uri, null);
		if (answer.status() == 404) {
			throw new NoSuchElementException("No bulk cancellation '" + id + "' on the Inngest platform");
		}
		if (!answer.ok()) {
			throw answer.failure();
		}
		JsonNode data = answer.data();
		return data.isObject() && data.hasNonNull("id") ? cancellation(data, null, BulkCancellation.State.STOPPED)
				: new BulkCancellation(id, null, null, null, null, null, BulkCancellation.State.STOPPED, 0, 0, null,
						this.clock.instant());
	}

	private URI runUri(String runId) {
		return this.api.uri("/v1/runs/{runId}").buildAndExpand(runId).encode().toUri();
	}

	private static boolean isNotFound(Answer answer) {
		// The platform answers a malformed run id with 400, and some unknown ones with
		// 500: the dev server and a self-hosted server answer every unknown run with a
		// 500 saying it could not be loaded.
		if (answer.status() == 404 || answer.status() == 400) {
			return true;
		}
		String error = answer.error().toLowerCase(Locale.ROOT);
		return answer.status() == 500 && (error.contains("not found") || error.contains("unable to load function run"));
	}

	private RunView run(JsonNode data) {
		RunStatus status = status(data.path("status").asString(""));
		Object output = data.hasNonNull("output") ? JSON.treeToValue(data.get("output"), Object.class) : null;
		ErrorInfo error = null;
		if (status == RunStatus.FAILED) {
			error = error(data.get("output"));
			output = null;
		}
		Instant startedAt = instant(data, "run_started_at");
		String eventId = data.hasNonNull("event_id") ? data.get("event_id").asString() : null;
		return new RunView(data.path("run_id").asString(), functionId(data.path("function_id").asString(null)), status,
				new Event(null, null, null, eventId, 0, null), 0, startedAt, startedAt, instant(data, "ended_at"),
				output, error, null);
	}

	/**
	 * The function id the application knows: without the app id's prefix, if it has one,
	 * and mapped from the platform's own id (a UUID, as a run names its function) to the
	 * id the function was synced with when the platform tells it.
	 */
	private @Nullable String functionId(@Nullable String id) {
		if (id == null) {
			return null;
		}
		String compositeId = this.functionIds.compositeId(id);
		String prefix = this.appId + "-";
		return compositeId.startsWith(prefix) ? compositeId.substring(prefix.length()) : compositeId;
	}

	private static RunStatus status(String status) {
		return switch (status.toLowerCase(Locale.ROOT)) {
			case "completed" -> RunStatus.COMPLETED;
			// Overflowed is an old name of a failure for too many steps.
			case "failed", "overflowed" -> RunStatus.FAILED;
			// A skipped run (a singleton's, a paused function's) ended without running.
			case "cancelled", "canceled", "skipped" -> RunStatus.CANCELLED;
			case "queued", "scheduled" -> RunStatus.QUEUED;
			default -> RunStatus.RUNNING;
		};
	}

	private static @Nullable ErrorInfo error(@Nullable JsonNode output) {
		if (output == null || output.isNull()) {
			return null;
		}
		if (output.isObject()) {
			JsonNode error = output.has("error") && output.get("error").isObject() ? output.get("error") : output;
			return new ErrorInfo(error.path("name").asString("Error"), error.path("message").asString(null),
					error.path("stack").asString(null));
		}
		return new ErrorInfo("Error", output.isString() ? output.asString() : output.toString(), null);
	}

	private BulkCancellation cancellation(JsonNode data, @Nullable String name, BulkCancellation.State state) {
		String functionId = data.hasNonNull("function_id") ? data.get("function_id").asString() : null;
		String condition = data.hasNonNull("if") ? data.get("if").asString() : null;
		Instant now = this.clock.instant();
		return new BulkCancellation(data.path("id").asString(), name, functionId(functionId),
				instant(data, "started_after"), instant(data, "started_before"), condition, state, 0, 0, now, now);
	}

	private static @Nullable Instant instant(JsonNode data, String field) {
		if (!data.hasNonNull(field)) {
			return null;
		}
		try {
			return OffsetDateTime.parse(data.get(field).asString()).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
