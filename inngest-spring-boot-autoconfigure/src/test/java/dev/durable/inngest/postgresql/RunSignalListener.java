package dev.durable.inngest.postgresql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.local.PostgresRunSignals;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A connection of its own that listens on the engine's channel, as another instance
 * would, for the payloads of the signals sent on it.
 */
final class RunSignalListener implements AutoCloseable {

	private final Connection connection;

	/**
	 * Connects and starts listening.
	 * @param url the database's JDBC URL
	 */
	RunSignalListener(String url) throws SQLException {
		this.connection = DriverManager.getConnection(url, "postgres", "");
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("LISTEN " + PostgresRunSignals.CHANNEL);
		}
	}

	/**
	 * The payloads received within a time.
	 * @param within how long to wait
	 * @return the payloads, in the order received
	 */
	List<String> received(Duration within) {
		return received(within, Integer.MAX_VALUE);
	}

	/**
	 * The payloads received within a time, or until this many have been.
	 * @param within how long to wait at most
	 * @param count how many to wait for
	 * @return the payloads, in the order received
	 */
	List<String> received(Duration within, int count) {
		List<String> payloads = new ArrayList<>();
		long deadline = System.nanoTime() + within.toNanos();
		try {
			PGConnection listening = this.connection.unwrap(PGConnection.class);
			while (payloads.size() < count) {
				long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
				if (left <= 0) {
					break;
				}
				PGNotification[] notifications = listening.getNotifications((int) left);
				if (notifications != null) {
					for (PGNotification notification : notifications) {
						payloads.add(notification.getParameter());
					}
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return payloads;
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
