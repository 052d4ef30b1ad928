package dev.durable.inngest.engine;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The most the engine takes in from its callers: the size of an event and the lengths of
 * its name and id, and the length and the evaluation cost of a CEL condition given with a
 * bulk cancellation. Lengths are in characters; the name and id cannot be longer than
 * their columns.
 *
 * @param eventSize the most bytes an event takes as JSON (name, data, user, id, ts and v)
 * @param eventNameLength the longest event name, at most {@value #NAME_COLUMN}
 * @param eventIdLength the longest event id, at most {@value #ID_COLUMN}
 * @param expressionLength the longest CEL condition of a bulk cancellation
 * @param expressionCost the most evaluation steps such a condition may take on one run
 */
public record InputLimits(long eventSize, int eventNameLength, int eventIdLength, int expressionLength,
		long expressionCost) {

	/** The width of the event name column. */
	public static final int NAME_COLUMN = 255;

	/** The width of the event id column. */
	public static final int ID_COLUMN = 64;

	/** The width of the event version column. */
	public static final int VERSION_COLUMN = 64;

	/** The width of a bulk cancellation's name column. */
	public static final int CANCELLATION_NAME_COLUMN = 255;

	/**
	 * The defaults: Inngest's 512 KiB an event, the columns' widths, 4,096 and 10,000.
	 */
	public static final InputLimits DEFAULTS = new InputLimits(512 * 1024, NAME_COLUMN, ID_COLUMN, 4096, 10_000);

	/**
	 * Checks the limits.
	 */
	public InputLimits {
		PropertyChecks.atLeastOne("inngest.limits.event-size", eventSize);
		PropertyChecks.atLeastOne("inngest.limits.event-name-length", eventNameLength);
		PropertyChecks.atLeastOne("inngest.limits.event-id-length", eventIdLength);
		PropertyChecks.atLeastOne("inngest.limits.expression-length", expressionLength);
		PropertyChecks.atLeastOne("inngest.limits.expression-cost", expressionCost);
		if (eventNameLength > NAME_COLUMN) {
			throw new InvalidConfigurationPropertyValueException("inngest.limits.event-name-length", eventNameLength,
					"The event name column holds at most " + NAME_COLUMN + " characters.");
		}
		if (eventIdLength > ID_COLUMN) {
			throw new InvalidConfigurationPropertyValueException("inngest.limits.event-id-length", eventIdLength,
					"The event id column holds at most " + ID_COLUMN + " characters.");
		}
	}

}
