package dev.durable.inngest.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.durable.inngest.engine.RunSignals;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Signals runs made due or cancelled with PostgreSQL's {@code NOTIFY} on the channel
 * {@value #CHANNEL}. A notification is sent in the transaction that changed the runs and
 * PostgreSQL delivers it only when that transaction commits. Its payload is {@code due}
 * or {@code cancelled}, a space, and the run ids separated by spaces.
 */
public final class PostgresRunSignals implements RunSignals {

	/** The channel the instances listen on. */
	public static final String CHANNEL = "inngest_runs";

	/** Run ids per notification, well below PostgreSQL's 8000-byte payload limit. */
	static final int IDS_PER_NOTIFICATION = 200;

	private final JdbcTemplate jdbc;

	/**
	 * Creates signals.
	 * @param jdbc the JDBC template on the engine's data source, so that the notification
	 * is sent on the transaction's connection
	 */
	public PostgresRunSignals(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void due(Collection<String> runIds) {
		notify("due", runIds);
	}

	@Override
	public void cancelled(Collection<String> runIds) {
		notify("cancelled", runIds);
	}

	private void notify(String kind, Collection<String> runIds) {
		List<String> ids = new ArrayList<>(runIds);
		for (int from = 0; from < ids.size(); from += IDS_PER_NOTIFICATION) {
			List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_NOTIFICATION));
			this.jdbc.queryForList("SELECT pg_notify(?, ?)", CHANNEL, kind + " " + String.join(" ", chunk));
		}
	}

}
