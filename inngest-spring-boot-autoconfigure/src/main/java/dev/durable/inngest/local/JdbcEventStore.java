package dev.durable.inngest.local;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewEvents;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.WaitRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores events in {@code inngest_event}. On PostgreSQL, events are stored with the runs
 * they start in one statement: sent outside a transaction, that is one round trip instead
 * of the four of a transaction (the event, the lookup of waits, the runs, the commit).
 */
public final class JdbcEventStore implements EventStore {

	/**
	 * Stores the events, their runs and the runs' cancel rules unless the rows of
	 * {@code held} show that a wait or an event sent before holds them back; a
	 * statement's sub-statements see the tables as they were when it began, so the lookup
	 * of waits does not see the cancel rules it stores. Each array holds a column, so the
	 * texts are the same for any number of rows and PostgreSQL plans each once.
	 */
	private static final String INSERT_UNLESS_HELD = """
			e AS (INSERT INTO inngest_event (id, name, data, user_data, ts, v, received_at)
			  SELECT e.id, e.name, e.data, e.user_data, e.ts, e.v, ?::timestamptz
			  FROM unnest(?::varchar[], ?::varchar[], ?::text[], ?::text[], ?::int8[], ?::varchar[])
			    AS e (id, name, data, user_data, ts, v)
			  WHERE NOT EXISTS (SELECT 1 FROM held)),
			r AS (INSERT INTO inngest_run (id, function_id, event_id, status, attempt, due_at, created_at,
			    started_at, lease)
			  SELECT r.id, r.function_id, r.event_id, r.status, 0, r.due_at::timestamptz,
			    r.created_at::timestamptz, r.started_at::timestamptz, r.lease
			  FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
			    ?::varchar[], ?::varchar[]) AS r (id, function_id, event_id, status, due_at, created_at, started_at,
			    lease)
			  WHERE NOT EXISTS (SELECT 1 FROM held)),
			c AS (INSERT INTO inngest_wait (run_id, step_key, kind, event_name, match_path, match_value,
			    wait_condition, expires_at)
			  SELECT c.run_id, c.step_key, c.kind, c.event_name, c.match_path, c.match_value, c.wait_condition,
			    c.expires_at::timestamptz
			  FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
			    ?::text[], ?::varchar[])
			    AS c (run_id, step_key, kind, event_name, match_path, match_value, wait_condition, expires_at)
			  WHERE NOT EXISTS (SELECT 1 FROM held))
			SELECT NOT EXISTS (SELECT 1 FROM held)""";

	/**
	 * The same, held back by a wait for one of the events' names or an id sent before,
	 * however long ago: the caller tells whether it was within the deduplication window.
	 */
	private static final String INSERT_UNLESS_AWAITED = """
			WITH held AS (
			  SELECT 1 FROM inngest_wait WHERE event_name = ANY (?::varchar[])
			  UNION ALL SELECT 1 FROM inngest_event WHERE id = ANY (?::varchar[])
			  UNION ALL SELECT 1 FROM inngest_event_resent WHERE id = ANY (?::varchar[])
			  LIMIT 1),
			""" + INSERT_UNLESS_HELD;

	/**
	 * When the events of some ids were received: those stored under their ids, and the
	 * latest of each id sent again; named parameter ids.
	 */
	private static final String LAST_RECEIVED = "SELECT id, received_at FROM inngest_event WHERE id IN (:ids) "
			+ "UNION ALL SELECT id, received_at FROM inngest_event_resent WHERE id IN (:ids)";

	/** An event's columns, with the id it was sent with. */
	private static final String SELECT_EVENT = "SELECT COALESCE(sent_id, id) AS id, name, data, user_data, ts, v "
			+ "FROM inngest_event ";

	/**
	 * The key of the latest event of an id: the key it was stored again under, or else
	 * the id itself; two parameters, both the id.
	 */
	private static final String LATEST_KEY = "COALESCE((SELECT event_key FROM inngest_event_resent WHERE id = ?), ?)";

	/**
	 * The same for events whose ids were all made here, which cannot have been sent
	 * before: held back by a wait only.
	 */
	private static final String INSERT_FRESH_UNLESS_AWAITED = """
			WITH held AS (
			  SELECT 1 FROM inngest_wait WHERE event_name = ANY (?::varchar[])
			  LIMIT 1),
			""" + INSERT_UNLESS_HELD;

