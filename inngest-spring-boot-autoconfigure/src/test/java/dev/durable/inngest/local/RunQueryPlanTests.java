package dev.durable.inngest.local;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.durable.inngest.RunQuery;
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
 * How H2 reads the runs lists, a bulk cancellation's runs and the due runs, from its own
 * plans: a function's runs through the function's index in its order, bounded by the ids
 * of a time range, rather than every run of the function and then a sort; the due runs
 * and the runs queued past a start timeout through the range of due times they are in,
 * rather than through the ended runs' entries too.
 */
class RunQueryPlanTests {

	private static final Instant START = Instant.parse("2026-11-28T00:00:00Z");

	private SingleConnectionDataSource dataSource;

	private JdbcClient jdbc;

	private final List<String> ids = new ArrayList<>();

	@BeforeEach
	void runsOfTwoFunctions() {
		this.dataSource = new SingleConnectionDataSource("jdbc:h2:mem:plans-" + UUID.randomUUID(), "sa", "", true);
		new ResourceDatabasePopulator(new ClassPathResource("dev/durable/inngest/local/schema-h2.sql"))
			.execute(this.dataSource);
		this.jdbc = JdbcClient.create(this.dataSource);
		this.jdbc.sql("INSERT INTO inngest_event (id, name, data, ts, received_at) VALUES ('e', 'test/e', '{}', 0, ?)")
			.param(Timestamps.of(START))
			.update();
		Ids made = new Ids(Clock.fixed(START, ZoneOffset.UTC));
		List<Object[]> rows = new ArrayList<>();
		// One run a second for 2,000 seconds: every tenth of function g, the rest of f;
		// every
		// hundredth still queued, due when it was created; the others ended, with no due
		// time.
		for (int i = 0; i < 2000; i++) {
			Instant created = START.plusSeconds(i);
			String id = made.next(created);
			this.ids.add(id);
			boolean queued = i % 100 == 1;
			rows.add(new Object[] { id, (i % 10 == 0) ? "g" : "f", queued ? "QUEUED" : "COMPLETED",
					queued ? Timestamps.of(created) : null, Timestamps.of(created) });
		}
		new JdbcTemplate(this.dataSource).batchUpdate("INSERT INTO inngest_run (id, function_id, event_id, status, "
				+ "attempt, due_at, created_at) VALUES (?, ?, 'e', ?, 0, ?, ?)", rows);
		this.jdbc.sql("ANALYZE").update();
	}

	@AfterEach
	void close() {
		this.dataSource.destroy();
	}

	@Test
	void aFunctionsRunsAreListedThroughItsIndexInOrder() {
		JdbcRunStore.Select select = JdbcRunStore.listing(new RunQuery("f", null, null, null, 3, null));

		assertThat(plan(select)).endsWith("/* index sorted */");
		assertThat(indexRead(select, "INNGEST_RUN_FUNCTION")).containsExactly("FUNCTION_ID = ?1");
		assertThat(ids(select)).containsExactly(this.ids.get(1999), this.ids.get(1998), this.ids.get(1997),
				this.ids.get(1996));
	}

	@Test
	void aFunctionsRunsOfATimeRangeAreReadOnlyWithinTheRangesIds() {
		JdbcRunStore.Select select = JdbcRunStore
			.listing(new RunQuery("f", null, START.plusSeconds(500), START.plusSeconds(502), 10, null));

		assertThat(plan(select)).endsWith("/* index sorted */");
		assertThat(indexRead(select, "INNGEST_RUN_FUNCTION")).containsExactlyInAnyOrder("FUNCTION_ID = ?1", "ID >= ?2",
				"ID < ?4");
		assertThat(ids(select)).containsExactly(this.ids.get(501));
	}

	@Test
	void everyRunOfATimeRangeIsReadWithinTheRangesIdsThroughThePrimaryKey() {
		JdbcRunStore.Select select = JdbcRunStore
			.listing(new RunQuery(null, null, START.plusSeconds(500), START.plusSeconds(502), 10, null));

		assertThat(plan(select)).endsWith("/* index sorted */");
		assertThat(indexRead(select, "PRIMARY_KEY_[0-9A-F]+")).containsExactlyInAnyOrder("ID >= ?1", "ID < ?3");
		assertThat(ids(select)).containsExactly(this.ids.get(501), this.ids.get(500));
	}

