package dev.durable.inngest.actuate;

import java.util.Set;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.durable.inngest.NoMatchingRunsException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.Errors;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code inngest} endpoint over HTTP: its operations that take input answer input
 * they cannot use with {@code 400} and {@code {"error": "...", "status": 400}} naming the
 * problem (an unknown state, a limit out of range, a time that is not RFC 3339, CEL that
 * does not compile, an unknown function), a bulk cancellation that matches no run with
 * {@code 422}, and a rerun of a run that has not ended with {@code 409}. Actuator itself
 * would answer {@code 400} with no reason, or {@code 500}.
 */
@EndpointWebExtension(endpoint = InngestEndpoint.class)
public class InngestEndpointWebExtension {

	private static final int CONFLICT = 409;

	private static final int UNPROCESSABLE_CONTENT = 422;

	private final InngestEndpoint endpoint;

	/**
	 * Creates the extension.
	 * @param endpoint the endpoint
	 */
	public InngestEndpointWebExtension(InngestEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Runs or bulk cancellations, a page at a time, as {@link InngestEndpoint#list}.
	 * @param section {@code runs} or {@code cancellations}
	 * @param function only runs of this function
	 * @param status only runs in this state
	 * @param from only runs created at or after this time (RFC 3339)
	 * @param to only runs created before this time (RFC 3339)
	 * @param limit the page size, 1 to 100 (20 by default)
	 * @param cursor the next cursor of the page before
	 * @param condition only runs whose trigger event this CEL condition holds for
	 * @param securityContext who asks, for whether values are shown
	 * @return the page; 404 for an unknown section, 400 for input it cannot use
	 */
	@ReadOperation
	public WebEndpointResponse<Object> list(@Selector String section, @Nullable String function,
			@Nullable String status, @Nullable String from, @Nullable String to, @Nullable String limit,
			@Nullable String cursor, @Nullable String condition, SecurityContext securityContext) {
		try {
			return ok(this.endpoint.list(section, function, status(status), from, to, limit(limit), cursor, condition,
					securityContext));
		}
		catch (InvalidEndpointRequestException | IllegalArgumentException ex) {
			return refused(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
	}

	/**
	 * The fields a write to a section of the endpoint takes ({@link #bulk}); a body with
	 * any other is refused, rather than the field ignored.
	 */
	public static final Set<String> BULK_FIELDS = Set.of("functionId", "startedAfter", "startedBefore", "condition",
			"name", "preview", "statuses");

	/**
	 * Previews or starts a bulk cancellation or replay, as {@link InngestEndpoint#bulk}.
	 * @param section {@code cancellations} or {@code replays}
	 * @param functionId the function whose runs are cancelled or replayed
	 * @param startedAfter runs created at or after this time (RFC 3339)
	 * @param startedBefore runs created before this time (RFC 3339)
	 * @param condition an optional CEL condition over the trigger {@code event}
	 * @param name an optional name
	 * @param preview {@code true} to only count the matching runs
	 * @param statuses for a replay, the states of the runs to replay, separated by commas
	 * @return the count, or the started cancellation or replay; 400 for input it cannot
	 * use, 422 when no run matches
	 */
	@WriteOperation
	public WebEndpointResponse<Object> bulk(@Selector String section, @Nullable String functionId,
			@Nullable String startedAfter, @Nullable String startedBefore, @Nullable String condition,
			@Nullable String name, @Nullable String preview, @Nullable String statuses) {
		try {
			required("functionId", functionId);
			required("startedAfter", startedAfter);
			required("startedBefore", startedBefore);
			return ok(this.endpoint.bulk(section, functionId, startedAfter, startedBefore, condition, name,
					flag(preview), statuses));
		}
		catch (NoMatchingRunsException ex) {
			return refused(UNPROCESSABLE_CONTENT, ex.getMessage());
		}
		catch (InvalidEndpointRequestException | IllegalArgumentException ex) {
			return refused(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
	}

	/**
	 * One run, bulk cancellation or bulk replay, as {@link InngestEndpoint#detail}.
	 * @param section {@code runs}, {@code cancellations} or {@code replays}
	 * @param id its id
	 * @param securityContext who asks, for whether values are shown
	 * @return it; 404 naming what was not found
	 */
	@ReadOperation
	public WebEndpointResponse<Object> detail(@Selector String section, @Selector String id,
			SecurityContext securityContext) {
		return found(this.endpoint.detail(section, id, securityContext), section, id);
	}

	/**
	 * A run on a time axis, as {@link InngestEndpoint#runView}.
	 * @param section {@code runs}
	 * @param id the run id
	 * @param view {@code timeline}
	 * @param securityContext who asks, for whether values are shown
	 * @return the timeline; 404 naming what was not found
	 */
	@ReadOperation
	public WebEndpointResponse<Object> runView(@Selector String section, @Selector String id, @Selector String view,
			SecurityContext securityContext) {
		if (!"runs".equals(section) || !"timeline".equals(view)) {
			return refused(WebEndpointResponse.STATUS_NOT_FOUND, "No such view '" + Errors.abbreviate(section)
					+ "/{id}/" + Errors.abbreviate(view) + "': a run has one, runs/{id}/timeline");
		}
		return found(this.endpoint.runView(section, id, view, securityContext), section, id);
	}

	/**
	 * Cancels a run, or stops a bulk cancellation or replay, as
	 * {@link InngestEndpoint#cancel}.
	 * @param section {@code runs}, {@code cancellations} or {@code replays}
	 * @param id its id
	 * @return what was done; 404 naming what was not found, where Actuator would answer
	 * {@code 204} as though it had been done
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> cancel(@Selector String section, @Selector String id) {
		return found(this.endpoint.cancel(section, id), section, id);
	}

	/**
	 * Runs an ended run again, as {@link InngestEndpoint#runAction}.
	 * @param section {@code runs}
	 * @param id the run id
	 * @param action {@code rerun}
	 * @param securityContext who asks, for whether values are shown
	 * @return the new run; 404 if there is no such run, 409 if it has not ended or its
	 * function is not declared, as the HTTP API answers
	 */
	@WriteOperation
	public WebEndpointResponse<Object> runAction(@Selector String section, @Selector String id, @Selector String action,
			SecurityContext securityContext) {
		try {
			return ok(this.endpoint.rerun(section, id, action, securityContext));
		}
		catch (IllegalStateException ex) {
			return refused(CONFLICT, ex.getMessage());
		}
	}

	private static WebEndpointResponse<Object> ok(@Nullable Object body) {
		return (body != null) ? new WebEndpointResponse<>(body)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	private static WebEndpointResponse<Object> found(@Nullable Object body, String section, String id) {
		if (body != null) {
			return new WebEndpointResponse<>(body);
		}
		String what = switch (section) {
			case "runs" -> "run";
			case "cancellations" -> "bulk cancellation";
			case "replays" -> "bulk replay";
			default -> null;
		};
		return refused(WebEndpointResponse.STATUS_NOT_FOUND,
				(what != null) ? "No " + what + " has the id '" + Errors.abbreviate(id) + "'"
						: "No such section '" + Errors.abbreviate(section) + "': runs, cancellations or replays");
	}

	private static WebEndpointResponse<Object> refused(int status, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", String.valueOf(message));
		body.put("status", status);
		return new WebEndpointResponse<>(body, status);
	}

	private static void required(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new InvalidEndpointRequestException(name + " is required", name + " is required");
		}
	}

	private static @Nullable RunStatus status(@Nullable String status) {
		if (status == null || status.isBlank()) {
			return null;
		}
		try {
			return RunStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			String message = "status is '" + Errors.abbreviate(status) + "'; it must be one of "
					+ Arrays.toString(RunStatus.values());
			throw new InvalidEndpointRequestException(message, message);
		}
	}

	private static @Nullable Boolean flag(@Nullable String preview) {
		if (preview == null || preview.isBlank()) {
			return null;
		}
		return switch (preview.trim()) {
			case "true" -> true;
			case "false" -> false;
			default -> {
				String message = "preview is '" + Errors.abbreviate(preview) + "'; it must be true or false";
				throw new InvalidEndpointRequestException(message, message);
			}
		};
	}

	private static @Nullable Integer limit(@Nullable String limit) {
		if (limit == null || limit.isBlank()) {
			return null;
		}
		try {
			return Integer.valueOf(limit.trim());
		}
		catch (NumberFormatException ex) {
			String message = "limit is '" + Errors.abbreviate(limit) + "'; it must be a number from 1 to 100";
			throw new InvalidEndpointRequestException(message, message);
		}
	}

}
