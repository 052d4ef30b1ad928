package dev.durable.inngest.executor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.durable.inngest.RunQuery;
import dev.durable.inngest.autoconfigure.InngestAutoConfiguration;
import dev.durable.inngest.autoconfigure.InngestExecutorAutoConfiguration;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.CronScheduler;
import dev.durable.inngest.engine.DueRuns;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.CronStore.CronTick;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.MovableClock;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedules of functions served by apps synced to the executor: registered once the
 * app syncs, which is after the engine started, and deleted once it no longer serves
 * them. On an engine driven by the test, whose clock the test moves.
 */
class ServedCronTests {

	private static final String APP_URL = "http://127.0.0.1:9/api";

	private final MovableClock clock = new MovableClock();

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				InngestExecutorAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class))
		.withPropertyValues("inngest.local.auto-startup=false", "inngest.local.schema.initialize=always",
				"inngest.executor.enabled=true",
				"inngest.executor.signing-key=signkey-test-8f3a1c5e9b2d4f6071a3c5e7092b4d6f",
				TestDatabases.memory() ? "inngest.local.store=memory"
						: "spring.datasource.url=" + TestDatabases.newUrl("served-cron"))
		.withBean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME, MovableClock.class, () -> this.clock);

	@Test
	void aServedFunctionsScheduleFiresOnceItsAppSyncedAfterTheEngineStarted() {
		this.runner.run((context) -> {
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.registerCrons();
			sync(context, "{\"cron\":\"*/5 * * * *\"}");
			dueRuns.executeRound();
			this.clock.advance(Duration.ofMinutes(5));
			dueRuns.executeRound();

			assertThat(runs(context)).singleElement()
				.satisfies((run) -> assertThat(run.event().name()).isEqualTo(CronScheduler.SCHEDULED_EVENT));
		});
	}

	@Test
	void aServedFunctionsScheduleCountsFromTheSyncNotFromTheNextPoll() {
		this.runner.run((context) -> {
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.registerCrons();
			// Synced a second before a tick, which is past by the engine's next round.
			this.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
			sync(context, "{\"cron\":\"*/5 * * * *\"}");
			this.clock.advance(Duration.ofSeconds(2));
			dueRuns.executeRound();

			assertThat(runs(context)).singleElement()
				.satisfies(
						(run) -> assertThat(run.event().data()).containsEntry("scheduledAt", "2030-01-01T00:05:00Z"));
		});
	}

	@Test
	void aScheduleAnAppNoLongerServesIsDeletedAndFiresNoMore() {
		this.runner.run((context) -> {
			DueRuns dueRuns = context.getBean(DueRuns.class);
			sync(context, "{\"cron\":\"*/5 * * * *\"}");
			dueRuns.executeRound();
			assertThat(context.getBean(CronStore.class).findAll()).extracting(CronTick::functionId)
				.containsExactly("app-tick");

			sync(context, "{\"event\":\"app/tick\"}");
			dueRuns.executeRound();
			this.clock.advance(Duration.ofMinutes(5));
			dueRuns.executeRound();

			assertThat(context.getBean(CronStore.class).findAll()).isEmpty();
			assertThat(runs(context)).isEmpty();
		});
	}

	private static void sync(ApplicationContext context, String trigger) {
		String body = "{\"appName\":\"app\",\"url\":\"" + APP_URL + "\",\"functions\":[{\"id\":\"app-tick\","
				+ "\"triggers\":[" + trigger + "],\"steps\":{\"step\":{\"runtime\":{\"url\":\"" + APP_URL
				+ "?fnId=app-tick&stepId=step\"}}}}]}";
		context.getBean(ServedApps.class).sync(body.getBytes(StandardCharsets.UTF_8));
	}

	private static List<RunRecord> runs(ApplicationContext context) {
		return context.getBean(RunStore.class).list(new RunQuery("app-tick", null, null, null, 10, null));
	}

}
