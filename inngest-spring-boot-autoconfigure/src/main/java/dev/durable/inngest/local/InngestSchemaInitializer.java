package dev.durable.inngest.local;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
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
	 * Where the schema script of a database is.
	 * @param platform the database
	 * @return the script's location
	 */
	public static String schemaLocation(DatabasePlatform platform) {
		return SCHEMA_LOCATION.replace("@@platform@@", platform.id());
	}

	/**
	 * Creates an initializer.
	 * @param dataSource the engine's data source
	 * @param mode when to initialize
	 * @param platform the database
	 */
	public InngestSchemaInitializer(DataSource dataSource, DatabaseInitializationMode mode,
			DatabasePlatform platform) {
		super(dataSource, settings(mode, platform));
	}

	private static DatabaseInitializationSettings settings(DatabaseInitializationMode mode,
			DatabasePlatform platform) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(schemaLocation(platform)));
		settings.setMode(mode);
		settings.setContinueOnError(false);
		return settings;
	}

}
