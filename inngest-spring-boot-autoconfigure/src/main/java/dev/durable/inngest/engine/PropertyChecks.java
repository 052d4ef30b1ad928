package dev.durable.inngest.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks of property values that their types cannot make, such as a positive interval. A
 * value that fails one stops the start with Spring Boot's report of an invalid property
 * value, which names the property, the value and where it was set, rather than with an
 * error from deep inside a component, or a component that misbehaves later.
 */
public final class PropertyChecks {

	private PropertyChecks() {
	}

	/**
	 * A duration of at least a millisecond, which the schedulers and clients that take
	 * milliseconds can use.
	 * @param property the property
	 * @param value its value
	 * @return the value
	 */
	public static Duration atLeastOneMillisecond(String property, @Nullable Duration value) {
		if (value == null || value.toMillis() < 1) {
			throw new InvalidConfigurationPropertyValueException(property, value, "It must be at least 1ms.");
		}
		return value;
	}

	/**
	 * A duration of zero or more.
	 * @param property the property
	 * @param value its value
	 * @return the value
	 */
	public static Duration notNegative(String property, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(property, value, "It must not be negative.");
		}
		return value;
	}

	/**
	 * A size of at least one byte.
	 * @param property the property
	 * @param value its value
	 * @return the value
	 */
	public static DataSize positive(String property, @Nullable DataSize value) {
		if (value == null || value.toBytes() < 1) {
			throw new InvalidConfigurationPropertyValueException(property, value, "It must be at least 1B.");
		}
		return value;
	}

	/**
	 * A count of at least one.
	 * @param property the property
	 * @param value its value
	 * @return the value
	 */
	public static long atLeastOne(String property, long value) {
		if (value < 1) {
			throw new InvalidConfigurationPropertyValueException(property, value, "It must be at least 1.");
		}
		return value;
	}

	/**
	 * A number no lower than a minimum.
	 * @param property the property
	 * @param value its value
	 * @param minimum the lowest value allowed
	 * @return the value
	 */
	public static double atLeast(String property, double value, double minimum) {
		if (value < minimum) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"It must be at least " + minimum + ".");
		}
		return value;
	}

}
