package dev.durable.inngest.local;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.EventStore;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores events in {@code inngest_event}.
 */
public final class JdbcEventStore implements EventStore {

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final JsonCodec json;

	/**
	 * Creates a store.
	 * @param template the JDBC template on the engine's data source
	 * @param json the JSON codec
	 */
	public JdbcEventStore(JdbcTemplate template, JsonCodec json) {
		this.template = template;
		this.jdbc = JdbcClient.create(template);
		this.json = json;
	}

	@Override
	public Set<String> existing(Collection<String> ids) {
		if (ids.isEmpty()) {
			return Set.of();
		}
		return new HashSet<>(this.jdbc.sql("SELECT id FROM inngest_event WHERE id IN (:ids)")
			.param("ids", ids)
			.query(String.class)
			.list());
	}

	@Override
	public void insert(List<Event> events, Instant receivedAt) {
		if (events.isEmpty()) {
			return;
		}
		this.template.batchUpdate(
				"INSERT INTO inngest_event (id, name, data, user_data, ts, v, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				events, events.size(), (ps, event) -> {
					ps.setString(1, event.id());
					ps.setString(2, event.name());
					ps.setString(3, this.json.write(event.data()));
					ps.setString(4, event.user().isEmpty() ? null : this.json.write(event.user()));
					ps.setLong(5, event.ts());
					ps.setString(6, event.v());
					ps.setObject(7, Timestamps.of(receivedAt));
				});
	}

	@Override
	public Optional<Event> find(String id) {
		return this.jdbc.sql("SELECT id, name, data, user_data, ts, v FROM inngest_event WHERE id = ?")
			.param(id)
			.query((rs, row) -> new Event(rs.getString("name"), this.json.readObject(rs.getString("data")),
					this.json.readObject(rs.getString("user_data")), rs.getString("id"), rs.getLong("ts"),
					rs.getString("v")))
			.optional();
	}

}
