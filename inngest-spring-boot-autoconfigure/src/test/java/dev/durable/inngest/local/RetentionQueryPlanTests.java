package dev.durable.inngest.local;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.durable.inngest.engine.Ids;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How H2 reads the retention's batches, from its own analysed plans: a batch of runs, of
 * events and of their runs reads through an index as many entries as the batch has, from
 * where the batch before ended, however many rows come before and after it.
 */
class RetentionQueryPlanTests {

	private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

	private static final int BATCH = 10;

	private SingleConnectionDataSource dataSource;

	private JdbcClient jdbc;

	private final List<String> runIds = new ArrayList<>();

	@BeforeEach
	void anEventAndItsEndedRunEverySecond() {
		this.dataSource = new SingleConnectionDataSource("jdbc:h2:mem:retention-plans-" + UUID.randomUUID(), "sa", "",
				true);
		new ResourceDatabasePopulator(new ClassPathResource("dev/durable/inngest/local/schema-h2.sql"))
			.execute(this.dataSource);
		this.jdbc = JdbcClient.create(this.dataSource);
		Ids made = new Ids(Clock.fixed(START, ZoneOffset.UTC));
		List<Object[]> events = new ArrayList<>();
		List<Object[]> runs = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			Instant at = START.plusSeconds(i);
			String runId = made.next(at);
			this.runIds.add(runId);
			events.add(new Object[] { eventId(i), Timestamps.of(at) });
			runs.add(new Object[] { runId, eventId(i), Timestamps.of(at) });
		}
		JdbcTemplate template = new JdbcTemplate(this.dataSource);
		template.batchUpdate(
				"INSERT INTO inngest_event (id, name, data, ts, received_at) VALUES (?, 'test/e', '{}', 0, ?)", events);
		template.batchUpdate(
				"INSERT INTO inngest_run (id, function_id, event_id, status, attempt, created_at, ended_at) "
						+ "VALUES (?, 'f', ?, 'COMPLETED', 0, ?, ?)",
				runs.stream().map((row) -> new Object[] { row[0], row[1], row[2], row[2] }).toList());
		this.jdbc.sql("ANALYZE").update();
	}

	@AfterEach
	void close() {
		this.dataSource.destroy();
	}

	@Test
	void aBatchOfRunsIsReadInOrderThroughThePrimaryKeyFromTheRunReadLast() {
		String sql = JdbcRetentionStore.RUNS.formatted(BATCH);
		Map<String, Object> params = Map.of("after", this.runIds.get(500), "bound",
				Ids.lowest(START.plusSeconds(1500)));

		assertThat(plan(sql, params)).contains("PUBLIC.PRIMARY_KEY_")
			.contains(": ID > ?1 AND ID < ?2")
			.endsWith("/* index sorted */");
		assertThat(rowsRead(sql, params)).isLessThanOrEqualTo(BATCH + 1);
		assertThat(this.jdbc.sql(sql).params(params).query(String.class).list())
			.containsExactlyElementsOf(this.runIds.subList(501, 501 + BATCH));
	}

	@Test
	void aBatchOfEventsIsReadInOrderThroughTheirReceivedTimeIndexFromTheEventReadLast() {
		String sql = JdbcRetentionStore.EVENTS.formatted(BATCH);
		Map<String, Object> params = Map.of("from", Timestamps.of(START.plusSeconds(500)), "afterId", eventId(500),
				"before", Timestamps.of(START.plusSeconds(1500)));

		assertThat(plan(sql, params)).contains("PUBLIC.INNGEST_EVENT_RECEIVED: RECEIVED_AT >= ?1 AND RECEIVED_AT < ?2")
			.endsWith("/* index sorted */");
		assertThat(rowsRead(sql, params)).isLessThanOrEqualTo(BATCH + 1);
		assertThat(this.jdbc.sql(sql).params(params).query((rs, row) -> rs.getString("id")).list()).containsExactly(
				eventId(501), eventId(502), eventId(503), eventId(504), eventId(505), eventId(506), eventId(507),
				eventId(508), eventId(509), eventId(510));
	}

	@Test
	void theRunsOfABatchOfEventsAreReadThroughThePrimaryKeyWithinTheEventsTimes() {
		List<String> events = new ArrayList<>();
		for (int i = 501; i <= 500 + BATCH; i++) {
			events.add(eventId(i));
		}
		Map<String, Object> params = Map.of("from", Ids.lowest(START.plusSeconds(501)), "to",
				Ids.lowest(START.plusSeconds(500 + BATCH).plusMillis(1)), "ids", events);

		assertThat(plan(JdbcRetentionStore.TRIGGERS, params)).contains("PUBLIC.PRIMARY_KEY_")
			.contains(": ID >= ?1 AND ID < ?2");
		assertThat(rowsRead(JdbcRetentionStore.TRIGGERS, params)).isLessThanOrEqualTo(BATCH + 1);
		assertThat(this.jdbc.sql(JdbcRetentionStore.TRIGGERS).params(params).query(String.class).list())
			.containsExactlyInAnyOrderElementsOf(events);
	}

	private static String eventId(int i) {
		return "e%04d".formatted(i);
	}

	/** How many index entries H2 read to run the statement, from its analysed plan. */
	private long rowsRead(String sql, Map<String, Object> params) {
		String analysed = this.jdbc.sql("EXPLAIN ANALYZE " + sql).params(params).query(String.class).single();
		Matcher scanned = Pattern.compile("scanCount: (\\d+)").matcher(analysed);
		assertThat(scanned.find()).as(analysed).isTrue();
		return Long.parseLong(scanned.group(1));
	}

	private String plan(String sql, Map<String, Object> params) {
		return this.jdbc.sql("EXPLAIN " + sql).params(params).query(String.class).single().replaceAll("\\s+", " ");
	}

}
