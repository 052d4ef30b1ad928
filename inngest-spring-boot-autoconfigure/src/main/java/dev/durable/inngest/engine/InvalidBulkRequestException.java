package dev.durable.inngest.engine;

import java.util.function.Function;

/**
 * A bulk cancellation or replay that cannot be started, naming the fields at fault. Its
 * message names them as the Java API does ({@code startedAfter}, {@code condition}); the
 * HTTP API, whose fields are Inngest's, names them its own way through
 * {@link #getMessage(Function)}.
 */
public final class InvalidBulkRequestException extends IllegalArgumentException {

	/**
	 * The fields of a bulk request, with their names in each API.
	 */
	public enum Field {

		/** The function whose runs are cancelled or replayed. */
		FUNCTION_ID("functionId", "function_id"),

		/** The start of the range of run creation times. */
		STARTED_AFTER("startedAfter", "started_after"),

		/** The end of the range. */
		STARTED_BEFORE("startedBefore", "started_before"),

		/** The CEL condition over the trigger event. */
		CONDITION("condition", "if");

		private final String javaName;

		private final String httpName;

		Field(String javaName, String httpName) {
			this.javaName = javaName;
			this.httpName = httpName;
		}

		/**
		 * The field's name in the Java API and Actuator.
		 * @return the name
		 */
		public String javaName() {
			return this.javaName;
		}

		/**
		 * The field's name in the HTTP API, as Inngest's REST API names it.
		 * @return the name
		 */
		public String httpName() {
			return this.httpName;
		}

	}

	private final transient Function<Function<Field, String>, String> message;

	/**
	 * Creates the exception.
	 * @param message writes the message, given how to name a field
	 * @param cause what the problem came from, or {@code null}
	 */
	InvalidBulkRequestException(Function<Function<Field, String>, String> message, Throwable cause) {
		super(message.apply(Field::javaName), cause);
		this.message = message;
	}

	/**
	 * The message, naming the fields as the caller's API does.
	 * @param naming the name of each field
	 * @return the message
	 */
	public String getMessage(Function<Field, String> naming) {
		return this.message.apply(naming);
	}

}
