package dev.durable.inngest.web;

import org.springframework.http.HttpStatus;

/**
 * A request the HTTP API refuses, with the status and the message to answer.
 */
final class ApiException extends RuntimeException {

	private final HttpStatus status;

	ApiException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	HttpStatus status() {
		return this.status;
	}

}
