package dev.durable.inngest.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.CancelResult;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.NoMatchingRunsException;
import dev.durable.inngest.RunStats;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunView;
import dev.durable.inngest.remote.QueryStrings;
import dev.durable.inngest.remote.SigningKeys;

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
 * Runs, bulk cancellations and replays over HTTP, shaped like Inngest's REST API:
 * <ul>
 * <li>{@code GET {base}/v1/runs/{runId}}: one run;</li>
 * <li>{@code DELETE {base}/v1/runs/{runId}}: cancels it (409 if it has ended);</li>
 * <li>{@code GET {base}/v1/events/{eventId}/runs}: the runs an event started, and their
 * reruns;</li>
 * <li>{@code POST {base}/v1/cancellations}: starts a bulk cancellation;</li>
 * <li>{@code GET {base}/v1/cancellations?limit=&cursor=}: lists them, newest first;</li>
 * <li>{@code DELETE {base}/v1/cancellations/{id}}: stops one;</li>
 * <li>{@code GET {base}/v1/runs/{runId}/timeline}: the run on a time axis;</li>
 * <li>{@code GET {base}/v1/stats?function_id=&window=hour|day|week}: the runs started,
 * ended and failed attempts by time bucket, and latency percentiles, over the last hour,
 * day or week;</li>
 * <li>{@code POST {base}/v1/runs/{runId}/rerun}: runs an ended run again (409 if it has
 * not ended);</li>
 * <li>{@code POST {base}/v1/replays}: starts a bulk replay, or with {@code "preview":
 * true} counts the runs it would replay;</li>
 * <li>{@code GET {base}/v1/replays?limit=&cursor=}: lists them, newest first;</li>
 * <li>{@code GET {base}/v1/replays/{id}}: one bulk replay;</li>
 * <li>{@code DELETE {base}/v1/replays/{id}}: stops one.</li>
 * </ul>
 * Every call needs {@code Authorization: Bearer <signing key>}. Answers are
 * {@code {"data": …, "metadata": …}}; refusals are {@code {"error": "…", "status": N}}.
 */
public final class RunsApi {

	private static final Set<String> CANCELLATION_FIELDS = Set.of("app_id", "function_id", "started_after",
			"started_before", "if", "name");

	private static final Set<String> REPLAY_FIELDS = Set.of("app_id", "function_id", "started_after", "started_before",
			"if", "name", "statuses", "preview");

	private final InngestRuns runs;

	private final String appId;

	private final SigningKeys keys;

	private final Clock clock;

	private final RequestBodies bodies;

	/**
	 * Creates the API.
	 * @param runs the runs
	 * @param appId the application's id, which a bulk cancellation's {@code app_id} must
	 * name
	 * @param signingKey the signing key
	 * @param signingKeyFallback a second key accepted as well, or {@code null}
	 * @param clock the clock
	 * @param mapper reads the request bodies
	 */
	public RunsApi(InngestRuns runs, String appId, String signingKey, @Nullable String signingKeyFallback, Clock clock,
			JsonMapper mapper) {
		this.runs = runs;
		this.appId = appId;
		this.keys = new SigningKeys(signingKey, signingKeyFallback);
		this.clock = clock;
		this.bodies = new RequestBodies(mapper);
	}