	/**
	 * One event whose id was made here, starting one run with no cancel rules: what a
	 * {@code send} of one event to one function stores. The same as
	 * {@link #INSERT_FRESH_UNLESS_AWAITED} with values in place of arrays, which
	 * PostgreSQL would otherwise parse and unnest for a single row.
	 */
	private static final String INSERT_ONE_FRESH_UNLESS_AWAITED = """
			WITH held AS (
			  SELECT 1 FROM inngest_wait WHERE event_name = ?
			  LIMIT 1),
			e AS (INSERT INTO inngest_event (id, name, data, user_data, ts, v, received_at)
			  SELECT ?, ?, ?, ?, ?, ?, ?::timestamptz
			  WHERE NOT EXISTS (SELECT 1 FROM held)),
			r AS (INSERT INTO inngest_run (id, function_id, event_id, status, attempt, due_at, created_at,
			    started_at, lease)
			  SELECT ?, ?, ?, ?, 0, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?
			  WHERE NOT EXISTS (SELECT 1 FROM held))
			SELECT NOT EXISTS (SELECT 1 FROM held)""";

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final JsonCodec json;

	private final boolean atOnce;

	/**
	 * Creates a store.
	 * @param template the JDBC template on the engine's data source
	 * @param json the JSON codec
	 * @param platform the database, which may store events with their runs at once
	 */
	public JdbcEventStore(JdbcTemplate template, JsonCodec json, DatabasePlatform platform) {
		this.template = template;
		this.jdbc = JdbcClient.create(template);
		this.json = json;
		this.atOnce = platform.supportsDataModifyingCte();
	}

