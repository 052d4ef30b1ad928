package dev.durable.inngest.testsupport;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Schema version 1 of the engine's tables, made from the current schema, for the tests of
 * its migration: what a database written by an earlier release has.
 */
public final class SchemaVersion1 {

	/** The columns of a run's last step, which version 2 added to {@code inngest_run}. */
	public static final List<String> LAST_STEP_COLUMNS = List.of("last_step_key", "last_step_id", "last_step_output",
			"last_step_started_at", "last_step_ended_at");

	/** The index of events by the time they were received, which version 3 added. */
	public static final String EVENT_RECEIVED_INDEX = "inngest_event_received";

	/**
	 * The table pointing ids sent again at their latest events, which version 7 added
	 * with the column {@code sent_id} of {@code inngest_event}.
	 */
	public static final String EVENT_RESENT_TABLE = "inngest_event_resent";

	private SchemaVersion1() {
	}

	/**
	 * Takes a database of the current schema back to version 1: without the columns of a
	 * run's last step, without the index of events by the time they were received,
	 * without what points ids sent again at their latest events, and without the rows of
	 * the later versions.
	 * @param jdbc the database
	 */
	public static void restore(JdbcClient jdbc) {
		for (String column : LAST_STEP_COLUMNS) {
			jdbc.sql("ALTER TABLE inngest_run DROP COLUMN " + column).update();
		}
		jdbc.sql("DROP INDEX " + EVENT_RECEIVED_INDEX).update();
		jdbc.sql("DROP TABLE " + EVENT_RESENT_TABLE).update();
		jdbc.sql("ALTER TABLE inngest_event DROP COLUMN sent_id").update();
		jdbc.sql("DELETE FROM inngest_schema_version WHERE version > 1").update();
	}

}
