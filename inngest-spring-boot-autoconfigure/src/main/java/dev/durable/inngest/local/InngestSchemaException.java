package dev.durable.inngest.local;

/**
 * Thrown at start-up when the engine cannot use the application's database: it is not H2
 * or PostgreSQL, or it does not have the schema version the engine needs (its tables are
 * missing, or they belong to another release).
 */
public class InngestSchemaException extends IllegalStateException {

	private final String action;

	/**
	 * Creates an exception.
	 * @param message what is wrong
	 * @param action what to do about it
	 */
	public InngestSchemaException(String message, String action) {
		super(message);
		this.action = action;
	}

	/**
	 * What to do about it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
