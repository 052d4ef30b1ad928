package dev.durable.inngest.local;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Checks at start-up that the database has the schema version this release of the engine
 * needs, so that a missing or foreign schema fails the start with an explanation instead
 * of failing runs later. On PostgreSQL it also reads whether commits wait for their log
 * to be flushed.
 */
public class InngestSchemaVerifier implements InitializingBean {

	private static final Log logger = LogFactory.getLog(InngestSchemaVerifier.class);

	/** The schema version this release reads and writes. */
	public static final int VERSION = 7;

	private final JdbcTemplate jdbc;

	private final DatabasePlatform platform;

	private volatile boolean synchronousCommit;

	/**
	 * Creates a verifier.
	 * @param dataSource the engine's data source
	 * @param platform its database
	 */
	public InngestSchemaVerifier(DataSource dataSource, DatabasePlatform platform) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.platform = platform;
	}

	@Override
	public void afterPropertiesSet() {
		verify();
		if (this.platform == DatabasePlatform.POSTGRESQL) {
			readSynchronousCommit();
		}
	}

	private void readSynchronousCommit() {
		try {
			this.synchronousCommit = !"off"
				.equalsIgnoreCase(this.jdbc.queryForObject("SHOW synchronous_commit", String.class));
		}
		catch (DataAccessException ex) {
			// Only a default for the engine: a database that does not tell does not stop
			// the start.
			logger.debug("Could not read PostgreSQL's synchronous_commit", ex);
		}
	}

	/**
	 * Whether PostgreSQL's commits wait for their log to be flushed before they return,
	 * as read at start-up: its {@code synchronous_commit} is not {@code off};
	 * {@code false} on other databases, and on a PostgreSQL database that did not tell.
	 * @return {@code true} if they wait
	 */
	public boolean postgresSynchronousCommit() {
		return this.synchronousCommit;
	}

	/**
	 * Checks the schema version.
	 * @return the version found
	 * @throws InngestSchemaException if it is not the one this release needs
	 */
	public int verify() {
		Integer version;
		try {
			version = this.jdbc.queryForObject("SELECT MAX(version) FROM inngest_schema_version", Integer.class);
		}
		catch (BadSqlGrammarException ex) {
			version = null;
		}
		String script = InngestSchemaInitializer.schemaLocation(this.platform);
		if (version == null) {
			throw new InngestSchemaException(
					"The durable function engine's tables are missing from the " + this.platform.id()
							+ " database (there is no inngest_schema_version row).",
					"Let the engine create them with inngest.local.schema.initialize=always, or apply " + script
							+ " from the starter's jar to the database by hand.");
		}
		if (version > VERSION) {
			throw new InngestSchemaException(
					"The database has version " + version + " of the durable function "
							+ "engine's schema, written by a later release; this release uses version " + VERSION + ".",
					"Upgrade the application to the release that wrote the schema, or point it at another database.");
		}
		if (version < VERSION) {
			throw new InngestSchemaException(
					"The database has version " + version + " of the durable function "
							+ "engine's schema; this release needs version " + VERSION + ".",
					"Apply " + script + " (it migrates earlier versions), or set "
							+ "inngest.local.schema.initialize=always.");
		}
		return version;
	}

}
