package dev.durable.inngest.local;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import dev.durable.inngest.engine.LeasedRuns;
import dev.durable.inngest.engine.RunScheduler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import org.springframework.context.SmartLifecycle;

/**
 * Listens on PostgreSQL's {@value PostgresRunSignals#CHANNEL} channel, on a connection of
 * its own, for runs that other instances made due or cancelled: a due run is offered to
 * this instance's workers if one is free, and an execution of a cancelled run stops
 * before its next step. It ignores the signals of its own instance, which acted on those
 * runs when it sent them. When the connection breaks (the database restarted, say) it
 * connects again and polls the store once, since notifications sent meanwhile are lost.
 */
public final class PostgresNotificationListener implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PostgresNotificationListener.class);

	private static final int WAIT_MILLIS = 500;

	private final DataSource dataSource;

	private final RunScheduler engine;

	private final LeasedRuns executing;

	private final Duration reconnectDelay;

	private final @Nullable String instance;

	private volatile boolean running;

	private @Nullable Thread thread;

	/**
	 * Creates a listener.
	 * @param dataSource the engine's data source; the listener holds one of its
	 * connections
	 * @param engine the engine to hand due runs to
	 * @param executing the executions to stop
	 * @param reconnectDelay how long to wait before connecting again after a failure
	 * @param signals the signals this instance sends, whose notifications it ignores, or
	 * {@code null} not to listen at all: only PostgreSQL with notifications enabled has
	 * them
	 */
	public PostgresNotificationListener(DataSource dataSource, RunScheduler engine, LeasedRuns executing,
			Duration reconnectDelay, @Nullable PostgresRunSignals signals) {
		this.dataSource = dataSource;
		this.engine = engine;
		this.executing = executing;
		this.reconnectDelay = reconnectDelay;
		this.instance = (signals != null) ? signals.instance() : null;
	}

	@Override
	public synchronized void start() {
		if (this.running || this.instance == null) {
			return;
		}
		this.running = true;
		this.thread = new Thread(this::listen, "inngest-listener");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void listen() {
		boolean failed = false;
		while (this.running) {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + PostgresRunSignals.CHANNEL);
				}
				if (failed) {
					logger.info("Listening for runs from other instances again");
					// Notifications sent while disconnected are lost: look for due runs
					// now.
					this.engine.pollNow();
					failed = false;
				}
				PGConnection notifications = connection.unwrap(PGConnection.class);
				while (this.running) {
					PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
					if (received != null) {
						Arrays.stream(received).map(PGNotification::getParameter).forEach(this::handle);
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.running) {
					return;
				}
				if (!failed) {
					logger.warn("Listening for runs from other instances failed; polling continues and listening "
							+ "resumes once the database can be reached", ex);
				}
				failed = true;
				pause();
			}
		}
	}

	private void handle(String payload) {
		List<String> words = List.of(payload.split(" "));
		if (words.size() < 3) {
			logger.debug("Ignoring notification '" + payload + "'");
			return;
		}
		if (words.get(1).equals(this.instance)) {
			// Sent from here, after this instance queued or stopped the runs itself.
			return;
		}
		List<String> runIds = words.subList(2, words.size());
		switch (words.get(0)) {
			case "due" -> this.engine.offer(runIds);
			case "cancelled" -> this.executing.stop(runIds);
			default -> logger.debug("Ignoring notification '" + payload + "'");
		}
	}

	private void pause() {
		try {
			Thread.sleep(this.reconnectDelay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(WAIT_MILLIS * 4L);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Starts after the engine, stops before it.
		return RunScheduler.PHASE + 1;
	}

}
