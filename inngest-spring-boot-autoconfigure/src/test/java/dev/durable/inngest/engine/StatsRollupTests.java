package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStats;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunStatsStore;
import dev.durable.inngest.testsupport.DatedRows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The roll-up of the minutes that are over into the counts the charts read, on H2 and on
 * PostgreSQL, over runs dated as each test needs: the charts read the same from the
 * counts as from the runs, instances rolling up at once count each minute once, and the
 * counts go with the retention period.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class StatsRollupTests {

	@Autowired
	RunStatsStore store;

	@Autowired
	InngestRuns runs;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	Ids ids;

	@Autowired
	StatsRollup scheduledRollup;

	@Autowired
	DataSource dataSource;

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private JdbcClient jdbc;

	private DatedRows rows;

	@BeforeEach
	void stopTheScheduledRollUp() {
		this.scheduledRollup.stop();
		this.jdbc = JdbcClient.create(this.dataSource);
		this.rows = new DatedRows(this.jdbc, this.ids);
		this.rows.deleteAll();
		startAgain();
	}

	@AfterEach
	void startTheScheduledRollUp() {
		this.rows.deleteAll();
		startAgain();
		this.scheduledRollup.start();
	}

	/** The counts as before any roll-up, so that each test rolls up its own runs. */
	private void startAgain() {
		this.jdbc.sql("DELETE FROM inngest_stats_minute").update();
		this.jdbc.sql("UPDATE inngest_stats_rollup SET rolled_to = NULL").update();
	}

	@Test
	void theChartsReadTheSameFromTheCountsOfTheMinutesAsFromTheRuns() {
		storeRuns(this.now.minus(Duration.ofMinutes(50)));
		List<RunStats> before = charts();
		assertThat(before.get(0).buckets().stream().mapToLong(RunStats.Bucket::completed).sum()).isEqualTo(8);

		Instant rolledTo = rollUp(null).rollUp();

		assertThat(rolledTo).isEqualTo(this.now.minus(StatsRollup.DELAY).truncatedTo(ChronoUnit.MINUTES));
		assertThat(this.jdbc.sql("SELECT SUM(completed) FROM inngest_stats_minute WHERE function_id = ?")
			.param(DatedRows.FUNCTION)
			.query(Long.class)
			.single()).isEqualTo(8);
		assertSameCharts(charts(), before);
		// Minutes rolled up once are not rolled up again.
		rollUp(null).rollUp();
		assertSameCharts(charts(), before);
	}

	@Test
	void instancesRollingUpAtOnceCountEachMinuteOnce() throws Exception {
		storeRuns(this.now.minus(Duration.ofMinutes(50)));
		storeRuns(this.now.minus(Duration.ofMinutes(30)));
		List<RunStats> before = charts();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService instances = Executors.newFixedThreadPool(2);
		try {
			List<Future<Instant>> rolled = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				StatsRollup instance = rollUp(null);
				rolled.add(instances.submit(() -> {
					start.await();
					return instance.rollUp();
				}));
			}
			start.countDown();
			for (Future<Instant> each : rolled) {
				assertThat(each.get(30, TimeUnit.SECONDS)).isNotNull();
			}
		}
		finally {
			instances.shutdownNow();
		}
		assertThat(this.jdbc.sql("SELECT SUM(completed) FROM inngest_stats_minute WHERE function_id = ?")
			.param(DatedRows.FUNCTION)
			.query(Long.class)
			.single()).isEqualTo(16);
		assertSameCharts(charts(), before);
	}

	@Test
	void theCountsOfMinutesOlderThanTheRetentionPeriodAreDeleted() {
		Instant old = this.now.minus(Duration.ofDays(3));
		storeRuns(old);
		storeRuns(this.now.minus(Duration.ofMinutes(50)));

		rollUp(Duration.ofDays(2)).rollUp();

		RunStats oldWeek = this.runs.stats(DatedRows.FUNCTION, old.minus(Duration.ofHours(1)),
				old.plus(Duration.ofHours(1)));
		assertThat(oldWeek.buckets().stream().mapToLong(RunStats.Bucket::completed).sum()).isZero();
		RunStats lastHour = this.runs.stats(DatedRows.FUNCTION, this.now.minus(Duration.ofHours(1)), this.now);
		assertThat(lastHour.buckets().stream().mapToLong(RunStats.Bucket::completed).sum()).isEqualTo(8);
		assertThat(this.jdbc.sql("SELECT MIN(epoch_minute) FROM inngest_stats_minute").query(Long.class).single())
			.isGreaterThanOrEqualTo(this.now.minus(Duration.ofDays(2)).getEpochSecond() / 60);
	}

	/**
	 * Over a few minutes from a time: eight runs that complete after one to eight
	 * minutes, one that fails after a failed attempt, one cancelled and one that goes on.
	 */
	private void storeRuns(Instant from) {
		for (int i = 1; i <= 8; i++) {
			this.rows.run(from.plusSeconds(7 * i), RunStatus.COMPLETED, from.plusSeconds(7 * i + 60 * i));
		}
		String failed = this.rows.run(from.plusSeconds(20), RunStatus.FAILED, from.plusSeconds(200));
		this.rows.attempt(failed, "charge", from.plusSeconds(100));
		this.rows.run(from.plusSeconds(30), RunStatus.CANCELLED, from.plusSeconds(330));
		this.rows.run(from.plusSeconds(40), RunStatus.RUNNING);
	}

	private StatsRollup rollUp(Duration keep) {
		return new StatsRollup(this.store, new TransactionTemplate(this.transactionManager), Clock.systemUTC(),
				Duration.ofMinutes(1), keep);
	}

	/**
	 * The last hour by minute, the last day by quarter hour, and the last hour of all.
	 */
	private List<RunStats> charts() {
		return List.of(this.runs.stats(DatedRows.FUNCTION, this.now.minus(Duration.ofHours(1)), this.now),
				this.runs.stats(DatedRows.FUNCTION, this.now.minus(Duration.ofDays(1)), this.now),
				this.runs.stats(null, this.now.minus(Duration.ofHours(1)), this.now));
	}

	private static void assertSameCharts(List<RunStats> actual, List<RunStats> expected) {
		for (int i = 0; i < expected.size(); i++) {
			RunStats a = actual.get(i);
			RunStats e = expected.get(i);
			assertThat(a.buckets()).as("buckets of chart %d", i).isEqualTo(e.buckets());
			for (RunStats.Latency[] latency : new RunStats.Latency[][] { { a.endToEnd(), e.endToEnd() },
					{ a.queue(), e.queue() } }) {
				assertThat(latency[0].count()).isEqualTo(latency[1].count());
				if (latency[1].count() > 0) {
					assertThat(latency[0].p90()).isCloseTo(latency[1].p90(), within(latency[1].p90() * 0.05 + 0.01));
				}
			}
		}
	}

}
