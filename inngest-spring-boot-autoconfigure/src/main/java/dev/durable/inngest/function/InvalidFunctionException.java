package dev.durable.inngest.function;

import java.util.List;

/**
 * Thrown at start-up when an {@link dev.durable.inngest.InngestFunction} or
 * {@link dev.durable.inngest.OnFailure} method is declared wrongly. Its message names the
 * bean, the method and every problem found.
 */
public class InvalidFunctionException extends RuntimeException {

	private final String location;

	private final List<String> problems;

	/**
	 * Creates an exception.
	 * @param location the method and bean, such as {@code Orders.process (bean 'orders')}
	 * @param problems what is wrong, one sentence each
	 */
	public InvalidFunctionException(String location, List<String> problems) {
		super("Invalid durable function " + location + ": " + String.join("; ", problems));
		this.location = location;
		this.problems = List.copyOf(problems);
	}

	/**
	 * Where the problems are.
	 * @return the method and bean
	 */
	public String location() {
		return this.location;
	}

	/**
	 * What is wrong, one sentence each.
	 * @return the problems
	 */
	public List<String> problems() {
		return this.problems;
	}

}
