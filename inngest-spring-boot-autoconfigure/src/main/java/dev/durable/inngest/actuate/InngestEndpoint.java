package dev.durable.inngest.actuate;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.NoMatchingRunsException;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.function.TimeStrings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.util.StringUtils;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code inngest} Actuator endpoint:
 * <ul>
 * <li>{@code GET /actuator/inngest}: the functions, their configuration and run counts by
 * state;</li>
 * <li>{@code GET /actuator/inngest/runs?function=&status=&from=&to=&limit=&cursor=}:
 * runs, newest first, a page at a time;</li>
 * <li>{@code GET /actuator/inngest/runs/{id}}: one run with its steps and failed
 * attempts;</li>
 * <li>{@code GET /actuator/inngest/cancellations}: bulk cancellations, newest first;</li>
 * <li>{@code DELETE /actuator/inngest/runs/{id}}: cancel a run;</li>
 * <li>{@code POST /actuator/inngest/cancellations} with {@code functionId},
 * {@code startedAfter}, {@code startedBefore}, optional {@code condition}, {@code name}
 * and {@code preview}: with {@code preview=true}, how many runs it would cancel;
 * otherwise, start the bulk cancellation;</li>
 * <li>{@code DELETE /actuator/inngest/cancellations/{id}}: stop a bulk cancellation.</li>
 * </ul>
 * The endpoint is read-only unless
 * {@code management.endpoint.inngest.access=unrestricted}: its write operations change
 * state, so they are off until enabled, and whoever can reach them should be
 * authenticated first. The values runs carry (event data and user, run and step outputs,
 * error stacks) are shown according to {@code management.endpoint.inngest.show-values},
 * hidden by default, as Spring Boot hides the values of its {@code env} endpoint. Input
 * an operation cannot use is refused with an {@link InvalidEndpointRequestException}
 * naming the problem; over HTTP, {@link InngestEndpointWebExtension} answers it with
 * {@code 400} and that message. A page of runs carries each run's event data and output
 * only when they are small ({@link RunsPage}); one run's detail carries all of it.
 */
@Endpoint(id = "inngest", defaultAccess = Access.READ_ONLY)
public class InngestEndpoint {

	private static final String RUNS = "runs";

	private static final String CANCELLATIONS = "cancellations";

	private static final String REPLAYS = "replays";

	private static final String STATS = "stats";

	private static final String RERUN = "rerun";

	private static final String TIMELINE = "timeline";

	private static final Instant EARLIEST = Instant.EPOCH;

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

	private final Supplier<FunctionRegistry> registry;

	private final RunStore runStore;

	private final StepStore stepStore;

	private final InngestRuns runs;

	private final Show showValues;

	private final Set<String> roles;

	private final Clock clock;

	/**
	 * Creates the endpoint, on the system's clock.
	 * @param registry the functions
	 * @param runStore the run store, for counts
	 * @param stepStore the step store, for a run's steps and attempts
	 * @param runs finds and cancels runs
	 * @param showValues when the values runs carry are shown
	 * @param roles the roles that see them with {@link Show#WHEN_AUTHORIZED}; any
	 * authenticated user if empty
	 */
	public InngestEndpoint(Supplier<FunctionRegistry> registry, RunStore runStore, StepStore stepStore,
			InngestRuns runs, Show showValues, Set<String> roles) {
		this(registry, runStore, stepStore, runs, showValues, roles, Clock.systemUTC());
	}

	/**
	 * Creates the endpoint.
	 * @param registry the functions
	 * @param runStore the run store, for counts
	 * @param stepStore the step store, for a run's steps and attempts
	 * @param runs finds and cancels runs
	 * @param showValues when the values runs carry are shown
	 * @param roles the roles that see them with {@link Show#WHEN_AUTHORIZED}; any
	 * authenticated user if empty
	 * @param clock the engine's clock, which the stats' last hour ends at
	 */
	public InngestEndpoint(Supplier<FunctionRegistry> registry, RunStore runStore, StepStore stepStore,
			InngestRuns runs, Show showValues, Set<String> roles, Clock clock) {
		this.registry = registry;
		this.runStore = runStore;
		this.stepStore = stepStore;
		this.runs = runs;
		this.showValues = showValues;
		this.roles = roles;
		this.clock = clock;
	}