	/**
	 * The routes, under a base path.
	 * @param basePath the base path, such as {@code /inngest}
	 * @return the routes
	 */
	public RouterFunction<ServerResponse> routes(String basePath) {
		String base = ApiResponses.normalize(basePath) + "/v1";
		return ApiResponses.withHead(RouterFunctions.route()
			.path(base, (builder) -> builder.GET("/runs/{runId}", this::getRun)
				.GET("/events/{eventId}/runs", this::runsOfEvent)
				.DELETE("/runs/{runId}", this::cancelRun)
				.POST("/cancellations", this::startCancellation)
				.GET("/cancellations", this::listCancellations)
				.GET("/cancellations/{id}", this::getCancellation)
				.DELETE("/cancellations/{id}", this::stopCancellation)
				.POST("/runs/{runId}/rerun", this::rerun)
				.GET("/runs/{runId}/timeline", this::timeline)
				.GET("/stats", this::stats)
				.POST("/replays", this::startReplay)
				.GET("/replays", this::listReplays)
				.GET("/replays/{id}", this::getReplay)
				.DELETE("/replays/{id}", this::stopReplay)
				.route(RequestPredicates.path("/runs/{runId}/rerun"),
						ApiResponses.methodNotAllowed(base + "/runs/{runId}/rerun", HttpMethod.POST))
				.route(RequestPredicates.path("/runs/{runId}/timeline"),
						ApiResponses.methodNotAllowed(base + "/runs/{runId}/timeline", HttpMethod.GET))
				.route(RequestPredicates.path("/replays"),
						ApiResponses.methodNotAllowed(base + "/replays", HttpMethod.GET, HttpMethod.POST))
				.route(RequestPredicates.path("/replays/{id}"),
						ApiResponses.methodNotAllowed(base + "/replays/{id}", HttpMethod.GET, HttpMethod.DELETE))
				.route(RequestPredicates.path("/events/{eventId}/runs"),
						ApiResponses.methodNotAllowed(base + "/events/{eventId}/runs", HttpMethod.GET))
				.route(RequestPredicates.path("/runs/{runId}"),
						ApiResponses.methodNotAllowed(base + "/runs/{runId}", HttpMethod.GET, HttpMethod.DELETE))
				.route(RequestPredicates.path("/cancellations"),
						ApiResponses.methodNotAllowed(base + "/cancellations", HttpMethod.GET, HttpMethod.POST))
				.route(RequestPredicates.path("/cancellations/{id}"),
						ApiResponses.methodNotAllowed(base + "/cancellations/{id}", HttpMethod.GET, HttpMethod.DELETE))
				.route(RequestPredicates.path("/stats"), ApiResponses.methodNotAllowed(base + "/stats", HttpMethod.GET))
				.route(RequestPredicates.all(), (request) -> {
					throw new ApiException(HttpStatus.NOT_FOUND,
							"No such route: " + ApiResponses.abbreviate(request.path())
									+ "; the routes are v1/runs/{runId}[/rerun|/timeline], v1/events/{eventId}/runs, "
									+ "v1/cancellations[/{id}], v1/replays[/{id}] and v1/stats");
				})
				.filter((request, next) -> {
					if (!this.keys.authorizes(request.headers().firstHeader("Authorization"))) {
						return ApiResponses.error(HttpStatus.UNAUTHORIZED,
								"Missing or wrong signing key: send 'Authorization: Bearer <signing key>'");
					}
					return next.handle(request);
				})
				.filter((request, next) -> {
					String unreadable = QueryStrings.unreadable(request);
					return (unreadable != null) ? ApiResponses.error(HttpStatus.BAD_REQUEST, unreadable)
							: next.handle(request);
				})
				// A method the application's InngestRuns does not offer.
				.onError(UnsupportedOperationException.class,
						(ex, request) -> ApiResponses.error(HttpStatus.NOT_IMPLEMENTED, ex.getMessage()))
				.onError(Exception.class, (ex, request) -> ApiResponses.error(ex)))
			.build());
	}

	/**
	 * Refuses a query parameter the route does not take, which would otherwise be ignored
	 * and answer for more than was asked, such as the stats of every function for a
	 * mistyped filter.
	 */
	private static void onlyParams(ServerRequest request, String... taken) {
		List<String> known = List.of(taken);
		for (String name : request.params().keySet()) {
			if (!known.contains(name)) {
				throw new ApiException(HttpStatus.BAD_REQUEST,
						"Unknown query parameter '" + ApiResponses.abbreviate(name) + "'; " + request.path() + " takes "
								+ String.join(", ", known));
			}
		}
	}

