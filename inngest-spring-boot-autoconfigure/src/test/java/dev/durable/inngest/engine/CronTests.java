package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.CronStore.CronTick;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cron triggers start runs at their ticks, once per tick.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class CronTests {

	@Autowired
	CronStore crons;

	@Autowired
	CronScheduler scheduler;

	@Autowired
	Executions executions;

	@Test
	void cronTriggerIsRegisteredWithItsNextTick() {
		Instant next = everyMinute().nextFireAt();
		assertThat(next).isAfter(Instant.now().minusSeconds(60)).isBefore(Instant.now().plusSeconds(61));
		assertThat(next.getEpochSecond() % 60).isZero();
	}

	@Test
	void dueTickStartsOneRunWithTheScheduledEventAndMovesToTheNextTick() {
		// The tick fired below and the checks after it must fall between two real
		// ticks of "* * * * *": past the one at the start of this minute, which the
		// engine fires within a poll of it, and well before the next.
		await().atMost(Duration.ofSeconds(40)).until(() -> {
			long second = secondOfMinute(Instant.now());
			return second >= 5 && second < 40;
		});
		int before = this.executions.recorded("cron", "event").size();
		Instant past = Instant.now().minusSeconds(5);
		// In the future, the tick is left alone by the engine until this moves it into
		// the past.
		assertThat(this.crons.advance(everyMinute(), past)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executions.recorded("cron", "event").size() > before);
		Event event = (Event) this.executions.recorded("cron", "event").get(before);
		assertThat(event.name()).isEqualTo("inngest/scheduled.timer");
		assertThat(event.data()).containsEntry("cron", "* * * * *");
		assertThat(everyMinute().nextFireAt()).isAfter(Instant.now());
		assertThat(this.scheduler.fireDue()).isZero();
	}

	@Test
	void tickOfAScheduleTheFunctionNoLongerDeclaresIsNotDue() {
		// As stored by an earlier version of the application, whose schedule has changed
		// since: this one never fires it.
		Instant stale = Instant.now().minus(Duration.ofDays(1));
		this.crons.insertIfAbsent(new CronTick("every-minute", "0 0 1 1 *", stale));
		assertThat(this.scheduler.nextTickBy(stale.plusSeconds(1))).isEmpty();
	}

	/** The tick of the function that runs every minute, as stored. */
	private CronTick everyMinute() {
		return this.crons.findDue(Instant.now().plus(Duration.ofDays(1)))
			.stream()
			.filter((tick) -> tick.functionId().equals("every-minute") && tick.expression().equals("* * * * *"))
			.findFirst()
			.orElseThrow();
	}

	private static long secondOfMinute(Instant instant) {
		return instant.getEpochSecond() % 60;
	}

}
