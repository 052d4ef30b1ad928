package dev.durable.inngest.web;

import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A request the HTTP API refuses, with the status and the message to answer, and a header
 * to answer with, such as {@code Allow}.
 */
final class ApiException extends RuntimeException {

	private final HttpStatus status;

	private final Map<String, String> headers;

	ApiException(HttpStatus status, String message) {
		this(status, message, Map.of());
	}

	private ApiException(HttpStatus status, String message, Map<String, String> headers) {
		super(message, null, false, false);
		this.status = status;
		this.headers = headers;
	}

	ApiException withHeader(String name, String value) {
		return new ApiException(this.status, getMessage(), Map.of(name, value));
	}

	HttpStatus status() {
		return this.status;
	}

	Map<String, String> headers() {
		return this.headers;
	}

}
