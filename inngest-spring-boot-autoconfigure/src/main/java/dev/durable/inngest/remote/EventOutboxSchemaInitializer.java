package dev.durable.inngest.remote;

import java.sql.DatabaseMetaData;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

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
			String product = JdbcUtils.extractDatabaseMetaData(this.dataSource,
					DatabaseMetaData::getDatabaseProductName);
			return product != null && product.toLowerCase(Locale.ROOT).contains("h2");
		}
		catch (MetaDataAccessException ex) {
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