	@Override
	public Map<String, Instant> lastReceived(Collection<String> ids) {
		if (ids.isEmpty()) {
			return Map.of();
		}
		Map<String, Instant> received = new HashMap<>();
		this.jdbc.sql(LAST_RECEIVED).param("ids", ids).query((rs) -> {
			received.merge(rs.getString("id"), Timestamps.read(rs, "received_at"),
					(one, other) -> one.isAfter(other) ? one : other);
		});
		return received;
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
	public void insertAgain(Event event, String key, Instant receivedAt, Instant windowStart) {
		// The pointer's row is what two transactions sending the id again at once both
		// write: the second finds it moved within the window, or inserted, and fails.
		int moved = this.jdbc
			.sql("UPDATE inngest_event_resent SET event_key = ?, received_at = ? WHERE id = ? AND received_at < ?")
			.params(key, Timestamps.of(receivedAt), event.id(), Timestamps.of(windowStart))
			.update();
		if (moved == 0) {
			this.jdbc.sql("INSERT INTO inngest_event_resent (id, event_key, received_at) VALUES (?, ?, ?)")
				.params(event.id(), key, Timestamps.of(receivedAt))
				.update();
		}
		this.jdbc
			.sql("INSERT INTO inngest_event (id, sent_id, name, data, user_data, ts, v, received_at) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
			.params(key, event.id(), event.name(), this.json.write(event.data()),
					event.user().isEmpty() ? null : this.json.write(event.user()), event.ts(), event.v(),
					Timestamps.of(receivedAt))
			.update();
	}

	@Override
	public boolean insertsAtOnce() {
		return this.atOnce;
	}

	@Override
	public boolean insertUnlessAwaited(NewEvents events) {
		if (!this.atOnce) {
			return EventStore.super.insertUnlessAwaited(events);
		}
		// Outside a transaction, the statement commits on its own: the engine's data
		// source commits each statement there (AutoCommitDataSource).
		boolean one = isOneFreshRun(events);
		String sql = one ? INSERT_ONE_FRESH_UNLESS_AWAITED
				: events.givenIds().isEmpty() ? INSERT_FRESH_UNLESS_AWAITED : INSERT_UNLESS_AWAITED;
		// A statement creator is handed the connection itself, where a connection
		// callback would be handed a proxy of it, made for each call.
		Boolean stored = this.template.execute((Connection connection) -> {
			PreparedStatement statement = connection.prepareStatement(sql);
			try {
				if (one) {
					bindOne(statement, events);
				}
				else {
					bind(connection, statement, events);
				}
				return statement;
			}
			catch (SQLException | RuntimeException ex) {
				statement.close();
				throw ex;
			}
		}, (PreparedStatement statement) -> {
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		});
		return Boolean.TRUE.equals(stored);
	}

	private static boolean isOneFreshRun(NewEvents events) {
		return events.events().size() == 1 && events.runs().size() == 1 && events.cancelRules().isEmpty()
				&& events.givenIds().isEmpty();
	}

	private void bindOne(PreparedStatement statement, NewEvents batch) throws SQLException {
		Event event = batch.events().get(0);
		NewRun run = batch.runs().get(0);
		int i = 0;
		statement.setString(++i, event.name());
		statement.setString(++i, event.id());
		statement.setString(++i, event.name());
		statement.setString(++i, this.json.write(event.data()));
		statement.setString(++i, event.user().isEmpty() ? null : this.json.write(event.user()));
		statement.setLong(++i, event.ts());
		statement.setString(++i, event.v());
		// Times bound as such, as the engine's other statements bind them, rather than as
		// ISO texts, which java.time formats at a cost of its own.
		statement.setObject(++i, Timestamps.of(batch.receivedAt()));
		statement.setString(++i, run.id());
		statement.setString(++i, run.functionId());
		statement.setString(++i, run.eventId());
		statement.setString(++i, run.status().name());
		statement.setObject(++i, Timestamps.of(run.dueAt()));
		statement.setObject(++i, Timestamps.of(run.createdAt()));
		statement.setObject(++i, Timestamps.of(run.startedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
		statement.setString(++i, run.lease());
	}

	private void bind(Connection connection, PreparedStatement statement, NewEvents batch) throws SQLException {
		List<Event> events = batch.events();
		String receivedAt = batch.receivedAt().toString();
		int i = 0;
		statement.setArray(++i, varchars(connection, events, Event::name));
		if (!batch.givenIds().isEmpty()) {
			Array givenIds = connection.createArrayOf("varchar", batch.givenIds().toArray());
			statement.setArray(++i, givenIds);
			statement.setArray(++i, givenIds);
		}
		statement.setString(++i, receivedAt);
		statement.setArray(++i, varchars(connection, events, Event::id));
		statement.setArray(++i, varchars(connection, events, Event::name));
		statement.setArray(++i, varchars(connection, events, (event) -> this.json.write(event.data())));
		statement.setArray(++i,
				varchars(connection, events, (event) -> event.user().isEmpty() ? null : this.json.write(event.user())));
		statement.setArray(++i, connection.createArrayOf("int8", events.stream().map(Event::ts).toArray()));
		statement.setArray(++i, varchars(connection, events, Event::v));
		List<NewRun> runs = batch.runs();
		statement.setArray(++i, varchars(connection, runs, NewRun::id));
		statement.setArray(++i, varchars(connection, runs, NewRun::functionId));
		statement.setArray(++i, varchars(connection, runs, NewRun::eventId));
		statement.setArray(++i, varchars(connection, runs, (run) -> run.status().name()));
		statement.setArray(++i, varchars(connection, runs, (run) -> run.dueAt().toString()));
		statement.setArray(++i, varchars(connection, runs, (run) -> run.createdAt().toString()));
		statement.setArray(++i, varchars(connection, runs, (run) -> Objects.toString(run.startedAt(), null)));
		statement.setArray(++i, varchars(connection, runs, NewRun::lease));
		List<WaitRecord> rules = batch.cancelRules();
		statement.setArray(++i, varchars(connection, rules, WaitRecord::runId));
		statement.setArray(++i, varchars(connection, rules, WaitRecord::stepKey));
		statement.setArray(++i, varchars(connection, rules, (wait) -> wait.kind().name()));
		statement.setArray(++i, varchars(connection, rules, WaitRecord::eventName));
		statement.setArray(++i, varchars(connection, rules, WaitRecord::matchPath));
		statement.setArray(++i, varchars(connection, rules, WaitRecord::matchValue));
		statement.setArray(++i, varchars(connection, rules, WaitRecord::condition));
		statement.setArray(++i, varchars(connection, rules, (wait) -> wait.expiresAt().toString()));
	}

	private static <T> Array varchars(Connection connection, List<T> rows, Function<T, @Nullable String> column)
			throws SQLException {
		String[] values = new String[rows.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = column.apply(rows.get(i));
		}
		return connection.createArrayOf("varchar", values);
	}

	@Override
	public Optional<Event> find(String id) {
		return this.jdbc.sql(SELECT_EVENT + "WHERE id = " + LATEST_KEY).params(id, id).query(this::event).optional();
	}

	@Override
	public List<Event> findByName(String name, int limit) {
		return this.jdbc.sql(SELECT_EVENT + "WHERE name = ? ORDER BY received_at, id LIMIT ?")
			.params(name, limit)
			.query(this::event)
			.list();
	}

	private Event event(ResultSet rs, int row) throws SQLException {
		return new Event(rs.getString("name"), this.json.readObject(rs.getString("data")),
				this.json.readObject(rs.getString("user_data")), rs.getString("id"), rs.getLong("ts"),
				rs.getString("v"));
	}

	@Override
	public Optional<Instant> receivedAt(String id) {
		return this.jdbc.sql("SELECT received_at FROM inngest_event WHERE id = " + LATEST_KEY)
			.params(id, id)
			.query((rs, row) -> Timestamps.read(rs, "received_at"))
			.optional();
	}

}
