package dev.durable.inngest.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The databases the engine's tests run on: an in-memory H2 database by default, or, when
 * the system property {@value #PROPERTY} is {@code postgresql}, a fresh database on a
 * PostgreSQL server that the test JVM starts once from the binaries on the class path,
 * or, when it is {@code memory}, the engine's in-memory store instead of a database.
 */
public final class TestDatabases {

	/** The system property that chooses the database of the engine's tests. */
	public static final String PROPERTY = "inngest.test.database";

	private static final AtomicInteger databases = new AtomicInteger();

	private static EmbeddedPostgres shared;

	private TestDatabases() {
	}

	/**
	 * Whether the engine's tests run on PostgreSQL.
	 * @return {@code true} on PostgreSQL
	 */
	public static boolean postgresql() {
		return "postgresql".equalsIgnoreCase(System.getProperty(PROPERTY));
	}

	/**
	 * Whether the engine's tests run on the in-memory store.
	 * @return {@code true} in memory
	 */
	public static boolean memory() {
		return "memory".equalsIgnoreCase(System.getProperty(PROPERTY));
	}

	/**
	 * A JDBC URL of a new, empty database on the chosen platform.
	 * @param name a name to recognise it by
	 * @return the URL
	 */
	public static String newUrl(String name) {
		if (postgresql()) {
			return newPostgresDatabase(sharedServer());
		}
		return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	/**
	 * The PostgreSQL server shared by the tests of this JVM, started on first use.
	 * @return the server
	 */
	public static synchronized EmbeddedPostgres sharedServer() {
		if (shared == null) {
			shared = startPostgres(null, 0);
			EmbeddedPostgres server = shared;
			Runtime.getRuntime().addShutdownHook(new Thread(() -> close(server)));
		}
		return shared;
	}

	/**
	 * Starts a PostgreSQL server of its own.
	 * @param dataDirectory where it keeps its data, kept across restarts; {@code null}
	 * for a temporary directory
	 * @param port its port; {@code 0} for any free port
	 * @return the server
	 */
	public static EmbeddedPostgres startPostgres(Path dataDirectory, int port) {
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
			if (dataDirectory != null) {
				builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
			}
			if (port != 0) {
				builder.setPort(port);
			}
			return builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start PostgreSQL", ex);
		}
	}

	/**
	 * Creates a new database on a server.
	 * @param server the server
	 * @return the JDBC URL of the new database
	 */
	public static String newPostgresDatabase(EmbeddedPostgres server) {
		String name = "inngest_" + databases.incrementAndGet() + "_" + ProcessHandle.current().pid();
		try (Connection connection = server.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create database " + name, ex);
		}
		return server.getJdbcUrl("postgres", name);
	}

	/**
	 * Stops a server.
	 * @param server the server
	 */
	public static void close(EmbeddedPostgres server) {
		try {
			server.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not stop PostgreSQL", ex);
		}
	}

}
