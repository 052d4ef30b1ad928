package dev.durable.inngest.engine;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.CancelOn;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run cancelled here once claimed and before its execution began runs no step: on an
 * engine driven by the test, whose round claims every due run and then executes each in
 * turn.
 */
class ClaimedRunCancellationTests {

	private final Functions functions = new Functions();

	private final ApplicationContextRunner runner = DrivenEngine.runner("claimed-cancel")
		.withBean(Functions.class, () -> this.functions);

	@Test
	void runCancelledAfterItsClaimAndBeforeItsFirstStepRunsNoStep() {
		this.runner.run((context) -> {
			InngestClient inngest = context.getBean(InngestClient.class);
			inngest.send(Event.of("test/stopper"));
			// Due later than the stopper, which a round claims first: runs due at
			// the same time are claimed in no set order.
			Thread.sleep(5);
			inngest.send(Event.of("test/worker"));
			// One round claims both, then executes the stopper, which cancels the worker.
			assertThat(context.getBean(DueRuns.class).executeRound()).isEqualTo(2);
			List<RunRecord> runs = context.getBean(RunStore.class).list(RunQuery.all(10));
			assertThat(runs).filteredOn((run) -> run.functionId().equals("worker"))
				.singleElement()
				.satisfies((worker) -> assertThat(worker.status()).isEqualTo(RunStatus.CANCELLED));
			assertThat(this.functions.work).hasValue(0);
		});
	}

	static class Functions {

		final AtomicInteger work = new AtomicInteger();

		@InngestFunction(id = "stopper", event = "test/stopper")
		void stopper(Step step) {
			step.sendEvent("stop", Event.of("test/stop-worker"));
		}

		@InngestFunction(id = "worker", event = "test/worker")
		@CancelOn(event = "test/stop-worker")
		void worker(Step step) {
			step.run("work", this.work::incrementAndGet);
		}

	}

}
