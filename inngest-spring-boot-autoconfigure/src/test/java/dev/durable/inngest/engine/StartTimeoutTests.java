package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.Timeouts;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import dev.durable.inngest.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.durable.inngest.engine.StoredRuns.onlyRun;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Timeouts(start)}: the longest a run may stay queued before its first attempt,
 * on an engine driven by the test, whose clock the test moves.
 */
class StartTimeoutTests {

	private final MovableClock clock = new MovableClock();

	private final Functions functions = new Functions();

	/** The runs said started, on their first execution. */
	private final AtomicInteger started = new AtomicInteger();

	private final ApplicationContextRunner runner = DrivenEngine.runner("start-timeout")
		.withPropertyValues("inngest.local.backoff.initial=10m", "inngest.local.backoff.max=10m",
				"inngest.local.backoff.jitter=0")
		.withBean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME, MovableClock.class, () -> this.clock)
		.withBean(Functions.class, () -> this.functions)
		.withBean(RunOutcomes.class, () -> new RunOutcomes() {
			@Override
			public void started(RunRecord run) {
				StartTimeoutTests.this.started.incrementAndGet();
			}
		});

	@Test
	void runQueuedPastItsStartTimeoutIsCancelledWithoutExecutingAnyStep() {
		this.runner.run((context) -> {
			String eventId = context.getBean(InngestClient.class).send(Event.of("test/flaky")).get(0);
			this.clock.advance(Duration.ofSeconds(61));
			context.getBean(DueRuns.class).executeRound();
			RunRecord run = onlyRun(context.getBean(RunStore.class));
			assertThat(run.event().id()).isEqualTo(eventId);
			assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
			assertThat(run.cancellation().by()).isEqualTo("timeout");
			assertThat(run.cancellation().reason()).contains("@Timeouts start");
			assertThat(this.functions.attempts).hasValue(0);
			assertThat(this.started).as("the runs said started").hasValue(0);
		});
	}

	@Test
	void runClaimedPastItsStartTimeoutIsCancelledWithoutCountingAsStarted() {
		this.runner.run((context) -> {
			context.getBean(InngestClient.class).send(Event.of("test/flaky"));
			this.clock.advance(Duration.ofSeconds(61));
			// Claimed before any poll cancels it, as by an instance whose poll found it
			// due just before its timeout passed.
			RunExecutor executor = context.getBean(RunExecutor.class);
			List<RunExecutor.Claim> claims = executor.claim(List.of(onlyRun(context.getBean(RunStore.class)).id()));
			assertThat(claims).singleElement().satisfies((claim) -> assertThat(claim.firstExecution()).isTrue());
			assertThat(executor.execute(claims.get(0))).isEmpty();
			RunRecord run = onlyRun(context.getBean(RunStore.class));
			assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
			assertThat(run.cancellation().by()).isEqualTo("timeout");
			assertThat(this.functions.attempts).hasValue(0);
			assertThat(this.started).as("the runs said started").hasValue(0);
		});
	}

	@Test
	void retryAfterTheStartTimeoutOfARunThatStartedInTimeIsNotCancelled() {
		this.runner.run((context) -> {
			context.getBean(InngestClient.class).send(Event.of("test/flaky"));
			DueRuns dueRuns = context.getBean(DueRuns.class);
			assertThat(dueRuns.executeRound()).isOne();
			assertThat(onlyRun(context.getBean(RunStore.class)).status()).isEqualTo(RunStatus.QUEUED);
			// Its retry is due 10 minutes later, well past the minute it had to start.
			this.clock.advance(Duration.ofMinutes(10));
			assertThat(dueRuns.executeRound()).isOne();
			RunRecord run = onlyRun(context.getBean(RunStore.class));
			assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(run.output()).isEqualTo("\"done\"");
			assertThat(this.functions.attempts).hasValue(2);
			assertThat(this.started).as("the runs said started").hasValue(1);
		});
	}

	static class Functions {

		final AtomicInteger attempts = new AtomicInteger();

		@InngestFunction(id = "flaky", event = "test/flaky")
		@Timeouts(start = "1m")
		String flaky(Step step) {
			return step.run("work", String.class, () -> {
				if (this.attempts.incrementAndGet() == 1) {
					throw new IllegalStateException("fails once");
				}
				return "done";
			});
		}

	}

}
