package dev.durable.inngest.test.app;

import java.time.Duration;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestClock;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test that turns the crons off moves the clock past their ticks without starting their
 * runs, runs a cron function by invoking it, and its other functions run as before.
 */
@InngestTest(classes = TestApplication.class, properties = "inngest.local.crons.enabled=false")
class CronsOffTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Test
	void aDayPassesWithoutCronRunsAndASleepOfADayEnds() {
		String runId = this.inngest.send(Event.of("app/remind", Map.of("user", "ada"))).runId();
		this.inngest.advance(Duration.ofDays(1));
		assertThat(this.inngest.runsOf("hourly")).isEmpty();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted();
		assertThat(this.inngest.events("inngest/scheduled.timer")).isEmpty();
	}

	@Test
	void aCronFunctionRunsWhenInvoked() {
		assertThat(this.inngest.invoke("hourly", Map.of())).isCompleted().hasOutput("tick");
		assertThat(this.inngest.now()).isBefore(InngestTestClock.START.plusSeconds(1));
		assertThat(this.inngest.runsOf("hourly")).hasSize(1);
	}

}
