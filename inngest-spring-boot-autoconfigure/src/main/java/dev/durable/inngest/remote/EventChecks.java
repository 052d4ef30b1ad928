package dev.durable.inngest.remote;

import java.time.Instant;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventTooLargeException;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.engine.EventIntake;

import org.springframework.util.StringUtils;

/**
 * The checks an event passes before it is sent to the Event API, the platform's own
 * rules: a name of at most {@value #MAX_NAME_LENGTH} characters outside the reserved
 * {@code inngest/} names, no blank id, a time within the years 1980 to 2100, and at most
 * so many bytes as JSON. They are checked here so that a batch the platform would refuse
 * is refused before anything is written or sent, with a message naming the event and the
 * field.
 */
final class EventChecks {

	/** The longest event name the platform takes. */
	static final int MAX_NAME_LENGTH = 512;

	private static final long EARLIEST_TS = Instant.parse("1980-01-01T00:00:00Z").toEpochMilli();

	private static final long LATEST_TS = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

	private final long maxEventSize;

	/**
	 * Creates the checks.
	 * @param maxEventSize the most bytes one event may take as JSON
	 */
	EventChecks(long maxEventSize) {
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Checks everything about one event but its size.
	 * @param index the event's index in what was sent
	 * @param event the event
	 */
	void checkFields(int index, Event event) {
		if (!StringUtils.hasText(event.name())) {
			throw new InvalidEventException(
					"Event " + index + " has no name; every event needs one, such as " + "\"shop/order.placed\"");
		}
		if (event.name().length() > MAX_NAME_LENGTH) {
			throw new InvalidEventException("Event " + index + ": name has " + event.name().length()
					+ " characters; the longest the Event API takes is " + MAX_NAME_LENGTH);
		}
		if (event.name().startsWith(EventIntake.RESERVED_PREFIX)) {
			throw new InvalidEventException(
					"Event " + index + " is named '" + Errors.abbreviate(event.name()) + "', but names starting with '"
							+ EventIntake.RESERVED_PREFIX + "' are reserved for system events");
		}
		if (event.id() != null && event.id().isBlank()) {
			throw new InvalidEventException("Event " + index + " has a blank id; leave the id out to have one "
					+ "made, or give one with text in it");
		}
		if (event.ts() != 0 && (event.ts() < EARLIEST_TS || event.ts() >= LATEST_TS)) {
			throw new InvalidEventException("Event " + index + ": ts is " + event.ts() + ", but it must be "
					+ "milliseconds since the epoch between 1980 and 2100 (" + EARLIEST_TS + " to " + (LATEST_TS - 1)
					+ "), or 0 for the time it is sent");
		}
	}

	/**
	 * Checks the size of one event.
	 * @param index the event's index in what was sent
	 * @param size the event's size as JSON, in bytes
	 */
	void checkSize(int index, long size) {
		if (size > this.maxEventSize) {
			throw new EventTooLargeException("Event " + index + " takes " + size + " bytes as JSON; the largest "
					+ "allowed is " + this.maxEventSize + " bytes (inngest.limits.event-size)");
		}
	}

}
