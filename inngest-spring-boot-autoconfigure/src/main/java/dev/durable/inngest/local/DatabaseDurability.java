package dev.durable.inngest.local;

import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * What the engine's database keeps of a commit across a crash and a restart. On H2 it
 * sets, at start-up, how long the database may keep a commit before it writes it to its
 * file (its {@code WRITE_DELAY}; 0 unless configured, so that a run or an event the
 * engine has acknowledged is on disk), unless the database's URL sets it, and says in the
 * log what a crash or a restart loses: everything on an in-memory database, the commits
 * of the last moments with a write delay.
 */
public class DatabaseDurability implements InitializingBean {

	private static final Log logger = LogFactory.getLog(DatabaseDurability.class);

	private static final Pattern CREDENTIALS = Pattern.compile("(?i);(user|password)=[^;]*");

	private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final DatabasePlatform platform;

	private final Duration h2WriteDelay;

	private volatile int writeDelay;

	private volatile boolean inMemory;

	/**
	 * Creates the durability settings of a database.
	 * @param dataSource the engine's data source
	 * @param platform its database
	 * @param h2WriteDelay the write delay to set on H2 (its {@code WRITE_DELAY}); zero
	 * for every commit written to the database's file before it returns
	 */
	public DatabaseDurability(DataSource dataSource, DatabasePlatform platform, Duration h2WriteDelay) {
		if (h2WriteDelay == null || h2WriteDelay.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("inngest.local.h2.write-delay", h2WriteDelay,
					"It must be zero or positive.");
		}
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.platform = platform;
		this.h2WriteDelay = h2WriteDelay;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.platform != DatabasePlatform.H2) {
			return;
		}
		String url = url();
		this.inMemory = url != null && url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:mem:");
		if (this.inMemory) {
			logger.warn("The durable function engine's database is in memory (" + withoutCredentials(url) + "): "
					+ "its runs, their steps and the events that started them are lost when the application "
					+ "stops, and sleeping or waiting runs never resume. Point spring.datasource.url at a database "
					+ "that keeps them, such as jdbc:h2:file:./data/app or PostgreSQL.");
			return;
		}
		String configured = H2Urls.configuredUrl(this.dataSource);
		// H2 applies a WRITE_DELAY in the URL with every connection it opens, so that one
		// wins.
		if (configured == null || !H2Urls.sets(configured, "WRITE_DELAY")) {
			setWriteDelay();
		}
		readWriteDelay();
	}

	private void setWriteDelay() {
		long millis = this.h2WriteDelay.toMillis();
		try {
			this.jdbc.execute("SET WRITE_DELAY " + millis);
		}
		catch (DataAccessException ex) {
			logger.warn("Could not set H2's WRITE_DELAY to " + millis + " (" + reason(ex) + "): only an "
					+ "administrator of the database may set it. Connect to it as one (H2's first user is), or "
					+ "use PostgreSQL.");
		}
	}

	private void readWriteDelay() {
		int delay;
		try {
			delay = H2Settings.read(this.jdbc, "WRITE_DELAY").orElse(0);
		}
		catch (DataAccessException | NumberFormatException ex) {
			// Only a note for the log: a database that does not tell does not stop the
			// start.
			logger.debug("Could not read H2's WRITE_DELAY", ex);
			return;
		}
		this.writeDelay = delay;
		if (delay > 0) {
			logger.info("H2 writes commits to its file up to " + delay + " ms after they return (WRITE_DELAY=" + delay
					+ "): if the process dies, the events, steps and run ends committed in that time are lost. "
					+ "Set inngest.local.h2.write-delay=0 (the default), with no WRITE_DELAY in the database URL, "
					+ "to write every commit as it returns, or use PostgreSQL in production.");
		}
	}

	/**
	 * How long the database may keep a commit before it writes it to its file, as read at
	 * start-up: H2's {@code WRITE_DELAY} in effect; 0 on other databases, on an in-memory
	 * H2 database, which has no file, and on an H2 database that did not tell.
	 * @return the delay in milliseconds, 0 where every commit is written as it returns
	 */
	public int commitWriteDelay() {
		return this.writeDelay;
	}

	/**
	 * Whether the database keeps nothing across a restart of the application: an
	 * in-memory H2 database.
	 * @return {@code true} if runs are lost when the application stops
	 */
	public boolean inMemory() {
		return this.inMemory;
	}

	private @Nullable String url() {
		try {
			return JdbcUtils.extractDatabaseMetaData(this.dataSource, DatabaseMetaData::getURL);
		}
		catch (MetaDataAccessException ex) {
			logger.debug("Could not read the database's URL", ex);
			return null;
		}
	}

	/**
	 * A JDBC URL without the user and password it may name.
	 * @param url the URL
	 * @return the URL to show in a log
	 */
	static String withoutCredentials(String url) {
		return USER_INFO.matcher(CREDENTIALS.matcher(url).replaceAll("")).replaceAll("//");
	}

	/** H2's own reason, without the statement it quotes. */
	private static String reason(Exception ex) {
		String message = String.valueOf(NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
		String first = message.lines().findFirst().orElse("");
		int statement = first.indexOf("; SQL statement:");
		return (statement >= 0) ? first.substring(0, statement) : first;
	}

}
