package dev.durable.inngest.web;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.engine.InvalidBulkRequestException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The shapes of the HTTP API's answers.
 */
final class ApiResponses {

	private ApiResponses() {
	}

	static String normalize(@Nullable String basePath) {
		String path = (basePath == null) ? "" : basePath.trim();
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return (path.isEmpty() || path.startsWith("/")) ? path : "/" + path;
	}

	static ServerResponse data(Object data, Clock clock) {
		return ServerResponse.ok().body(Map.of("data", data, "metadata", metadata(clock)));
	}

	static Map<String, @Nullable Object> metadata(Clock clock) {
		Map<String, @Nullable Object> metadata = new LinkedHashMap<>();
		metadata.put("fetchedAt", clock.instant().toString());
		metadata.put("cachedUntil", null);
		return metadata;
	}

	static @Nullable String time(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	/**
	 * A value as a refusal quotes it: whole if short, else its start and its length, so
	 * that a huge value sent in does not come back in the answer.
	 * @param value the value
	 * @return the value to quote
	 */
	static String abbreviate(@Nullable Object value) {
		return Errors.abbreviate(String.valueOf(value));
	}

	static ServerResponse error(HttpStatus status, @Nullable String message) {
		return ServerResponse.status(status).body(Map.of("error", String.valueOf(message), "status", status.value()));
	}

	static ServerResponse error(Throwable ex) {
		if (ex instanceof ApiException api) {
			return ServerResponse.status(api.status())
				.headers((headers) -> api.headers().forEach(headers::set))
				.body(Map.of("error", String.valueOf(api.getMessage()), "status", api.status().value()));
		}
		if (ex instanceof InvalidBulkRequestException invalid) {
			// The fields as this API names them, Inngest's way.
			return error(HttpStatus.BAD_REQUEST, invalid.getMessage(InvalidBulkRequestException.Field::httpName));
		}
		if (ex instanceof IllegalArgumentException) {
			return error(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		throw (ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
	}

	/**
	 * Routes that also answer {@code HEAD} where they answer {@code GET}, as
	 * {@link #methodNotAllowed} says they do: a {@code HEAD} request is handled as its
	 * {@code GET}, and the servlet container sends no body.
	 * @param routes the routes
	 * @return the routes, answering {@code HEAD} too
	 */
	static RouterFunction<ServerResponse> withHead(RouterFunction<ServerResponse> routes) {
		RouterFunction<ServerResponse> head = (request) -> {
			if (!HttpMethod.HEAD.equals(request.method())) {
				return Optional.empty();
			}
			ServerRequest asGet = ServerRequest.from(request).method(HttpMethod.GET).build();
			return routes.route(asGet).map((handler) -> (ignored) -> handler.handle(asGet));
		};
		return head.and(routes);
	}

	/**
	 * Answers a request whose method a route does not take: {@code 405} with the methods
	 * it takes in {@code Allow}. The answer names the route by its pattern, not by the
	 * path, which may hold a key.
	 * @param route the route's pattern, such as {@code /inngest/v1/runs/{runId}}
	 * @param allowed the methods the route takes
	 * @return the handler
	 */
	static HandlerFunction<ServerResponse> methodNotAllowed(String route, HttpMethod... allowed) {
		Set<String> methods = new TreeSet<>();
		for (HttpMethod method : allowed) {
			methods.add(method.name());
			if (method == HttpMethod.GET) {
				methods.add(HttpMethod.HEAD.name());
			}
		}
		String allow = String.join(", ", methods);
		return (request) -> {
			throw new ApiException(HttpStatus.METHOD_NOT_ALLOWED,
					request.method().name() + " is not allowed on " + route + "; it takes " + allow)
				.withHeader(HttpHeaders.ALLOW, allow);
		};
	}

}