	private ServerResponse getRun(ServerRequest request) {
		RunView run = find(request.pathVariable("runId"));
		return ApiResponses.data(run(run), this.clock);
	}

	/**
	 * The runs an event started, and their reruns: none, rather than {@code 404}, for an
	 * event that is not stored, as Inngest answers.
	 */
	private ServerResponse runsOfEvent(ServerRequest request) {
		List<RunView> runs = this.runs.runsOf(request.pathVariable("eventId"));
		return ApiResponses.data(runs.stream().map(RunsApi::run).toList(), this.clock);
	}

	private ServerResponse cancelRun(ServerRequest request) {
		String runId = request.pathVariable("runId");
		CancelResult result;
		try {
			result = this.runs.cancel(runId);
		}
		catch (NoSuchElementException ex) {
			throw notFound(runId);
		}
		if (!result.cancelled()) {
			throw new ApiException(HttpStatus.CONFLICT,
					"Run " + runId + " has already ended (" + status(result.status()) + "); nothing was changed");
		}
		return ApiResponses.data(run(find(runId)), this.clock);
	}

	private RunView find(String runId) {
		return this.runs.find(runId).orElseThrow(() -> notFound(runId));
	}

	private static ApiException notFound(String runId) {
		return new ApiException(HttpStatus.NOT_FOUND, "No run with id '" + ApiResponses.abbreviate(runId) + "'");
	}