	/**
	 * The access this endpoint has, as Actuator's properties set it.
	 * @param resolver Actuator's access resolver
	 * @return the access, read-only unless configured otherwise
	 */
	public static Access access(EndpointAccessResolver resolver) {
		return resolver.accessFor(EndpointId.of("inngest"), Access.READ_ONLY);
	}

	/**
	 * The functions with their configuration and run counts.
	 * @return the functions
	 */
	@ReadOperation
	public FunctionsDescriptor functions() {
		Map<String, Map<RunStatus, Long>> counts = this.runStore.countByFunction();
		FunctionRegistry registry = this.registry.get();
		List<UndeclaredFunctionDescriptor> undeclared = counts.entrySet()
			.stream()
			.filter((entry) -> registry.find(entry.getKey()).isEmpty())
			.map((entry) -> new UndeclaredFunctionDescriptor(entry.getKey(), entry.getValue()))
			.toList();
		return new FunctionsDescriptor(registry.all()
			.stream()
			.map((function) -> FunctionDescriptor.of(function, counts.getOrDefault(function.id(), Map.of())))
			.toList(), undeclared);
	}

	/**
	 * Runs, bulk cancellations or bulk replays, a page at a time; or the stats of a
	 * window of time for charts ({@code stats}, with {@code function}, {@code from} and
	 * {@code to}; the last hour by default).
	 * @param section {@code runs}, {@code cancellations}, {@code replays} or
	 * {@code stats}
	 * @param function only runs of this function
	 * @param status only runs in this state
	 * @param from only runs created at or after this time (RFC 3339)
	 * @param to only runs created before this time (RFC 3339)
	 * @param limit the page size, 1 to 100 (20 by default)
	 * @param cursor the next cursor of the page before
	 * @param condition only runs whose trigger event this CEL condition holds for (see
	 * {@link RunQuery#condition()}); only for those who are shown values, as it reads
	 * them
	 * @param securityContext who asks, for whether values are shown
	 * @return the page ({@link RunsPage} for runs), or {@code null} (404) for an unknown
	 * section
	 * @throws InvalidEndpointRequestException for input it cannot use, such as a limit
	 * out of range or a time that is not RFC 3339
	 */
	@ReadOperation
	public @Nullable Object list(@Selector String section, @Nullable String function, @Nullable RunStatus status,
			@Nullable String from, @Nullable String to, @Nullable Integer limit, @Nullable String cursor,
			@Nullable String condition, SecurityContext securityContext) {
		int size = (limit != null) ? limit : 20;
		if (size < 1 || size > RunQuery.MAX_LIMIT) {
			throw invalid("limit is " + size + "; it must be 1 to " + RunQuery.MAX_LIMIT);
		}
		if (StringUtils.hasText(condition) && !this.showValues.isShown(securityContext, this.roles)) {
			// A condition reads the values the caller is not shown, and would tell them
			// apart one question at a time.
			throw invalid("condition reads the runs' events, which are not shown to you "
					+ "(management.endpoint.inngest.show-values)");
		}
		try {
			return switch (section) {
				case RUNS -> shown(securityContext,
						RunsPage.of(this.runs.list(new RunQuery(function, status, instant("from", from),
								instant("to", to), size, cursor, StringUtils.hasText(condition) ? condition : null))));
				case CANCELLATIONS -> this.runs.cancellations(size, cursor);
				case REPLAYS -> this.runs.replays(size, cursor);
				case STATS -> stats(function, from, to);
				default -> null;
			};
		}
		catch (IllegalArgumentException ex) {
			throw invalid(ex.getMessage());
		}
	}

