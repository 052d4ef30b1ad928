package dev.durable.inngest.executor;

/**
 * A register request that the executor refuses, answered with a {@code 400} that names
 * the field at fault.
 */
public class InvalidRegistrationException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param field the field at fault, such as {@code functions[1].triggers}
	 * @param problem what is wrong with it
	 */
	public InvalidRegistrationException(String field, String problem) {
		super(field + ": " + problem);
	}

}