	private ServerResponse startCancellation(ServerRequest request) throws Exception {
		Map<String, @Nullable Object> body = this.bodies.jsonObject(request);
		for (String field : body.keySet()) {
			if (!CANCELLATION_FIELDS.contains(field)) {
				throw new ApiException(HttpStatus.BAD_REQUEST, "Unknown field '" + ApiResponses.abbreviate(field)
						+ "'; the fields are " + "app_id, function_id, started_after, started_before, if and name");
			}
		}
		String appId = text(body, "app_id", true);
		if (!this.appId.equals(appId)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"app_id is '" + ApiResponses.abbreviate(appId) + "', but this application is '" + this.appId + "'");
		}
		Instant now = this.clock.instant();
		Instant startedBefore = time(body, "started_before", true);
		if (startedBefore.isAfter(now)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"started_before (" + startedBefore + ") is in the future; it must not be after " + now);
		}
		Instant startedAfter = time(body, "started_after", false);
		BulkCancelRequest cancel = new BulkCancelRequest(text(body, "name", false), text(body, "function_id", true),
				(startedAfter != null) ? startedAfter : Instant.EPOCH, startedBefore, text(body, "if", false));
		try {
			return ApiResponses.data(cancellation(this.runs.cancelAll(cancel)), this.clock);
		}
		catch (NoMatchingRunsException ex) {
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
		}
	}

	private ServerResponse listCancellations(ServerRequest request) {
		onlyParams(request, "limit", "cursor");
		int limit = limit(request);
		List<BulkCancellation> page = this.runs.cancellations(limit, request.param("cursor").orElse(null));
		String cursor = nextCursor(page, limit, BulkCancellation::id, (last) -> this.runs.cancellations(1, last));
		Map<String, @Nullable Object> metadata = ApiResponses.metadata(this.clock);
		metadata.put("cursor", cursor);
		return ServerResponse.ok()
			.body(Map.of("data", page.stream().map(RunsApi::cancellation).toList(), "metadata", metadata));
	}

	/**
	 * Where the next page starts: after a full page's last item, if anything comes after
	 * it, so that the last page says it is the last rather than lead to an empty one.
	 */
	private static <T> @Nullable String nextCursor(List<T> page, int limit, Function<T, String> id,
			Function<String, List<?>> after) {
		if (page.size() < limit) {
			return null;
		}
		String last = id.apply(page.get(page.size() - 1));
		return after.apply(last).isEmpty() ? null : last;
	}

	private ServerResponse getCancellation(ServerRequest request) {
		String id = request.pathVariable("id");
		return ApiResponses
			.data(cancellation(this.runs.findCancellation(id).orElseThrow(() -> cancellationNotFound(id))), this.clock);
	}

	private ServerResponse stopCancellation(ServerRequest request) {
		String id = request.pathVariable("id");
		try {
			return ApiResponses.data(cancellation(this.runs.stopCancellation(id)), this.clock);
		}
		catch (NoSuchElementException ex) {
			throw cancellationNotFound(id);
		}
	}

	private static ApiException cancellationNotFound(String id) {
		return new ApiException(HttpStatus.NOT_FOUND,
				"No bulk cancellation with id '" + ApiResponses.abbreviate(id) + "'");
	}

	private ServerResponse rerun(ServerRequest request) {
		String runId = request.pathVariable("runId");
		try {
			return ApiResponses.data(run(this.runs.rerun(runId)), this.clock);
		}
		catch (NoSuchElementException ex) {
			throw notFound(runId);
		}
		catch (IllegalStateException ex) {
			throw new ApiException(HttpStatus.CONFLICT, ex.getMessage());
		}
	}

	private ServerResponse timeline(ServerRequest request) {
		String runId = request.pathVariable("runId");
		RunTimeline timeline = this.runs.timeline(runId).orElseThrow(() -> notFound(runId));
		Map<String, @Nullable Object> data = run(timeline.run());
		data.put("event", timeline.run().event());
		data.put("spans", timeline.spans().stream().map(RunsApi::span).toList());
		return ApiResponses.data(data, this.clock);
	}

	private ServerResponse stats(ServerRequest request) {
		onlyParams(request, "function_id", "window");
		String window = request.param("window").orElse("hour");
		Duration length = switch (window) {
			case "hour" -> Duration.ofHours(1);
			case "day" -> Duration.ofDays(1);
			case "week" -> Duration.ofDays(7);
			default -> throw new ApiException(HttpStatus.BAD_REQUEST,
					"window is '" + ApiResponses.abbreviate(window) + "'; it must be hour, day or week");
		};
		Instant now = this.clock.instant();
		RunStats stats = this.runs.stats(request.param("function_id").filter((id) -> !id.isBlank()).orElse(null),
				now.minus(length), now);
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("function_id", stats.functionId());
		data.put("from", ApiResponses.time(stats.from()));
		data.put("to", ApiResponses.time(stats.to()));
		data.put("bucket_seconds", stats.bucket().toSeconds());
		data.put("buckets", stats.buckets().stream().map((bucket) -> {
			Map<String, @Nullable Object> row = new LinkedHashMap<>();
			row.put("start", ApiResponses.time(bucket.start()));
			row.put("started", bucket.started());
			row.put("completed", bucket.completed());
			row.put("failed", bucket.failed());
			row.put("cancelled", bucket.cancelled());
			row.put("failed_attempts", bucket.failedAttempts());
			row.put("end_to_end_ms", latency(bucket.endToEnd()));
			row.put("queue_ms", latency(bucket.queue()));
			return row;
		}).toList());
		data.put("end_to_end_ms", latency(stats.endToEnd()));
		data.put("queue_ms", latency(stats.queue()));
		return ApiResponses.data(data, this.clock);
	}

	private static Map<String, @Nullable Object> latency(RunStats.Latency latency) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("count", latency.count());
		data.put("p50", latency.p50());
		data.put("p90", latency.p90());
		data.put("p99", latency.p99());
		return data;
	}

	private static Map<String, @Nullable Object> span(RunTimeline.Span span) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("type", span.type());
		data.put("label", span.label());
		data.put("step_key", span.stepKey());
		data.put("status", span.status());
		data.put("start", ApiResponses.time(span.start()));
		data.put("end", ApiResponses.time(span.end()));
		data.put("attempt", span.attempt());
		data.put("error", (span.error() != null)
				? Map.of("name", span.error().name(), "message", String.valueOf(span.error().message())) : null);
		data.put("note", span.note());
		data.put("run_id", span.runId());
		return data;
	}

	private ServerResponse startReplay(ServerRequest request) throws Exception {
		Map<String, @Nullable Object> body = this.bodies.jsonObject(request);
		for (String field : body.keySet()) {
			if (!REPLAY_FIELDS.contains(field)) {
				throw new ApiException(HttpStatus.BAD_REQUEST,
						"Unknown field '" + ApiResponses.abbreviate(field) + "'; the fields are "
								+ "app_id, function_id, started_after, started_before, if, name, statuses and preview");
			}
		}
		String appId = text(body, "app_id", true);
		if (!this.appId.equals(appId)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"app_id is '" + ApiResponses.abbreviate(appId) + "', but this application is '" + this.appId + "'");
		}
		Instant startedAfter = time(body, "started_after", false);
		BulkReplayRequest replay = new BulkReplayRequest(text(body, "name", false), text(body, "function_id", true),
				(startedAfter != null) ? startedAfter : Instant.EPOCH, time(body, "started_before", true),
				text(body, "if", false), statuses(body.get("statuses")));
		Object preview = body.get("preview");
		if (preview != null && !(preview instanceof Boolean)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"preview must be true or false, but was " + ApiResponses.abbreviate(preview));
		}
		try {
			if (Boolean.TRUE.equals(preview)) {
				MatchCount count = this.runs.previewReplayAll(replay);
				Map<String, @Nullable Object> data = new LinkedHashMap<>();
				data.put("function_id", replay.functionId());
				data.put("matching", count.matching());
				data.put("complete", count.complete());
				return ApiResponses.data(data, this.clock);
			}
			return ApiResponses.data(replay(this.runs.replayAll(replay)), this.clock);
		}
		catch (NoMatchingRunsException ex) {
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
		}
	}

	private static Set<RunStatus> statuses(@Nullable Object value) {
		if (value == null) {
			return Set.of(RunStatus.FAILED);
		}
		if (!(value instanceof List<?> list) || list.isEmpty()) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "statuses must be a list of \"Failed\" and \"Cancelled\", "
					+ "but was " + ApiResponses.abbreviate(value));
		}
		Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
		for (Object item : list) {
			if ("Failed".equals(item)) {
				statuses.add(RunStatus.FAILED);
			}
			else if ("Cancelled".equals(item)) {
				statuses.add(RunStatus.CANCELLED);
			}
			else {
				throw new ApiException(HttpStatus.BAD_REQUEST, "statuses holds " + ApiResponses.abbreviate(item)
						+ "; a bulk replay replays \"Failed\" or \"Cancelled\" runs");
			}
		}
		return statuses;
	}

	private ServerResponse listReplays(ServerRequest request) {
		onlyParams(request, "limit", "cursor");
		int limit = limit(request);
		List<BulkReplay> page = this.runs.replays(limit, request.param("cursor").orElse(null));
		String cursor = nextCursor(page, limit, BulkReplay::id, (last) -> this.runs.replays(1, last));
		Map<String, @Nullable Object> metadata = ApiResponses.metadata(this.clock);
		metadata.put("cursor", cursor);
		return ServerResponse.ok()
			.body(Map.of("data", page.stream().map(RunsApi::replay).toList(), "metadata", metadata));
	}

	private ServerResponse getReplay(ServerRequest request) {
		String id = request.pathVariable("id");
		try {
			return ApiResponses.data(replay(this.runs.findReplay(id).orElseThrow()), this.clock);
		}
		catch (NoSuchElementException ex) {
			throw replayNotFound(id);
		}
	}

	private ServerResponse stopReplay(ServerRequest request) {
		String id = request.pathVariable("id");
		try {
			return ApiResponses.data(replay(this.runs.stopReplay(id)), this.clock);
		}
		catch (NoSuchElementException ex) {
			throw replayNotFound(id);
		}
	}

	private static ApiException replayNotFound(String id) {
		return new ApiException(HttpStatus.NOT_FOUND, "No bulk replay with id '" + ApiResponses.abbreviate(id) + "'");
	}

	private static int limit(ServerRequest request) {
		String limitParam = request.param("limit").orElse("20");
		int limit;
		try {
			limit = Integer.parseInt(limitParam);
		}
		catch (NumberFormatException ex) {
			limit = 0;
		}
		if (limit < 1 || limit > 100) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					"limit is '" + ApiResponses.abbreviate(limitParam) + "'; it must be 1 to 100");
		}
		return limit;
	}

	private static Map<String, @Nullable Object> replay(BulkReplay replay) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("id", replay.id());
		data.put("name", replay.name());
		data.put("function_id", replay.functionId());
		data.put("started_after", ApiResponses.time(replay.startedAfter()));
		data.put("started_before", ApiResponses.time(replay.startedBefore()));
		data.put("if", replay.condition());
		data.put("statuses", replay.statuses().stream().sorted().map(RunsApi::status).toList());
		data.put("state", replay.state().name());
		data.put("matched", replay.matched());
		data.put("replayed", replay.replayed());
		data.put("created_at", ApiResponses.time(replay.createdAt()));
		data.put("updated_at", ApiResponses.time(replay.updatedAt()));
		return data;
	}

	private static @Nullable String text(Map<String, @Nullable Object> body, String field, boolean required) {
		Object value = body.get(field);
		if (value == null || (value instanceof String text && text.isBlank())) {
			if (required) {
				throw new ApiException(HttpStatus.BAD_REQUEST, field + " is required");
			}
			return null;
		}
		if (!(value instanceof String text)) {
			throw new ApiException(HttpStatus.BAD_REQUEST,
					field + " must be a string, but was " + ApiResponses.abbreviate(value));
		}
		return text;
	}

	private static @Nullable Instant time(Map<String, @Nullable Object> body, String field, boolean required) {
		String value = text(body, field, required);
		if (value == null) {
			return null;
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, field + " is '" + ApiResponses.abbreviate(value)
					+ "', which is not an RFC 3339 time such as 2026-11-24T10:00:00Z");
		}
	}

	private static Map<String, @Nullable Object> run(RunView run) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("run_id", run.id());
		data.put("function_id", run.functionId());
		data.put("status", status(run.status()));
		data.put("run_started_at", ApiResponses.time(run.createdAt()));
		data.put("ended_at", ApiResponses.time(run.endedAt()));
		data.put("output", run.output());
		data.put("event_id", run.event().id());
		data.put("error", (run.error() != null)
				? Map.of("name", run.error().name(), "message", String.valueOf(run.error().message())) : null);
		data.put("cancelled_by", (run.cancellation() != null) ? run.cancellation().by() : null);
		data.put("rerun_of", run.rerunOf());
		data.put("reruns", run.reruns());
		return data;
	}

	private static String status(RunStatus status) {
		return switch (status) {
			case COMPLETED -> "Completed";
			case FAILED -> "Failed";
			case CANCELLED -> "Cancelled";
			default -> "Running";
		};
	}

	private static Map<String, @Nullable Object> cancellation(BulkCancellation cancellation) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("id", cancellation.id());
		data.put("name", cancellation.name());
		data.put("environment_id", null);
		data.put("function_id", cancellation.functionId());
		data.put("started_after", ApiResponses.time(cancellation.startedAfter()));
		data.put("started_before", ApiResponses.time(cancellation.startedBefore()));
		data.put("if", cancellation.condition());
		data.put("state", cancellation.state().name());
		data.put("matched", cancellation.matched());
		data.put("cancelled", cancellation.cancelled());
		data.put("created_at", ApiResponses.time(cancellation.createdAt()));
		data.put("updated_at", ApiResponses.time(cancellation.updatedAt()));
		return data;
	}

}
