package dev.durable.inngest.local;

import java.util.OptionalInt;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads H2's numeric settings from {@code INFORMATION_SCHEMA.SETTINGS}.
 */
final class H2Settings {

	private H2Settings() {
	}

	/**
	 * Reads a numeric setting. H2 lists a setting only once it is set, and twice when the
	 * database URL sets it (the database's and the URL's): the larger is taken.
	 * @param jdbc a template on the H2 database
	 * @param name the setting's name, such as {@code WRITE_DELAY}
	 * @return its value, or empty if H2 does not list it
	 * @throws NumberFormatException if H2 lists it with a value that is not a number
	 */
	static OptionalInt read(JdbcTemplate jdbc, String name) {
		return jdbc
			.queryForList("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?", String.class,
					name)
			.stream()
			.mapToInt((value) -> Integer.parseInt(value.trim()))
			.max();
	}

}