	@Test
	void aBulkCancellationReadsTheFunctionsIndexWithinTheRangesIdsInOrder() {
		JdbcRunStore.Select select = JdbcRunStore.unended("f", START.plusSeconds(100), START.plusSeconds(1000),
				this.ids.get(101), 5);

		assertThat(plan(select)).endsWith("/* index sorted */");
		assertThat(indexRead(select, "INNGEST_RUN_FUNCTION")).containsExactlyInAnyOrder("FUNCTION_ID = ?1", "ID >= ?2",
				"ID < ?3", "ID > ?4");
		assertThat(ids(select)).containsExactly(this.ids.get(201), this.ids.get(301), this.ids.get(401),
				this.ids.get(501), this.ids.get(601));
	}

	@Test
	void aRunCreatedAtTheStartOfARangeIsInItAndOneCreatedAtItsEndIsNot() {
		Instant created = START.plusSeconds(701);

		assertThat(ids(JdbcRunStore.unended("f", created, created.plusNanos(1000), "", 10)))
			.containsExactly(this.ids.get(701));
		assertThat(ids(JdbcRunStore.unended("f", created.plusNanos(1000), created.plusSeconds(1), "", 10))).isEmpty();
		assertThat(ids(JdbcRunStore.unended("f", created.minusSeconds(1), created, "", 10))).isEmpty();
	}

	@Test
	void theDueRunsAreReadThroughTheirRangeOfTheDueTimeIndexNotTheEndedRunsEntries() {
		JdbcRunStore.Select select = JdbcRunStore.due(DatabasePlatform.H2, START.plusSeconds(1500), 8, List.of("f"));

		assertThat(plan(select)).contains("PUBLIC.INNGEST_RUN_DUE_ENDED: DUE_AT >= ?1 AND DUE_AT <= ?2")
			.endsWith("/* index sorted */");
		assertThat(rowsRead(select)).isEqualTo(8);
		assertThat(ids(select)).containsExactly(this.ids.get(1), this.ids.get(101), this.ids.get(201),
				this.ids.get(301), this.ids.get(401), this.ids.get(501), this.ids.get(601), this.ids.get(701));
	}

	@Test
	void theRunsQueuedPastAStartTimeoutAreReadThroughTheirRangeOfTheDueTimeIndex() {
		JdbcRunStore.Select select = JdbcRunStore.unstarted(DatabasePlatform.H2, START.plusSeconds(1500), List.of("f"),
				1000, List.of("f"), 8);

		// The first entries of the range, in the index's order; those of them that match,
		// sorted again.
		assertThat(plan(select)).containsPattern(
				"PUBLIC\\.INNGEST_RUN_DUE_ENDED: (DUE_AT >= \\?1 AND DUE_AT <= \\?2|DUE_AT <= \\?2 AND DUE_AT >= \\?1) \\*/")
			.contains("FETCH FIRST 1000 ROWS ONLY /* index sorted */");
		// The 15 due runs and the entry after them that ends the range, not the ended
		// runs; the queued runs among them were due when they were created.
		assertThat(rowsRead(select)).isEqualTo(16);
		assertThat(ids(select)).containsExactly(this.ids.get(1), this.ids.get(101), this.ids.get(201),
				this.ids.get(301), this.ids.get(401), this.ids.get(501), this.ids.get(601), this.ids.get(701));
	}

	@Test
	void theRunsQueuedPastAStartTimeoutAreLookedForAmongTheFirstEntriesOfTheRangeOnly() {
		JdbcRunStore.Select select = JdbcRunStore.unstarted(DatabasePlatform.H2, START.plusSeconds(1500), List.of("f"),
				3, List.of("f"), 8);

		assertThat(rowsRead(select)).isEqualTo(3);
		assertThat(ids(select)).containsExactly(this.ids.get(1), this.ids.get(101), this.ids.get(201));
	}

