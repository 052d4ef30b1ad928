package dev.durable.inngest.local;

import java.util.List;

import dev.durable.inngest.engine.store.AppStore;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores the apps synced to the executor in {@code inngest_app}.
 */
public final class JdbcAppStore implements AppStore {

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public JdbcAppStore(JdbcTemplate jdbc) {
		this.jdbc = JdbcClient.create(jdbc);
	}

	@Override
	public List<AppRecord> findAll() {
		return this.jdbc.sql("SELECT * FROM inngest_app ORDER BY app_id")
			.query((rs, row) -> new AppRecord(rs.getString("app_id"), rs.getString("url"), rs.getString("functions"),
					rs.getString("checksum"), Timestamps.read(rs, "synced_at")))
			.list();
	}

	@Override
	public void save(AppRecord app) {
		int updated = this.jdbc
			.sql("UPDATE inngest_app SET url = ?, functions = ?, checksum = ?, synced_at = ? WHERE app_id = ?")
			.params(app.url(), app.functions(), app.checksum(), Timestamps.of(app.syncedAt()), app.id())
			.update();
		if (updated == 0) {
			this.jdbc
				.sql("INSERT INTO inngest_app (app_id, url, functions, checksum, synced_at) VALUES (?, ?, ?, ?, ?)")
				.params(app.id(), app.url(), app.functions(), app.checksum(), Timestamps.of(app.syncedAt()))
				.update();
		}
	}

}
