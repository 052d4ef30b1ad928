package dev.durable.inngest.web;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;


import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The shapes of the HTTP API's answers, and reading its request bodies.
 */
final class ApiResponses {

	private ApiResponses() {
	}

	static String normalize(String basePath) {
		String path = (basePath == null) ? "" : basePath.trim();
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return (path.isEmpty() || path.startsWith("/")) ? path : "/" + path;
	}

	static ServerResponse data(Object data, Clock clock) {
		return ServerResponse.ok().body(Map.of("data", data, "metadata", metadata(clock)));
	}

	static Map<String, Object> metadata(Clock clock) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("fetchedAt", clock.instant().toString());
		metadata.put("cachedUntil", null);
		return metadata;
	}

	static String time(Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	static ServerResponse error(HttpStatus status, String message) {
		return ServerResponse.status(status).body(Map.of("error", String.valueOf(message), "status", status.value()));
	}

	static ServerResponse error(Throwable ex) {
		if (ex instanceof ApiException api) {
			return error(api.status(), api.getMessage());
		}
		if (ex instanceof IllegalArgumentException) {
			return error(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		throw (ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
	}

	static Object json(ServerRequest request) throws Exception {
		try {
			return request.body(Object.class);
		}
		catch (HttpMessageNotReadableException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "The body is not valid JSON");
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> jsonObject(ServerRequest request) throws Exception {
		Object body = json(request);
		if (!(body instanceof Map)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "The body must be a JSON object");
		}
		return (Map<String, Object>) body;
	}

}