	@Test
	void theBacklogCountsTheDueRunsThroughTheirRangeOfTheDueTimeIndex() {
		JdbcRunStore.Select select = JdbcRunStore.dueCounted(START.plusSeconds(1500));

		assertThat(plan(select)).contains("PUBLIC.INNGEST_RUN_DUE_ENDED: DUE_AT >= ?1 AND DUE_AT <= ?2");
		// The 15 due runs, and the entry after them that ends the range.
		assertThat(rowsRead(select)).isEqualTo(16);
		assertThat(this.jdbc.sql(select.sql()).params(select.params()).query((rs, row) -> rs.getLong("due")).single())
			.isEqualTo(15);
	}

	@Test
	void theRunsStartedInAWindowAreCountedFromTheRangesIdsOfTheFunctionsIndex() {
		Instant from = START.plusSeconds(600);
		Instant to = START.plusSeconds(720);
		JdbcRunStore.Select select = new JdbcRunStore.Select(JdbcRunStatsStore.started(true),
				List.of(Ids.lowest(from), Ids.lowest(to.plusMillis(1)), Timestamps.of(from), Timestamps.of(to), "f"));

		assertThat(statsIndexRead(select, "INNGEST_RUN_FUNCTION")).containsExactlyInAnyOrder("FUNCTION_ID = ?5",
				"ID >= ?1", "ID < ?2");
		// The runs of the window, not the thousands stored.
		assertThat(rowsRead(select)).isLessThan(130);
		assertThat(this.jdbc.sql(select.sql()).params(select.params()).query((rs, row) -> rs.getLong(3)).list())
			.containsExactly(54L, 54L);
	}

	@Test
	void theRunsEndedInAWindowAreReadFromTheirRangeOfEndTimesInTheDueTimeIndex() {
		Instant from = START.plusSeconds(1200);
		Instant to = START.plusSeconds(1260);
		this.jdbc.sql("UPDATE inngest_run SET ended_at = created_at WHERE status = 'COMPLETED'").update();
		JdbcRunStore.Select select = new JdbcRunStore.Select(JdbcRunStatsStore.ENDED,
				List.of(Timestamps.of(from), Timestamps.of(to)));

		assertThat(statsIndexRead(select, "INNGEST_RUN_DUE_ENDED")).containsExactlyInAnyOrder("DUE_AT IS NULL",
				"ENDED_AT >= ?1", "ENDED_AT < ?2");
		// The runs that ended in the window, whenever they were created.
		assertThat(rowsRead(select)).isLessThan(130);
		assertThat(this.jdbc.sql(select.sql()).params(select.params()).query((rs, row) -> rs.getString(2)).list())
			.hasSize(59)
			.containsOnly("COMPLETED");
	}

	/** The conditions by which the plan of a stats statement reads the runs' index. */
	private List<String> statsIndexRead(JdbcRunStore.Select select, String index) {
		Matcher read = Pattern.compile("\"INNGEST_RUN\" /\\* PUBLIC\\." + index + ": (.*?) \\*/").matcher(plan(select));
		assertThat(read.find()).as(plan(select)).isTrue();
		return List.of(read.group(1).split(" AND "));
	}

	/** How many index entries H2 read to run the statement, from its analysed plan. */
	private long rowsRead(JdbcRunStore.Select select) {
		String analysed = this.jdbc.sql("EXPLAIN ANALYZE " + select.sql())
			.params(select.params())
			.query(String.class)
			.single();
		Matcher scanned = Pattern.compile("scanCount: (\\d+)").matcher(analysed);
		assertThat(scanned.find()).as(analysed).isTrue();
		return Long.parseLong(scanned.group(1));
	}

	private String plan(JdbcRunStore.Select select) {
		return this.jdbc.sql("EXPLAIN " + select.sql())
			.params(select.params())
			.query(String.class)
			.single()
			.replaceAll("\\s+", " ");
	}

	/**
	 * The conditions by which the plan reads the runs through an index, or none if it
	 * does not.
	 */
	private List<String> indexRead(JdbcRunStore.Select select, String index) {
		Matcher read = Pattern.compile("\"INNGEST_RUN\" \"R\" /\\* PUBLIC\\." + index + ": (.*?) \\*/")
			.matcher(plan(select));
		return read.find() ? List.of(read.group(1).split(" AND ")) : List.of();
	}

	private List<String> ids(JdbcRunStore.Select select) {
		return this.jdbc.sql(select.sql()).params(select.params()).query((rs, row) -> rs.getString("id")).list();
	}

}
