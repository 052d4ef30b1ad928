package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.Step;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import dev.durable.inngest.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sleep ends at the instant it was due, not when its run resumed: the steps a served
 * function awaits together are replayed in the order they ended, so a sleep that was due
 * before a wait's event arrived wins their race even when the run resumes after both. On
 * an engine driven by the test, whose clock the test moves.
 */
class SleepEndTests {

	private final MovableClock clock = new MovableClock();

	private final ApplicationContextRunner runner = DrivenEngine.runner("sleep-end")
		.withBean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME, MovableClock.class, () -> this.clock)
		.withBean(Napper.class, Napper::new);

	@Test
	void aSleepResumedLateEndsWhenItWasDue() {
		this.runner.run((context) -> {
			context.getBean(InngestClient.class).send(Event.of("test/nap", Map.of()));
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.executeRound();
			Instant due = this.clock.instant().plus(Napper.NAP);
			this.clock.advance(Duration.ofMinutes(10));
			dueRuns.executeRound();

			RunView run = context.getBean(InngestRuns.class)
				.list(new RunQuery("napper", null, null, null, RunQuery.MAX_LIMIT, null))
				.runs()
				.get(0);
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			StepRecord nap = context.getBean(StepStore.class)
				.findByRun(run.id())
				.stream()
				.filter((step) -> step.kind() == StepKind.SLEEP)
				.findFirst()
				.orElseThrow();
			assertThat(nap.endedAt()).isEqualTo(due);
		});
	}

	static class Napper {

		static final Duration NAP = Duration.ofMinutes(1);

		@InngestFunction(id = "napper", event = "test/nap")
		void nap(Step step) {
			step.sleep("nap", NAP);
			step.run("after", () -> {
			});
		}

	}

}
