package dev.durable.inngest.engine;

import java.time.Duration;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.durable.inngest.engine.StoredRuns.onlyRun;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bulk cancellation or replay stopped before the engine processed it changes no run: on
 * an engine driven by the test, which processes them only when told to.
 */
class BulkStopTests {

	private final ApplicationContextRunner runner = DrivenEngine.runner("bulk-stop")
		.withUserConfiguration(Functions.class);

	@Test
	void stoppedBulkReplayStartsNoRun() {
		this.runner.run((context) -> {
			context.getBean(InngestClient.class).send(Event.of("test/decline"));
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.executeRound();
			RunRecord failed = onlyRun(context.getBean(RunStore.class));
			assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
			InngestRuns runs = context.getBean(InngestRuns.class);
			BulkReplay replay = runs.replayAll(new BulkReplayRequest(null, "decline", failed.createdAt(),
					failed.createdAt().plusSeconds(1), null));
			assertThat(runs.stopReplay(replay.id()).state()).isEqualTo(BulkReplay.State.STOPPED);
			dueRuns.executeRound();
			BulkReplay stopped = runs.findReplay(replay.id()).orElseThrow();
			assertThat(stopped.state()).isEqualTo(BulkReplay.State.STOPPED);
			assertThat(stopped.replayed()).isZero();
			assertThat(runs.find(failed.id()).orElseThrow().reruns()).isEmpty();
			assertThat(onlyRun(context.getBean(RunStore.class)).id()).isEqualTo(failed.id());
		});
	}

	@Test
	void stoppedBulkCancellationCancelsNoRun() {
		this.runner.run((context) -> {
			context.getBean(InngestClient.class).send(Event.of("test/nap"));
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.executeRound();
			RunRecord sleeping = onlyRun(context.getBean(RunStore.class));
			assertThat(sleeping.status()).isEqualTo(RunStatus.SLEEPING);
			InngestRuns runs = context.getBean(InngestRuns.class);
			BulkCancellation cancellation = runs.cancelAll(new BulkCancelRequest(null, "nap", sleeping.createdAt(),
					sleeping.createdAt().plusSeconds(1), null));
			assertThat(runs.stopCancellation(cancellation.id()).state()).isEqualTo(BulkCancellation.State.STOPPED);
			dueRuns.executeRound();
			BulkCancellation stopped = runs.findCancellation(cancellation.id()).orElseThrow();
			assertThat(stopped.state()).isEqualTo(BulkCancellation.State.STOPPED);
			assertThat(stopped.cancelled()).isZero();
			assertThat(onlyRun(context.getBean(RunStore.class)).status()).isEqualTo(RunStatus.SLEEPING);
		});
	}

	static class Functions {

		@InngestFunction(id = "decline", event = "test/decline")
		String decline() {
			throw new NonRetriableException("declined");
		}

		@InngestFunction(id = "nap", event = "test/nap")
		void nap(Step step) {
			step.sleep("nap", Duration.ofHours(1));
		}

	}

}
