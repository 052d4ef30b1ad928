package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import dev.durable.inngest.Event;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cron triggers start runs at their ticks, once per tick.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class CronTests {

	@Autowired
	JdbcClient jdbc;

	@Autowired
	CronScheduler scheduler;

	@Autowired
	Executions executions;

	@Test
	void cronTriggerIsRegisteredWithItsNextTick() {
		Instant next = this.jdbc.sql("SELECT next_fire_at FROM inngest_cron WHERE function_id = 'every-minute'")
			.query(OffsetDateTime.class)
			.single()
			.toInstant();
		assertThat(next).isAfter(Instant.now().minusSeconds(60)).isBefore(Instant.now().plusSeconds(61));
		assertThat(next.getEpochSecond() % 60).isZero();
	}

	@Test
	void dueTickStartsOneRunWithTheScheduledEventAndMovesToTheNextTick() {
		// The tick fired below and the checks after it must fall between two real ticks of
		// "* * * * *": past the one at the start of this minute, which the engine fires within a
		// poll of it, and well before the next.
		await().atMost(Duration.ofSeconds(40)).until(() -> {
			long second = secondOfMinute(Instant.now());
			return second >= 5 && second < 40;
		});
		int before = this.executions.recorded("cron", "event").size();
		Instant past = Instant.now().minusSeconds(5);
		this.jdbc.sql("UPDATE inngest_cron SET next_fire_at = ? WHERE function_id = 'every-minute'")
			.param(past.atOffset(ZoneOffset.UTC))
			.update();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.executions.recorded("cron", "event").size() > before);
		Event event = (Event) this.executions.recorded("cron", "event").get(before);
		assertThat(event.name()).isEqualTo("inngest/scheduled.timer");
		assertThat(event.data()).containsEntry("cron", "* * * * *");
		Instant next = this.jdbc.sql("SELECT next_fire_at FROM inngest_cron WHERE function_id = 'every-minute'")
			.query(OffsetDateTime.class)
			.single()
			.toInstant();
		assertThat(next).isAfter(Instant.now());
		assertThat(this.scheduler.fireDue()).isZero();
	}

	private static long secondOfMinute(Instant instant) {
		return instant.getEpochSecond() % 60;
	}

}
