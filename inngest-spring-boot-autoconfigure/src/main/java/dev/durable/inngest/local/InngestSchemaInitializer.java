package dev.durable.inngest.local;

import java.util.List;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Creates the engine's tables from {@code schema-<platform>.sql} (H2 or PostgreSQL) when
 * the application starts: on embedded databases by default, always, or never, as
 * {@code inngest.local.schema.initialize} says. Every H2 database counts as embedded,
 * whether in memory or in a file. The scripts only create what is missing. On H2 it also
 * raises {@code MAX_LENGTH_INPLACE_LOB} to {@value #H2_INPLACE_LOB_LENGTH} if it is
 * lower, so that the JSON of events, steps and runs is kept in their rows.
 */
public class InngestSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	private static final Log logger = LogFactory.getLog(InngestSchemaInitializer.class);

	/** Where the schema scripts are, with {@code @@platform@@} for the database. */
	public static final String SCHEMA_LOCATION = "classpath:dev/durable/inngest/local/schema-@@platform@@.sql";

	/**
	 * The length, in bytes, up to which H2 keeps a large object in its row once the
	 * schema is initialized (its {@code MAX_LENGTH_INPLACE_LOB}, 256 unless set). A
	 * longer one H2 stores apart, in a store of its own, which makes writing and reading
	 * it several times as dear.
	 */
	public static final int H2_INPLACE_LOB_LENGTH = 65_536;

	private static final int H2_DEFAULT_INPLACE_LOB_LENGTH = 256;

	private final DataSource dataSource;

	private final DatabasePlatform platform;

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
	public InngestSchemaInitializer(DataSource dataSource, DatabaseInitializationMode mode, DatabasePlatform platform) {
		super(dataSource, settings(mode, platform));
		this.dataSource = dataSource;
		this.platform = platform;
	}

	private static DatabaseInitializationSettings settings(DatabaseInitializationMode mode, DatabasePlatform platform) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(schemaLocation(platform)));
		settings.setMode(mode);
		settings.setContinueOnError(false);
		return settings;
	}

	/**
	 * Whether the database is embedded, for {@code embedded} initialization: every H2
	 * database, and whatever Spring Boot counts as embedded. Spring Boot counts only an
	 * in-memory H2 database; but a file H2 database is as much the application's own, and
	 * is where the engine keeps its runs across restarts, so its tables are created there
	 * too.
	 */
	@Override
	protected boolean isEmbeddedDatabase() {
		return this.platform == DatabasePlatform.H2 || super.isEmbeddedDatabase();
	}

	@Override
	public boolean initializeDatabase() {
		boolean initialized = super.initializeDatabase();
		if (initialized && this.platform == DatabasePlatform.H2) {
			keepLargeObjectsInRows();
		}
		return initialized;
	}

	/**
	 * Raises H2's {@code MAX_LENGTH_INPLACE_LOB}, a setting of the whole database kept in
	 * its file, to {@value #H2_INPLACE_LOB_LENGTH} if it is lower; it never lowers it. It
	 * decides only where H2 stores large objects, not what they hold. Changing it takes
	 * an administrator: a database user who is not one leaves it as it is, and the log
	 * says so.
	 */
	private void keepLargeObjectsInRows() {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		try {
			int length = H2Settings.read(jdbc, "MAX_LENGTH_INPLACE_LOB").orElse(H2_DEFAULT_INPLACE_LOB_LENGTH);
			if (length < H2_INPLACE_LOB_LENGTH) {
				jdbc.execute("SET MAX_LENGTH_INPLACE_LOB " + H2_INPLACE_LOB_LENGTH);
			}
		}
		catch (DataAccessException | NumberFormatException ex) {
			logger.info("Could not raise H2's MAX_LENGTH_INPLACE_LOB to " + H2_INPLACE_LOB_LENGTH + " (" + reason(ex)
					+ "): H2 stores the JSON "
					+ "of events, steps and runs that is longer than it apart from their rows, which is slower. "
					+ "Run SET MAX_LENGTH_INPLACE_LOB " + H2_INPLACE_LOB_LENGTH + " once as an administrator "
					+ "of the database.");
		}
	}

	/** H2's own reason, without the statement it quotes. */
	private static String reason(Exception ex) {
		String message = String.valueOf(NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
		String first = message.lines().findFirst().orElse("");
		int statement = first.indexOf("; SQL statement:");
		return (statement >= 0) ? first.substring(0, statement) : first;
	}

}