	/**
	 * One run with its steps and failed attempts, or one bulk cancellation.
	 * @param section {@code runs} or {@code cancellations}
	 * @param id the run or cancellation id
	 * @param securityContext who asks, for whether values are shown
	 * @return the run or the cancellation, or {@code null} (404) if there is none
	 */
	@ReadOperation
	public @Nullable Object detail(@Selector String section, @Selector String id, SecurityContext securityContext) {
		return switch (section) {
			case RUNS -> this.runs.find(id)
				.map((run) -> shown(securityContext,
						new RunDetail(run, this.stepStore.findByRun(id), this.stepStore.attempts(id))))
				.orElse(null);
			case CANCELLATIONS -> this.runs.findCancellation(id).orElse(null);
			case REPLAYS -> this.runs.findReplay(id).orElse(null);
			default -> null;
		};
	}

	/**
	 * A run on a time axis: {@code GET /actuator/inngest/runs/{id}/timeline}.
	 * @param section {@code runs}
	 * @param id the run id
	 * @param view {@code timeline}
	 * @param securityContext who asks, for whether values are shown
	 * @return the timeline, or {@code null} (404) if there is no such run
	 */
	@ReadOperation
	public @Nullable Object runView(@Selector String section, @Selector String id, @Selector String view,
			SecurityContext securityContext) {
		if (!RUNS.equals(section) || !TIMELINE.equals(view)) {
			return null;
		}
		return this.runs.timeline(id).map((timeline) -> shown(securityContext, timeline)).orElse(null);
	}

	/**
	 * Cancels a run, or stops a bulk cancellation.
	 * @param section {@code runs} or {@code cancellations}
	 * @param id the run or cancellation id
	 * @return what was done, or {@code null} (404) if there is no such run or
	 * cancellation
	 */
	@DeleteOperation
	public @Nullable Object cancel(@Selector String section, @Selector String id) {
		try {
			return switch (section) {
				case RUNS -> this.runs.cancel(id);
				case CANCELLATIONS -> this.runs.stopCancellation(id);
				case REPLAYS -> this.runs.stopReplay(id);
				default -> null;
			};
		}
		catch (NoSuchElementException ex) {
			return null;
		}
	}

	/**
	 * Previews or starts a bulk cancellation or a bulk replay.
	 * @param section {@code cancellations} or {@code replays}
	 * @param functionId the function whose runs are cancelled or replayed
	 * @param startedAfter runs created at or after this time (RFC 3339)
	 * @param startedBefore runs created before this time (RFC 3339)
	 * @param condition an optional CEL condition over the trigger {@code event}
	 * @param name an optional name
	 * @param preview {@code true} to only count the matching runs
	 * @param statuses for a replay, the states of the runs to replay, separated by
	 * commas: {@code FAILED}, {@code CANCELLED} or both ({@code FAILED} by default)
	 * @return the count, with {@code complete} false when it ran out of time and is a
	 * lower bound, or the started cancellation or replay
	 * @throws InvalidEndpointRequestException for input it cannot use, such as an unknown
	 * function or CEL that does not compile
	 * @throws NoMatchingRunsException if it matches no run
	 */
	@WriteOperation
	public @Nullable Object bulk(@Selector String section, String functionId, String startedAfter, String startedBefore,
			@Nullable String condition, @Nullable String name, @Nullable Boolean preview, @Nullable String statuses) {
		if (REPLAYS.equals(section)) {
			return bulkReplay(functionId, startedAfter, startedBefore, condition, name, preview, statuses);
		}
		if (statuses != null) {
			// Ignored, it would have the cancellation act on runs of every state.
			throw invalid("statuses is a field of a bulk replay: a bulk cancellation "
					+ "cancels the runs of its range that have not ended, whatever their state; narrow it with a "
					+ "condition or the range");
		}
		return bulkCancel(section, functionId, startedAfter, startedBefore, condition, name, preview);
	}

