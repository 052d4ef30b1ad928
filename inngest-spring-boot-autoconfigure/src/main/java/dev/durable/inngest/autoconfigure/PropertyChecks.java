package dev.durable.inngest.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks of property values that their types cannot make, such as a positive interval. A
 * value that fails one stops the start with Spring Boot's report of an invalid property
 * value, which names the property, the value and where it was set, rather than with an
 * error from deep inside a component, or a component that misbehaves later.
 */
final class PropertyChecks {

	private PropertyChecks() {
	}

	/**
	 * A duration of at least a millisecond, which the schedulers and clients it is given
	 * to can use.
	 * @param property the property
	 * @param value its value
	 * @return the value
	 */
	static Duration positive(String property, Duration value) {
		if (value.toMillis() < 1) {
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
	static Duration notNegative(String property, Duration value) {
		if (value.isNegative()) {
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
	static DataSize positive(String property, DataSize value) {
		if (value.toBytes() < 1) {
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
	static int positive(String property, int value) {
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
	static double atLeast(String property, double value, double minimum) {
		if (value < minimum) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"It must be at least " + minimum + ".");
		}
		return value;
	}

}
