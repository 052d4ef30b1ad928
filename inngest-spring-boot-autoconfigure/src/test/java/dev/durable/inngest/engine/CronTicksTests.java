package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.CronStore.CronTick;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import dev.durable.inngest.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Cron ticks as the engine's clock moves, on an engine driven by the test.
 */
class CronTicksTests {

	private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

	private final MovableClock clock = new MovableClock();

	private final ApplicationContextRunner runner = DrivenEngine.runner("cron-ticks")
		.withBean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME, MovableClock.class, () -> this.clock)
		.withUserConfiguration(Functions.class);

	@Test
	void ticksMissedWhileNoInstanceRanFireOnceAndTheNextFollowsTheClock() {
		assertThat(this.clock.instant()).isEqualTo(START);
		this.runner.run((context) -> {
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.registerCrons();
			assertThat(tick(context.getBean(CronStore.class)).nextFireAt()).isEqualTo(START.plus(Duration.ofHours(1)));
			// The ticks at 01:00, 02:00 and 03:00 are missed.
			this.clock.advance(Duration.ofMinutes(210));
			assertThat(dueRuns.executeRound()).isOne();
			assertThat(dueRuns.executeRound()).isZero();
			List<RunRecord> runs = context.getBean(RunStore.class).list(RunQuery.all(10));
			assertThat(runs).singleElement().satisfies((run) -> {
				assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
				assertThat(run.event().name()).isEqualTo(CronScheduler.SCHEDULED_EVENT);
				assertThat(run.event().data()).containsEntry("cron", "0 * * * *")
					.containsEntry("scheduledAt", "2030-01-01T01:00:00Z")
					.containsEntry("fireAt", "2030-01-01T03:30:00Z");
			});
			assertThat(tick(context.getBean(CronStore.class)).nextFireAt()).isEqualTo(START.plus(Duration.ofHours(4)));
			assertThat(dueRuns.nextDueBy(START.plus(Duration.ofDays(1)))).contains(START.plus(Duration.ofHours(4)));
		});
	}

	@Test
	void aTickOfAScheduleTheFunctionNoLongerDeclaresIsDeletedAndOneOfAnUnknownFunctionKept() {
		this.runner.run((context) -> {
			CronStore crons = context.getBean(CronStore.class);
			// As an earlier release of the application, and another application sharing
			// the database, stored them.
			crons.insertIfAbsent(new CronTick("hourly", "0 0 * * *", START.minus(Duration.ofDays(3))));
			crons.insertIfAbsent(new CronTick("elsewhere", "* * * * *", START.minus(Duration.ofDays(3))));

			context.getBean(DueRuns.class).registerCrons();

			assertThat(crons.findAll()).extracting(CronTick::functionId, CronTick::expression)
				.containsExactlyInAnyOrder(tuple("hourly", "0 * * * *"), tuple("elsewhere", "* * * * *"));
		});
	}

	@Test
	void anInstanceWithCronsOffFiresNoTickAndLeavesTheStoredOnesToTheOthers() {
		this.runner.withPropertyValues("inngest.local.crons.enabled=false").run((context) -> {
			CronStore crons = context.getBean(CronStore.class);
			// As another instance sharing the database stored it.
			CronTick stored = new CronTick("hourly", "0 0 * * *", START.minus(Duration.ofDays(3)));
			crons.insertIfAbsent(stored);
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.registerCrons();
			this.clock.advance(Duration.ofDays(1));

			assertThat(dueRuns.nextDueBy(START.plus(Duration.ofDays(2)))).isEmpty();
			assertThat(dueRuns.executeRound()).isZero();
			assertThat(context.getBean(RunStore.class).list(RunQuery.all(10))).isEmpty();
			assertThat(crons.findAll()).containsExactly(stored);
		});
	}

	private static CronTick tick(CronStore crons) {
		return crons.findDue(START.plus(Duration.ofDays(365))).get(0);
	}

	static class Functions {

		@InngestFunction(id = "hourly", cron = "0 * * * *")
		String hourly() {
			return "tick";
		}

	}

}
