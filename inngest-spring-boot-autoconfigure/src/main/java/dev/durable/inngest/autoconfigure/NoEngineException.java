package dev.durable.inngest.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when the application declares durable functions in local mode but
 * the local engine has nowhere to keep their runs, so that they would never run.
 */
public class NoEngineException extends IllegalStateException {

	private final List<String> functions;

	/**
	 * Creates the exception.
	 * @param functions where each declared function is, such as
	 * {@code 'send-welcome' (bean 'mailer', method welcome)}
	 */
	public NoEngineException(List<String> functions) {
		super("Durable functions are declared but inngest.mode is 'local' and the local engine has no store: "
				+ "there is no DataSource and inngest.local.store is not 'memory'");
		this.functions = List.copyOf(functions);
	}

	/**
	 * The functions that would never run.
	 * @return where each is declared
	 */
	public List<String> getFunctions() {
		return this.functions;
	}

}
