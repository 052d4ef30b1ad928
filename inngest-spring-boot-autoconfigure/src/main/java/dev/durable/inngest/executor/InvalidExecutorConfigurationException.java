package dev.durable.inngest.executor;

/**
 * The executor is enabled without a usable signing key.
 */
public class InvalidExecutorConfigurationException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param problem what is wrong with {@code inngest.executor.signing-key}, without the
	 * key's value
	 */
	public InvalidExecutorConfigurationException(String problem) {
		super("inngest.executor.signing-key " + problem);
	}

}
