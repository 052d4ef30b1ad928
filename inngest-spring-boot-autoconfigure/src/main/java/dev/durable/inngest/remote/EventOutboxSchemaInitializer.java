package dev.durable.inngest.remote;

import java.util.List;

import javax.sql.DataSource;

import dev.durable.inngest.local.DatabasePlatform;

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

	private final DataSource dataSource;

	/**
	 * Creates an initializer.
	 * @param dataSource the data source of the outbox
	 * @param mode when to initialize
	 */
	public EventOutboxSchemaInitializer(DataSource dataSource, DatabaseInitializationMode mode) {
		super(dataSource, settings(dataSource, mode));
		this.dataSource = dataSource;
	}

	/**
	 * Whether the database is embedded, for {@code embedded} initialization: every H2
	 * database, as the local engine's schema counts them, and whatever Spring Boot counts
	 * as embedded, which is only an in-memory H2 database.
	 */
	@Override
	protected boolean isEmbeddedDatabase() {
		return isH2() || super.isEmbeddedDatabase();
	}

	private boolean isH2() {
		try {
			return DatabasePlatform.of(this.dataSource) == DatabasePlatform.H2;
		}
		catch (RuntimeException ex) {
			// A database the engine does not run on, or none reachable: Spring Boot's
			// rule decides.
			return false;
		}
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
