package dev.durable.inngest.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The databases the local engine runs on. What differs between them is kept here and in
 * the schema scripts named after {@link #id()}: the engine's queries are otherwise the
 * same on both.
 */
public enum DatabasePlatform {

	/** H2, embedded: the default, with no set-up. */
	H2("h2", false, false),

	/** PostgreSQL: for production and for several instances sharing one database. */
	POSTGRESQL("postgresql", true, true);

	private final String id;

	private final boolean notifications;

	private final boolean dataModifyingCte;

	DatabasePlatform(String id, boolean notifications, boolean dataModifyingCte) {
		this.id = id;
		this.notifications = notifications;
		this.dataModifyingCte = dataModifyingCte;
	}

	/**
	 * The platform's name in the schema scripts, {@code schema-<id>.sql}.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Whether the database can tell the other instances of runs made due
	 * ({@code LISTEN/NOTIFY}).
	 * @return {@code true} if it can
	 */
	public boolean supportsNotifications() {
		return this.notifications;
	}

	/**
	 * A query over the rows that an update changed, as they are after it, so that an
	 * update and the read of what it changed take one statement:
	 * {@code WITH r AS (UPDATE ... RETURNING *)} on PostgreSQL,
	 * {@code FINAL TABLE (UPDATE ...)} on H2.
	 * @param columns what the query selects
	 * @param update the update
	 * @param alias the name of the changed rows in the query
	 * @param rest what follows the changed rows in the query's {@code FROM}, such as
	 * joins
	 * @return the statement
	 */
	public String selectUpdated(String columns, String update, String alias, String rest) {
		return switch (this) {
			case H2 -> "SELECT " + columns + " FROM FINAL TABLE (" + update + ") " + alias + " " + rest;
			case POSTGRESQL ->
				"WITH " + alias + " AS (" + update + " RETURNING *) SELECT " + columns + " FROM " + alias + " " + rest;
		};
	}

	/**
	 * What a query joins to let its transaction commit without waiting for its log to be
	 * flushed to disk, where the database can; empty where it cannot. Only for writes
	 * that may be lost in a crash of the database: in PostgreSQL's log, a write that is
	 * later flushed with another that waits for its flush is flushed first.
	 * @param alias the alias of the joined row
	 * @return a {@code CROSS JOIN} to append to a query's {@code FROM}, or {@code ""}
	 */
	public String commitUnflushed(String alias) {
		return switch (this) {
			case H2 -> "";
			case POSTGRESQL -> " CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) " + alias;
		};
	}

	/**
	 * The values for an {@code IN (...)} list. H2 keeps a few parsed statements per
	 * connection, found by their text, and parses any other text anew: there the list is
	 * padded, by repeating its first value, to a multiple of {@code batch}, so that lists
	 * of up to that many values make one text. PostgreSQL takes the values as they are:
	 * it caches plans per prepared statement rather than per connection and text, and
	 * padded there, the claim on a new database made W1 three times slower (900 against
	 * 3,000 runs/s), most likely by a plan kept from when the tables were empty.
	 * @param <T> the type of the values
	 * @param values the values, at least one
	 * @param batch the multiple to pad to
	 * @return the values to bind
	 */
	public <T> List<T> inList(Collection<T> values, int batch) {
		List<T> list = new ArrayList<>(values);
		if (this == H2) {
			T first = list.get(0);
			while (list.size() % batch != 0) {
				list.add(first);
			}
		}
		return list;
	}

	/**
	 * The runs table, read through its index of due times: where due runs of some
	 * functions are looked for, which H2 would otherwise read through the index of
	 * function ids, all their runs ended or not. PostgreSQL chooses from its statistics.
	 * @return what follows {@code FROM}
	 */
	public String runsByDueTime() {
		return (this == H2) ? "inngest_run USE INDEX (inngest_run_due_ended)" : "inngest_run";
	}

	/**
	 * Whether a statement can write to two tables at once
	 * ({@code WITH s AS (INSERT ...) UPDATE
	 * ...}), so that a run's last step and its completion take one round trip and one
	 * commit.
	 * @return {@code true} if it can
	 */
	public boolean supportsDataModifyingCte() {
		return this.dataModifyingCte;
	}

	/**
	 * The platform with the given id.
	 * @param id {@code h2} or {@code postgresql}, in any case
	 * @return the platform
	 * @throws InvalidConfigurationPropertyValueException if the engine does not run on
	 * that database
	 */
	public static DatabasePlatform of(String id) {
		String wanted = id.trim().toLowerCase(Locale.ROOT);
		for (DatabasePlatform platform : values()) {
			if (platform.id.equals(wanted)) {
				return platform;
			}
		}
		throw new InvalidConfigurationPropertyValueException("inngest.local.schema.platform", id,
				"The local engine runs on 'h2' or 'postgresql'.");
	}

	/**
	 * The platform of a data source, read from its connection's metadata.
	 * @param dataSource the data source
	 * @return the platform
	 * @throws InngestSchemaException if the database is not one the engine runs on
	 * @throws IllegalStateException if the database cannot be reached
	 */
	public static DatabasePlatform of(DataSource dataSource) {
		String product = product(dataSource);
		DatabasePlatform platform = named(product);
		if (platform == null) {
			throw new InngestSchemaException("The durable function engine runs on H2 or PostgreSQL, but the "
					+ "application's database is " + product + ".",
					"Point spring.datasource at an H2 or PostgreSQL database.");
		}
		return platform;
	}

	/**
	 * The platform configured for a data source, checked against what its metadata says
	 * where that is H2 or PostgreSQL: another database that takes one's SQL (one that
	 * speaks PostgreSQL's protocol, say) may be given as that one.
	 * @param id {@code h2} or {@code postgresql}, in any case
	 * @param dataSource the data source
	 * @return the platform
	 * @throws InvalidConfigurationPropertyValueException if the engine does not run on
	 * that database, or the data source is the other one
	 * @throws IllegalStateException if the database cannot be reached
	 */
	public static DatabasePlatform of(String id, DataSource dataSource) {
		DatabasePlatform configured = of(id);
		String product = product(dataSource);
		DatabasePlatform detected = named(product);
		if (detected != null && detected != configured) {
			throw new InvalidConfigurationPropertyValueException("inngest.local.schema.platform", id,
					"The application's database is " + product + ", which is '" + detected.id
							+ "': leave the property unset to have the database detected.");
		}
		return configured;
	}

	private static String product(DataSource dataSource) {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(dataSource,
					(metaData) -> metaData.getDatabaseProductName());
			return (product != null) ? product : "";
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Could not read which database the durable function engine runs on", ex);
		}
	}

	private static @Nullable DatabasePlatform named(String product) {
		String name = product.toLowerCase(Locale.ROOT);
		if (name.contains("h2")) {
			return H2;
		}
		if (name.contains("postgresql")) {
			return POSTGRESQL;
		}
		return null;
	}

}