	/**
	 * Previews or starts a bulk cancellation.
	 * @param section {@code cancellations}
	 * @param functionId the function whose runs are cancelled
	 * @param startedAfter runs created at or after this time (RFC 3339)
	 * @param startedBefore runs created before this time (RFC 3339)
	 * @param condition an optional CEL condition over the trigger {@code event}
	 * @param name an optional name
	 * @param preview {@code true} to only count the matching runs
	 * @return the count, with {@code complete} false when it ran out of time and is a
	 * lower bound, or the started cancellation
	 * @throws InvalidEndpointRequestException for input it cannot use, such as an unknown
	 * function or CEL that does not compile
	 * @throws NoMatchingRunsException if it matches no run that has not ended
	 */
	public @Nullable Object bulkCancel(String section, String functionId, String startedAfter, String startedBefore,
			@Nullable String condition, @Nullable String name, @Nullable Boolean preview) {
		if (!CANCELLATIONS.equals(section)) {
			return null;
		}
		BulkCancelRequest request = new BulkCancelRequest(name, functionId, instant("startedAfter", startedAfter),
				instant("startedBefore", startedBefore), condition);
		try {
			if (Boolean.TRUE.equals(preview)) {
				MatchCount count = this.runs.previewCancelAll(request);
				return Map.of("functionId", functionId, "matching", count.matching(), "complete", count.complete());
			}
			return this.runs.cancelAll(request);
		}
		catch (NoMatchingRunsException ex) {
			throw ex;
		}
		catch (IllegalArgumentException ex) {
			throw invalid(ex.getMessage());
		}
	}

	private Object bulkReplay(String functionId, String startedAfter, String startedBefore, @Nullable String condition,
			@Nullable String name, @Nullable Boolean preview, @Nullable String statuses) {
		BulkReplayRequest request = new BulkReplayRequest(name, functionId, instant("startedAfter", startedAfter),
				instant("startedBefore", startedBefore), condition, statuses(statuses));
		try {
			if (Boolean.TRUE.equals(preview)) {
				MatchCount count = this.runs.previewReplayAll(request);
				return Map.of("functionId", functionId, "matching", count.matching(), "complete", count.complete());
			}
			return this.runs.replayAll(request);
		}
		catch (NoMatchingRunsException ex) {
			throw ex;
		}
		catch (IllegalArgumentException ex) {
			throw invalid(ex.getMessage());
		}
	}

