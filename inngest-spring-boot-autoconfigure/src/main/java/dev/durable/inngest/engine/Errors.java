package dev.durable.inngest.engine;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.durable.inngest.ErrorInfo;

/**
 * Turns exceptions into the {@link ErrorInfo} stored with attempts and runs.
 */
final class Errors {

	private static final int MAX_STACK = 16 * 1024;

	private Errors() {
	}

	static ErrorInfo of(Throwable ex) {
		StringWriter stack = new StringWriter();
		ex.printStackTrace(new PrintWriter(stack));
		String text = stack.toString();
		if (text.length() > MAX_STACK) {
			text = text.substring(0, MAX_STACK) + "\n\t... (truncated)";
		}
		return new ErrorInfo(ex.getClass().getSimpleName(), ex.getMessage(), text);
	}

}
