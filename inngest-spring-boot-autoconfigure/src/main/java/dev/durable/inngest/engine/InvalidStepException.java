package dev.durable.inngest.engine;

/**
 * Thrown where a function calls a step with arguments that no attempt could take: an
 * empty id, invalid options, a negative sleep, a sleep or wait longer than the longest
 * allowed, a wait whose match or condition does not compile. Retrying cannot help, so the
 * run fails for good at once, as Inngest fails such a step early, whatever retries are
 * left.
 */
public class InvalidStepException extends IllegalArgumentException {

	/**
	 * Creates an exception.
	 * @param message what is wrong, naming the step
	 */
	public InvalidStepException(String message) {
		super(message);
	}

}