	private static Set<RunStatus> statuses(@Nullable String statuses) {
		Set<RunStatus> set = EnumSet.noneOf(RunStatus.class);
		if (statuses == null || statuses.isBlank()) {
			return set;
		}
		for (String status : statuses.split(",")) {
			try {
				set.add(RunStatus.valueOf(status.trim().toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException ex) {
				throw invalid("statuses holds '" + Errors.abbreviate(status.trim())
						+ "'; a bulk replay replays FAILED or CANCELLED runs");
			}
		}
		return set;
	}

	/**
	 * Runs an ended run again: {@code POST /actuator/inngest/runs/{id}/rerun}.
	 * @param section {@code runs}
	 * @param id the run id
	 * @param action {@code rerun}
	 * @param securityContext who asks, for whether values are shown
	 * @return the new run, as {@code run} with no steps yet, or {@code null} (404) if
	 * there is no such run
	 * @throws InvalidEndpointRequestException if the run has not ended or its function is
	 * not declared
	 */
	@WriteOperation
	public @Nullable Object runAction(@Selector String section, @Selector String id, @Selector String action,
			SecurityContext securityContext) {
		try {
			return rerun(section, id, action, securityContext);
		}
		catch (IllegalStateException ex) {
			throw invalid(ex.getMessage());
		}
	}

	/**
	 * Runs an ended run again, as {@link #runAction}.
	 * @param section {@code runs}
	 * @param id the run id
	 * @param action {@code rerun}
	 * @param securityContext who asks, for whether values are shown
	 * @return the new run, or {@code null} if there is no such run
	 * @throws IllegalStateException if the run has not ended or its function is not
	 * declared
	 */
	@Nullable Object rerun(String section, String id, String action, SecurityContext securityContext) {
		if (!RUNS.equals(section) || !RERUN.equals(action)) {
			return null;
		}
		try {
			return shown(securityContext, new RunDetail(this.runs.rerun(id), List.of(), List.of()));
		}
		catch (NoSuchElementException ex) {
			return null;
		}
	}

	/**
	 * The stats of a window: the last hour when neither end is given, or the hour before
	 * {@code to}, or from {@code from} to now.
	 */
	private Object stats(@Nullable String function, @Nullable String from, @Nullable String to) {
		Instant end = (to != null && !to.isBlank()) ? instant("to", to) : this.clock.instant();
		Instant start = (from != null && !from.isBlank()) ? instant("from", from) : end.minusSeconds(3600);
		return this.runs.stats((function != null && !function.isBlank()) ? function : null, start, end);
	}

	private Object shown(SecurityContext securityContext, Object runs) {
		return this.showValues.isShown(securityContext, this.roles) ? runs : RunValues.masked(runs);
	}

	private static @Nullable Instant instant(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Instant instant;
		try {
			instant = Instant.parse(value.trim());
		}
		catch (DateTimeParseException ex) {
			throw invalid(name + " = '" + Errors.abbreviate(value) + "' is not an RFC 3339 time such as "
					+ "2026-11-24T10:00:00Z");
		}
		if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
			throw invalid(name + " = '" + value.trim() + "' is out of range; it must be between " + EARLIEST + " and "
					+ LATEST);
		}
		return instant;
	}

	private static InvalidEndpointRequestException invalid(String message) {
		return new InvalidEndpointRequestException(message, message);
	}

	/**
	 * The functions.
	 *
	 * @param functions each function
	 * @param undeclaredFunctions the functions that have runs but that this application
	 * does not declare
	 */
	public record FunctionsDescriptor(List<FunctionDescriptor> functions,
			List<UndeclaredFunctionDescriptor> undeclaredFunctions) {

	}

	/**
	 * A function that has runs in the database but that this application does not
	 * declare, as after a deployment that removed or renamed it. Its runs that have not
	 * ended wait for an instance that declares it.
	 *
	 * @param id the function id
	 * @param runs run counts by state
	 */
	public record UndeclaredFunctionDescriptor(String id, Map<RunStatus, Long> runs) {

	}

	/**
	 * A function's configuration and run counts.
	 *
	 * @param id the id
	 * @param name the display name
	 * @param events the trigger event names
	 * @param crons the cron triggers
	 * @param condition the trigger condition
	 * @param retries the retries
	 * @param cancelOn the cancellation rules
	 * @param timeouts the timeouts, as time strings
	 * @param failureHandler the id of its failure handler function
	 * @param cancellationHandler the id of its cancellation handler function
	 * @param handles for a failure or cancellation handler, the function it handles
	 * @param runs run counts by state
	 */
	public record FunctionDescriptor(String id, String name, List<String> events, List<String> crons,
			@Nullable String condition, int retries, List<Map<String, @Nullable Object>> cancelOn,
			Map<String, String> timeouts, @Nullable String failureHandler, @Nullable String cancellationHandler,
			@Nullable String handles, Map<RunStatus, Long> runs) {

		static FunctionDescriptor of(FunctionDefinition function, Map<RunStatus, Long> runs) {
			List<Map<String, @Nullable Object>> cancelOn = function.cancelOn().stream().map((rule) -> {
				Map<String, @Nullable Object> descriptor = new java.util.LinkedHashMap<>();
				descriptor.put("event", rule.event());
				descriptor.put("match", rule.match());
				descriptor.put("condition", (rule.condition() != null) ? rule.condition().source() : null);
				descriptor.put("timeout", rule.timeoutText());
				return descriptor;
			}).toList();
			Map<String, String> timeouts = new java.util.LinkedHashMap<>();
			if (function.timeouts().start() != null) {
				timeouts.put("start", TimeStrings.format(function.timeouts().start()));
			}
			if (function.timeouts().finish() != null) {
				timeouts.put("finish", TimeStrings.format(function.timeouts().finish()));
			}
			return new FunctionDescriptor(function.id(), function.name(), function.events(),
					function.crons().stream().map(Object::toString).toList(),
					(function.condition() != null) ? function.condition().source() : null, function.retries(), cancelOn,
					timeouts, function.failureHandlerId(), function.cancellationHandlerId(), function.handles(), runs);
		}

	}

	/**
	 * A run with its steps and failed attempts.
	 *
	 * @param run the run
	 * @param steps its steps, in the order they were reached
	 * @param attempts its failed attempts, oldest first
	 */
	public record RunDetail(RunView run, List<StepRecord> steps, List<AttemptRecord> attempts) {

	}

}
