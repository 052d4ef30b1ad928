package dev.durable.inngest.remote;

/**
 * Thrown when remote mode is configured so that the application cannot serve the
 * platform: a property is missing or holds a value it cannot use. It names the property
 * and the fix, and never quotes a key.
 */
public class InvalidRemoteConfigurationException extends RuntimeException {

	private final String property;

	private final String action;

	/**
	 * Creates the exception.
	 * @param property the property at fault, such as {@code inngest.signing-key}
	 * @param problem what is wrong with it
	 * @param action how to fix it
	 */
	public InvalidRemoteConfigurationException(String property, String problem, String action) {
		super(property + " " + problem);
		this.property = property;
		this.action = action;
	}

	/**
	 * The property at fault.
	 * @return its name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * How to fix the configuration.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
