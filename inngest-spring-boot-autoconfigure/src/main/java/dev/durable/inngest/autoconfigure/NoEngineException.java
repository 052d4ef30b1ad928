package dev.durable.inngest.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when the application declares durable functions in local mode but
 * the local engine has nowhere to keep their runs, so that they would never run.
 */
public class NoEngineException extends IllegalStateException {

	private final List<String> functions;

	private final List<String> dataSources;

	/**
	 * Creates the exception.
	 * @param functions where each declared function is, such as
	 * {@code 'send-welcome' (bean 'mailer', method welcome)}
	 */
	public NoEngineException(List<String> functions) {
		this(functions, List.of());
	}

	/**
	 * Creates the exception.
	 * @param functions where each declared function is
	 * @param dataSources the names of the application's data sources when there are
	 * several and none is primary, else empty
	 */
	public NoEngineException(List<String> functions, List<String> dataSources) {
		super("Durable functions are declared but inngest.mode is 'local' and the local engine has no store: "
				+ (dataSources.isEmpty() ? "there is no DataSource"
						: "there are several DataSources " + dataSources + " and none is @Primary")
				+ " and inngest.local.store is not 'memory'");
		this.functions = List.copyOf(functions);
		this.dataSources = List.copyOf(dataSources);
	}

	/**
	 * The functions that would never run.
	 * @return where each is declared
	 */
	public List<String> getFunctions() {
		return this.functions;
	}

	/**
	 * The application's data sources, when there are several and none is primary.
	 * @return their bean names, or an empty list if there is none
	 */
	public List<String> getDataSources() {
		return this.dataSources;
	}

}
