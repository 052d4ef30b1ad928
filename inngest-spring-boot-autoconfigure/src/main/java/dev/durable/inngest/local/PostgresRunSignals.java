package dev.durable.inngest.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.engine.RunSignals;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Signals runs made due or cancelled with PostgreSQL's {@code NOTIFY} on the channel
 * {@value #CHANNEL}. Its payload is {@code due} or {@code cancelled}, a space, the
 * {@link #instance() id of the instance} that sent it, and the run ids, each after a
 * space. The instance that sent a signal has acted on its runs already, and ignores it.
 * <p>
 * A signal given in a transaction is sent once that transaction has committed, and never
 * if it rolls back; it is sent by a thread of its own, with the signals of other
 * transactions that committed meanwhile, so that a send or a cancellation does not wait
 * for one more round trip to the database. Signals only speed things up: an instance that
 * misses one, as when this one stops before sending it, finds the runs at its next poll.
 */
public final class PostgresRunSignals implements RunSignals, AutoCloseable {

	private static final Log logger = LogFactory.getLog(PostgresRunSignals.class);

	/** The channel the instances listen on. */
	public static final String CHANNEL = "inngest_runs";

	/** Run ids per notification, well below PostgreSQL's 8000-byte payload limit. */
	static final int IDS_PER_NOTIFICATION = 200;

	private final JdbcTemplate jdbc;

	private final String instance = UUID.randomUUID().toString();

	private final Object lock = new Object();

	private final Set<String> due = new LinkedHashSet<>();

	private final Set<String> cancelled = new LinkedHashSet<>();

	private boolean closed;

	private final Thread sender;

	/**
	 * Creates signals and starts the thread that sends them.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public PostgresRunSignals(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
		this.sender = new Thread(this::sendUntilClosed, "inngest-run-signals");
		this.sender.setDaemon(true);
		this.sender.start();
	}

	/**
	 * The id of this instance, in every signal it sends, so that it can tell its own from
	 * those of the other instances.
	 * @return a random id, new for each instance
	 */
	public String instance() {
		return this.instance;
	}

	@Override
	public void due(Collection<String> runIds) {
		afterCommit(this.due, runIds);
	}

	@Override
	public void cancelled(Collection<String> runIds) {
		afterCommit(this.cancelled, runIds);
	}

	private void afterCommit(Set<String> pending, Collection<String> runIds) {
		List<String> ids = List.copyOf(runIds);
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					add(pending, ids);
				}
			});
		}
		else {
			add(pending, ids);
		}
	}

	private void add(Set<String> pending, List<String> ids) {
		synchronized (this.lock) {
			pending.addAll(ids);
			this.lock.notifyAll();
		}
	}

	private void sendUntilClosed() {
		while (true) {
			List<String> due;
			List<String> cancelled;
			synchronized (this.lock) {
				while (this.due.isEmpty() && this.cancelled.isEmpty() && !this.closed) {
					try {
						this.lock.wait();
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				if (this.due.isEmpty() && this.cancelled.isEmpty()) {
					return;
				}
				due = new ArrayList<>(this.due);
				cancelled = new ArrayList<>(this.cancelled);
				this.due.clear();
				this.cancelled.clear();
			}
			try {
				notify("cancelled", cancelled);
				notify("due", due);
			}
			catch (RuntimeException ex) {
				// The other instances find the runs at their next poll.
				logger.debug("Could not signal runs to the other instances", ex);
			}
		}
	}

	private void notify(String kind, List<String> ids) {
		for (int from = 0; from < ids.size(); from += IDS_PER_NOTIFICATION) {
			List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_NOTIFICATION));
			// Without waiting for the disk: a signal lost in a crash of the database is
			// made up for by the next poll.
			this.jdbc.queryForList("SELECT pg_notify(?, ?), set_config('synchronous_commit', 'off', true)", CHANNEL,
					kind + " " + this.instance + " " + String.join(" ", chunk));
		}
	}

	/**
	 * Sends the signals given so far, waiting a little for them, and stops the thread.
	 */
	@Override
	public void close() throws InterruptedException {
		synchronized (this.lock) {
			this.closed = true;
			this.lock.notifyAll();
		}
		this.sender.join(TimeUnit.SECONDS.toMillis(5));
	}

}
