package dev.durable.inngest.remote;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;

/**
 * Creates the event outbox's table from {@code outbox-<platform>.sql} (H2 or PostgreSQL)
 * when the application starts, as {@code inngest.outbox.schema-initialize} says. The
 * scripts only create what is missing.
 */
public class EventOutboxSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** Where the scripts are, with {@code @@platform@@} for the database. */
	public static final String SCHEMA_LOCATION = "classpath:dev/durable/inngest/remote/outbox-@@platform@@.sql";

	/**
	 * Creates an initializer.
	 * @param dataSource the data source of the outbox
	 * @param mode when to initialize
	 */
	public EventOutboxSchemaInitializer(DataSource dataSource, DatabaseInitializationMode mode) {
		super(dataSource, settings(dataSource, mode));
	}

	private static DatabaseInitializationSettings settings(DataSource dataSource, DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		if (mode != DatabaseInitializationMode.NEVER) {
			settings.setSchemaLocations(
					new PlatformPlaceholderDatabaseDriverResolver().resolveAll(dataSource, SCHEMA_LOCATION));
		}
		else {
			settings.setSchemaLocations(List.of());
		}
		settings.setMode(mode);
		settings.setContinueOnError(false);
		return settings;
	}

}
