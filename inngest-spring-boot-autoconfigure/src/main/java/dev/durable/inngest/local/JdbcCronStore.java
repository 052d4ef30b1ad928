package dev.durable.inngest.local;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import dev.durable.inngest.engine.store.CronStore;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores the next fire time of each cron trigger in {@code inngest_cron}.
 */
public final class JdbcCronStore implements CronStore {

	private final JdbcClient jdbc;

	/**
	 * Creates a store.
	 * @param jdbc the JDBC template on the engine's data source
	 */
	public JdbcCronStore(JdbcTemplate jdbc) {
		this.jdbc = JdbcClient.create(jdbc);
	}

	@Override
	public void insertIfAbsent(CronTick tick) {
		this.jdbc
			.sql("INSERT INTO inngest_cron (function_id, expression, next_fire_at) SELECT ?, ?, ? WHERE NOT EXISTS "
					+ "(SELECT 1 FROM inngest_cron WHERE function_id = ? AND expression = ?)")
			.params(tick.functionId(), tick.expression(), Timestamps.of(tick.nextFireAt()), tick.functionId(),
					tick.expression())
			.update();
	}

	@Override
	public List<CronTick> findDue(Instant now) {
		return this.jdbc.sql("SELECT * FROM inngest_cron WHERE next_fire_at <= ?")
			.param(Timestamps.of(now))
			.query(JdbcCronStore::tick)
			.list();
	}

	@Override
	public List<CronTick> findAll() {
		return this.jdbc.sql("SELECT * FROM inngest_cron").query(JdbcCronStore::tick).list();
	}

	@Override
	public void delete(String functionId, String expression) {
		this.jdbc.sql("DELETE FROM inngest_cron WHERE function_id = ? AND expression = ?")
			.params(functionId, expression)
			.update();
	}

	private static CronTick tick(ResultSet rs, int row) throws SQLException {
		return new CronTick(rs.getString("function_id"), rs.getString("expression"),
				Timestamps.read(rs, "next_fire_at"));
	}

	@Override
	public boolean advance(CronTick tick, Instant next) {
		return this.jdbc
			.sql("UPDATE inngest_cron SET next_fire_at = ? WHERE function_id = ? AND expression = ? "
					+ "AND next_fire_at = ?")
			.params(Timestamps.of(next), tick.functionId(), tick.expression(), Timestamps.of(tick.nextFireAt()))
			.update() == 1;
	}

}
