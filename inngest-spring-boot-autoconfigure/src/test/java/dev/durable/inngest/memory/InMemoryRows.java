package dev.durable.inngest.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/**
 * Reads the rows of an in-memory store as the engine's tests read the tables of a
 * database: the runs of an event, the events of a name, and how many rows a table has.
 */
public final class InMemoryRows {

	private static final Pattern QUERY = Pattern.compile("(\\w+)(?: WHERE (.+))?");

	private static final Pattern CONDITION = Pattern.compile("(\\w+) (=|LIKE) (?:'([^']*)'|(-?\\d+))");

	private InMemoryRows() {
	}

	/**
	 * The ids of the runs of a function that an event triggered, by id.
	 * @param store the store
	 * @param eventId the event id
	 * @param functionId the function id
	 * @return the run ids
	 */
	public static List<String> runIds(InMemoryInngestStore store, String eventId, String functionId) {
		return store.locked(() -> store.runs.rows()
			.values()
			.stream()
			.filter((run) -> run.eventId.equals(eventId) && run.functionId.equals(functionId))
			.map((run) -> run.id)
			.toList());
	}

	/**
	 * The ids of the events of a name whose data, as JSON, contains a text.
	 * @param store the store
	 * @param name the event name
	 * @param dataContains the text
	 * @return the event ids
	 */
	public static List<String> eventIds(InMemoryInngestStore store, String name, String dataContains) {
		return store.locked(() -> store.events.rows()
			.values()
			.stream()
			.filter((event) -> event.name().equals(name) && event.data().contains(dataContains))
			.map(InMemoryInngestStore.StoredEvent::id)
			.toList());
	}

	/**
	 * How many rows of a table meet a condition, as {@code SELECT COUNT(*) FROM} the
	 * given text counts them on a database: a table, and conditions joined by
	 * {@code AND}, each a column equal to a value or {@code LIKE} a pattern. A test that
	 * asks more is aborted, as it cannot run in memory.
	 * @param store the store
	 * @param query the table and its conditions
	 * @return the count
	 */
	public static int count(InMemoryInngestStore store, String query) {
		Matcher matcher = QUERY.matcher(query.trim());
		if (!matcher.matches()) {
			Assumptions.abort("Reads the tables of a database with SQL: " + query);
		}
		List<Predicate<Function<String, Object>>> conditions = new ArrayList<>();
		if (matcher.group(2) != null) {
			for (String condition : matcher.group(2).split(" AND ")) {
				Matcher parsed = CONDITION.matcher(condition.trim());
				if (!parsed.matches()) {
					Assumptions.abort("Reads the tables of a database with SQL: " + query);
				}
				conditions.add(condition(parsed));
			}
		}
		String table = matcher.group(1);
		return store.locked(() -> {
			List<Function<String, Object>> rows = rows(store, table);
			if (rows == null) {
				Assumptions.abort("Reads a table the in-memory store does not have: " + table);
			}
			return (int) rows.stream().filter((row) -> conditions.stream().allMatch((c) -> c.test(row))).count();
		});
	}

	private static Predicate<Function<String, Object>> condition(Matcher parsed) {
		String column = parsed.group(1);
		String text = parsed.group(3);
		Object value = (text != null) ? text : Long.valueOf(parsed.group(4));
		if (parsed.group(2).equals("=")) {
			return (row) -> {
				Object actual = row.apply(column);
				return (actual instanceof Number number) ? value.equals(number.longValue()) : value.equals(actual);
			};
		}
		Pattern like = Pattern.compile(Pattern.quote(text).replace("%", "\\E.*\\Q").replace("_", "\\E.\\Q"),
				Pattern.DOTALL);
		return (row) -> {
			Object actual = row.apply(column);
			return actual != null && like.matcher(actual.toString()).matches();
		};
	}

	/**
	 * The rows of a table, each as its columns by name; {@code null} for an unknown
	 * table.
	 */
	private static List<Function<String, Object>> rows(InMemoryInngestStore store, String table) {
		return switch (table) {
			case "inngest_run" -> store.runs.rows()
				.values()
				.stream()
				.map((run) -> columns(Map.of("id", run.id, "function_id", run.functionId, "event_id", run.eventId,
						"status", run.status.name())))
				.toList();
			case "inngest_event" -> store.events.rows().values().stream().map((event) -> {
				Map<String, Object> columns = new HashMap<>();
				columns.put("id", event.id());
				columns.put("sent_id", event.sentId());
				columns.put("name", event.name());
				columns.put("data", event.data());
				columns.put("user_data", event.user());
				columns.put("ts", event.ts());
				columns.put("v", event.v());
				return columns(columns);
			}).toList();
			case "inngest_step" -> store.steps.rows()
				.values()
				.stream()
				.map((step) -> columns(Map.of("run_id", step.runId(), "step_key", step.key(), "kind",
						step.kind().name(), "status", step.status().name())))
				.toList();
			case "inngest_attempt" -> store.attempts.rows()
				.keySet()
				.stream()
				.map((key) -> columns(
						Map.of("run_id", key.runId(), "step_key", key.stepKey(), "attempt", key.attempt())))
				.toList();
			case "inngest_wait" -> store.waits.rows().values().stream().map((wait) -> {
				Map<String, Object> columns = new HashMap<>();
				columns.put("run_id", wait.runId());
				columns.put("step_key", wait.stepKey());
				columns.put("kind", wait.kind().name());
				columns.put("event_name", wait.eventName());
				columns.put("match_path", wait.matchPath());
				columns.put("match_value", wait.matchValue());
				return columns(columns);
			}).toList();
			case "inngest_cancellation" -> store.cancellations.rows()
				.values()
				.stream()
				.map((row) -> columns(Map.of("id", row.cancellation().id(), "function_id",
						row.cancellation().functionId(), "state", row.cancellation().state().name())))
				.toList();
			case "inngest_cron" -> store.crons.rows()
				.values()
				.stream()
				.map((tick) -> columns(Map.of("function_id", tick.functionId(), "expression", tick.expression())))
				.toList();
			default -> null;
		};
	}

	private static Function<String, Object> columns(Map<String, Object> columns) {
		return (column) -> {
			if (!columns.containsKey(column)) {
				Assumptions.abort("Reads a column the in-memory store does not have: " + column);
			}
			return columns.get(column);
		};
	}

}
