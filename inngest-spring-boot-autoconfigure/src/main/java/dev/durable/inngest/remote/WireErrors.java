package dev.durable.inngest.remote;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RetryAfterException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Errors as the protocol serializes them: {@code name}, {@code message}, {@code stack}
 * and the {@code cause}. The name is the exception's short type name, except that the
 * library's own exceptions take the names the platform and the other SDKs know them by,
 * and a plain {@link Exception} or {@link RuntimeException} is a generic {@code Error},
 * as in the other SDKs.
 */
final class WireErrors {

	private static final int MAX_STACK = 16 * 1024;

	private static final int MAX_CAUSES = 5;

	private WireErrors() {
	}

	static ObjectNode of(JsonMapper mapper, Throwable ex) {
		return of(mapper, ex, 0);
	}

	private static ObjectNode of(JsonMapper mapper, Throwable ex, int depth) {
		ObjectNode error = mapper.createObjectNode();
		error.put("name", name(ex));
		error.put("message", (ex.getMessage() != null) ? ex.getMessage() : "");
		error.put("stack", stack(ex));
		Throwable cause = ex.getCause();
		if (cause != null && cause != ex && depth < MAX_CAUSES) {
			error.set("cause", of(mapper, cause, depth + 1));
		}
		return error;
	}

	static ObjectNode of(JsonMapper mapper, ErrorInfo info) {
		ObjectNode error = mapper.createObjectNode();
		error.put("name", info.name());
		error.put("message", (info.message() != null) ? info.message() : "");
		if (info.stack() != null) {
			error.put("stack", info.stack());
		}
		return error;
	}

	static String name(Throwable ex) {
		if (ex instanceof NonRetriableException) {
			return "NonRetriableError";
		}
		if (ex instanceof RetryAfterException) {
			return "RetryAfterError";
		}
		if (ex.getClass() == RuntimeException.class || ex.getClass() == Exception.class) {
			return "Error";
		}
		return ex.getClass().getSimpleName();
	}

	private static String stack(Throwable ex) {
		StringWriter stack = new StringWriter();
		ex.printStackTrace(new PrintWriter(stack));
		String text = stack.toString();
		return (text.length() > MAX_STACK) ? text.substring(0, MAX_STACK) + "\n\t... (truncated)" : text;
	}

}
