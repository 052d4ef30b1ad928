package dev.durable.inngest.local;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;

/**
 * Creates the engine's tables from {@code schema-<platform>.sql} (H2 or PostgreSQL) when the
 * application starts: on embedded databases by default, always, or never, as
 * {@code inngest.local.schema.initialize} says. The scripts only create what is missing.
 */
public class InngestSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** Where the schema scripts are, with {@code @@platform@@} for the database. */
	public static final String SCHEMA_LOCATION = "classpath:dev/durable/inngest/local/schema-@@platform@@.sql";

	/**
	 * Creates an initializer.
	 * @param dataSource the engine's data source
	 * @param mode when to initialize
	 * @param platform the platform of the scripts, or {@code null} to detect it
	 */
	public InngestSchemaInitializer(DataSource dataSource, DatabaseInitializationMode mode, String platform) {
		super(dataSource, settings(dataSource, mode, platform));
	}

	private static DatabaseInitializationSettings settings(DataSource dataSource, DatabaseInitializationMode mode,
			String platform) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		PlatformPlaceholderDatabaseDriverResolver resolver = new PlatformPlaceholderDatabaseDriverResolver();
		settings.setSchemaLocations((platform != null) ? resolver.resolveAll(platform, SCHEMA_LOCATION)
				: resolver.resolveAll(dataSource, SCHEMA_LOCATION));
		settings.setMode(mode);
		settings.setContinueOnError(false);
		return settings;
	}

}
