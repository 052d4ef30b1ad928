package dev.durable.inngest.engine;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run claimed by an instance that does not declare its function, as when another
 * instance signals it due: queued again as the claim found it, so that its start timeout
 * is still measured to the claim of an instance that runs it, and found by the polls for
 * runs queued past it.
 */
class UndeclaredFunctionClaimTests {

	private final ApplicationContextRunner runner = DrivenEngine.runner("undeclared-claim")
		.withBean(Functions.class, Functions::new)
		.withBean(RunOutcomes.class, () -> new RunOutcomes() {
			@Override
			public void started(RunRecord run) {
				UndeclaredFunctionClaimTests.this.started.incrementAndGet();
			}
		});

	private final AtomicInteger started = new AtomicInteger();

	@Test
	void aRunNeverStartedIsQueuedAgainNeverStarted() {
		this.runner.run((context) -> {
			RunStore runs = context.getBean(RunStore.class);
			RunExecutor executor = context.getBean(RunExecutor.class);
			Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
			String runId = QueuedRuns
				.queue(context.getBean(EventStore.class), runs,
						Event.of("test/elsewhere").withId(UUID.randomUUID().toString()).withTs(now.toEpochMilli()),
						"elsewhere", 1, now)
				.get(0);

			List<RunExecutor.Claim> claims = executor.claim(List.of(runId));
			assertThat(claims).singleElement().satisfies((claim) -> assertThat(claim.firstExecution()).isTrue());
			assertThat(executor.execute(claims.get(0))).isEmpty();

			RunRecord run = runs.find(runId).orElseThrow();
			assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
			assertThat(run.startedAt()).isNull();
			assertThat(run.dueAt()).isNotNull();
			assertThat(runs.findUnstarted(Instant.now().plusSeconds(1), List.of("elsewhere"), 10, List.of("elsewhere"),
					10))
				.containsExactly(runId);
			assertThat(context.getBean(LeasedRuns.class).startingRuns()).isEmpty();
			assertThat(this.started).as("runs said started").hasValue(0);
		});
	}

	static class Functions {

		@InngestFunction(id = "here", event = "test/here")
		void here(Event event) {
		}

	}

}
