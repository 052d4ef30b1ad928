package dev.durable.inngest.engine;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.durable.inngest.ErrorInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Turns exceptions into the {@link ErrorInfo} stored with attempts and runs, and shortens
 * the values that error messages quote.
 * <p>
 * Whatever a step's body or a function's body throws fails that attempt, {@link Error}s
 * included: an {@link AssertionError}, a {@link StackOverflowError} (unwound by the time
 * it is caught), a {@link LinkageError} of a missing class, an {@link OutOfMemoryError}
 * of one allocation too large. Left to escape, such an error would end the worker's
 * thread with the run's lease held, and the run would be claimed again, once the lease
 * expired, on the same attempt: it would never use up its retries. A
 * {@link VirtualMachineError} other than a stack overflow may mean the whole JVM is short
 * of memory, so it is logged as an error besides.
 */
public final class Errors {

	private static final Log logger = LogFactory.getLog(Errors.class);

	private static final int MAX_STACK = 16 * 1024;

	private static final int MAX_QUOTED = 100;

	private static final int MAX_LOGGED = 500;

	private Errors() {
	}

	static ErrorInfo of(Throwable ex) {
		if (ex instanceof ReportedError reported) {
			return reported.errorInfo();
		}
		StringWriter stack = new StringWriter();
		ex.printStackTrace(new PrintWriter(stack));
		String text = stack.toString();
		if (text.length() > MAX_STACK) {
			text = text.substring(0, MAX_STACK) + "\n\t... (truncated)";
		}
		return new ErrorInfo(ex.getClass().getSimpleName(), ex.getMessage(), text);
	}

	/**
	 * Logs an error thrown by a function's code that may leave the JVM unwell, before it
	 * fails the attempt like any other.
	 * @param ex what the function's code threw
	 * @param where the step or function, and run, it was thrown in
	 */
	static void logIfFatal(Throwable ex, String where) {
		if (ex instanceof VirtualMachineError && !(ex instanceof StackOverflowError)) {
			logger.error(where + " threw " + ex + "; the attempt fails and is retried like any other, "
					+ "but the JVM may be short of memory", ex);
		}
	}

	/**
	 * A value as an error message quotes it: whole if short, else its start and its
	 * length, so that a huge value sent in does not come back in the answer or fill the
	 * log.
	 * @param value the value
	 * @return the value to quote
	 */
	public static String abbreviate(String value) {
		return abbreviate(value, MAX_QUOTED);
	}

	/**
	 * A message as a log line shows it: whole up to 500 characters, as an error's message
	 * may quote data of any size, and on one line, its line breaks and other control
	 * characters written as escapes, so that text sent in cannot forge log lines.
	 * @param message the message, or {@code null}
	 * @return the message, cut if longer
	 */
	static String logged(String message) {
		String cut = abbreviate(message, MAX_LOGGED);
		if (cut == null || cut.chars().noneMatch(Character::isISOControl)) {
			return cut;
		}
		StringBuilder escaped = new StringBuilder(cut.length() + 16);
		cut.chars().forEach((c) -> {
			if (c == '\n') {
				escaped.append("\\n");
			}
			else if (c == '\r') {
				escaped.append("\\r");
			}
			else if (Character.isISOControl(c)) {
				escaped.append(String.format("\\u%04x", c));
			}
			else {
				escaped.append((char) c);
			}
		});
		return escaped.toString();
	}

	private static String abbreviate(String value, int max) {
		if (value == null || value.length() <= max) {
			return value;
		}
		return value.substring(0, max) + "... (" + value.length() + " characters)";
	}

}
