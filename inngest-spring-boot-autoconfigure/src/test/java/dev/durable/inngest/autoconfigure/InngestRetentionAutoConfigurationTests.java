package dev.durable.inngest.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.durable.inngest.RunStatus;
import dev.durable.inngest.actuate.RetentionMetrics;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.RetentionSweeper;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.local.JdbcRetentionStore;
import dev.durable.inngest.testsupport.DatedRows;
import dev.durable.inngest.testsupport.StartupFailures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * The conditions of the retention's auto-configuration, its settings and its schedule.
 */
class InngestRetentionAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				InngestMetricsAutoConfiguration.class, InngestRetentionAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void retentionIsOnByDefaultKeepingSevenDaysSweptHourlyInBatchesOfAThousand() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RetentionSweeper.class);
			assertThat(context.getBean(RetentionStore.class)).isInstanceOf(JdbcRetentionStore.class);
			RetentionSweeper sweeper = context.getBean(RetentionSweeper.class);
			assertThat(sweeper.settings())
				.isEqualTo(new RetentionSweeper.Settings(Duration.ofDays(7), Duration.ofHours(1), 1000));
			assertThat(sweeper.isRunning()).isTrue();
		});
	}

	@Test
	void theSettingsAreReadFromTheProperties() {
		this.runner
			.withPropertyValues("inngest.local.retention.period=30d", "inngest.local.retention.interval=10m",
					"inngest.local.retention.batch-size=50")
			.run((context) -> assertThat(context.getBean(RetentionSweeper.class).settings())
				.isEqualTo(new RetentionSweeper.Settings(Duration.ofDays(30), Duration.ofMinutes(10), 50)));
	}

	@Test
	void theSweeperDeletesAtItsIntervalWhatEndedBeforeThePeriod() {
		this.runner.withPropertyValues("inngest.local.retention.period=1d", "inngest.local.retention.interval=100ms")
			.run((context) -> {
				DatedRows rows = rows(context);
				String runId = rows.run(longAgo(), RunStatus.COMPLETED, longAgo());

				await().atMost(Duration.ofSeconds(20)).until(() -> !rows.runExists(runId));
			});
	}

	@Test
	void disabledThereIsNoSweeperAndNothingIsDeleted() {
		this.runner
			.withPropertyValues("inngest.local.retention.enabled=false", "inngest.local.retention.period=1d",
					"inngest.local.retention.interval=100ms")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RetentionSweeper.class);
				assertThat(context).doesNotHaveBean(RetentionStore.class);
				DatedRows rows = rows(context);
				String runId = rows.run(longAgo(), RunStatus.COMPLETED, longAgo());

				await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> rows.runExists(runId));
			});
	}

	@Test
	void aSweeperOfTheApplicationReplacesTheAutoConfiguredOne() {
		RetentionSweeper own = new RetentionSweeper(mock(RetentionStore.class),
				TransactionOperations.withoutTransaction(), Clock.systemUTC(),
				new RetentionSweeper.Settings(Duration.ofDays(2), Duration.ofHours(2), 10), List.of());
		this.runner.withBean(RetentionSweeper.class, () -> own)
			.run((context) -> assertThat(context.getBean(RetentionSweeper.class)).isSameAs(own));
	}

	@Test
	void aStoreOfTheApplicationIsTheOneTheSweeperDeletesWith() {
		RetentionStore own = mock(RetentionStore.class);
		this.runner.withBean(RetentionStore.class, () -> own)
			.run((context) -> assertThat(context.getBean(RetentionStore.class)).isSameAs(own));
	}

	@Test
	void aPeriodShorterThanInngestsDeduplicationWindowFailsTheStartNamingThePropertyAndItsValue() {
		this.runner.withPropertyValues("inngest.local.retention.period=12h").run((context) -> {
			assertThat(context).hasFailed();
			InvalidConfigurationPropertyValueException cause = StartupFailures.cause(context.getStartupFailure(),
					InvalidConfigurationPropertyValueException.class);
			assertThat(cause.getName()).isEqualTo("inngest.local.retention.period");
			assertThat(cause.getValue()).isEqualTo(Duration.ofHours(12));
			assertThat(cause.getReason()).contains("at least 24 hours").contains("deduplication window");
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure(),
					new MockEnvironment().withProperty("inngest.local.retention.period", "12h"));
			assertThat(analysis.getDescription()).contains("inngest.local.retention.period")
				.contains("at least 24 hours");
		});
	}

	@Test
	void aBatchSizeBelowOneFailsTheStartNamingTheProperty() {
		this.runner.withPropertyValues("inngest.local.retention.batch-size=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(
					StartupFailures.cause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class)
						.getName())
				.isEqualTo("inngest.local.retention.batch-size");
		});
	}

	@Test
	void withAMeterRegistryTheDeletedRowsAreCountedByKind() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(context).hasSingleBean(RetentionMetrics.class);
			assertThat(deleted(registry, "runs")).isZero();
			DatedRows rows = rows(context);
			rows.run(longAgo(), RunStatus.COMPLETED, longAgo());

			context.getBean(RetentionSweeper.class).sweep();

			assertThat(deleted(registry, "runs")).isOne();
			assertThat(deleted(registry, "events")).isOne();
		});
	}

	@Test
	void closingTheApplicationStopsTheSweepersThread() {
		// Other applications of the same JVM, such as cached test contexts, have sweepers
		// of their own.
		Set<Thread> others = retentionThreads();
		this.runner.withPropertyValues("inngest.local.retention.interval=100ms").run((context) -> {
			Set<Thread> ours = new HashSet<>(retentionThreads());
			ours.removeAll(others);
			assertThat(ours).isNotEmpty();

			context.close();

			await().atMost(Duration.ofSeconds(10)).until(() -> ours.stream().noneMatch(Thread::isAlive));
		});
	}

	private static Set<Thread> retentionThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("inngest-retention-"))
			.collect(Collectors.toSet());
	}

	private static double deleted(MeterRegistry registry, String kind) {
		return registry.get(RetentionMetrics.RETENTION_DELETED).tag("kind", kind).counter().count();
	}

	private static DatedRows rows(AssertableApplicationContext context) {
		return new DatedRows(JdbcClient.create(context.getBean(DataSource.class)), new Ids(Clock.systemUTC()));
	}

	private static Instant longAgo() {
		return Instant.now().minus(Duration.ofDays(30));
	}

}
