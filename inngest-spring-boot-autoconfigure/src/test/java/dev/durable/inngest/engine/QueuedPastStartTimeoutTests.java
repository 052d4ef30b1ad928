package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.Timeouts;
import dev.durable.inngest.autoconfigure.InngestAutoConfiguration;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @Timeouts(start)} on the running engine with its only worker busy: a run still
 * queued is cancelled once its start timeout passes, without waiting for the worker,
 * while a run that started is left to run past it.
 */
class QueuedPastStartTimeoutTests {

	private final Functions functions = new Functions();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class))
		.withPropertyValues("inngest.local.schema.initialize=always", "inngest.local.workers=1",
				"inngest.local.poll-interval=100ms", "inngest.local.shutdown-timeout=2s",
				TestDatabases.memory() ? "inngest.local.store=memory"
						: "spring.datasource.url=" + TestDatabases.newUrl("queued-start-timeout"))
		.withBean(Functions.class, () -> this.functions);

	@Test
	void runQueuedBehindABusyWorkerIsCancelledWhenItsStartTimeoutPasses() {
		this.runner.run((context) -> {
			RunStore runs = context.getBean(RunStore.class);
			try {
				InngestClient inngest = context.getBean(InngestClient.class);
				inngest.send(Event.of("test/block"));
				assertThat(this.functions.blocking.await(10, TimeUnit.SECONDS)).isTrue();
				inngest.send(Event.of("test/must-start"));
				RunRecord run = await().atMost(Duration.ofSeconds(10))
					.until(() -> runOf(runs, "test/must-start"), (found) -> found.status().isFinal());
				assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
				assertThat(run.cancellation().by()).isEqualTo("timeout");
				assertThat(run.cancellation().reason())
					.isEqualTo("Not started within 1s of its event (@Timeouts start)");
				assertThat(run.startedAt()).isNull();
				assertThat(runOf(runs, "test/block").status()).as("the run that holds the worker")
					.isEqualTo(RunStatus.RUNNING);
				// Published once the cancellation has committed.
				await().atMost(Duration.ofSeconds(5)).until(() -> !this.functions.springEvents.isEmpty());
				assertThat(this.functions.springEvents).singleElement()
					.satisfies((cancelled) -> assertThat(cancelled.runId()).isEqualTo(run.id()));
				this.functions.release.countDown();
				// Its cleanup runs once the worker is free, started by its one cancelled
				// event.
				await().atMost(Duration.ofSeconds(10)).until(() -> this.functions.cleanups.size() == 1);
				assertThat(this.functions.cleanups.get(0).data()).containsEntry("run_id", run.id());
				assertThat(runOf(runs, "test/block").status()).isEqualTo(RunStatus.COMPLETED);
				assertThat(this.functions.work).hasValue(0);
				assertThat(this.functions.springEvents).hasSize(1);
			}
			finally {
				this.functions.release.countDown();
			}
		});
	}

	@Test
	void runThatStartedInTimeIsNotCancelledWhileItRunsPastItsStartTimeout() {
		this.runner.run((context) -> {
			RunStore runs = context.getBean(RunStore.class);
			try {
				context.getBean(InngestClient.class).send(Event.of("test/slow-start"));
				assertThat(this.functions.blocking.await(10, TimeUnit.SECONDS)).isTrue();
				// Well past its start timeout, and several polls.
				Thread.sleep(1500);
				assertThat(runOf(runs, "test/slow-start").status()).isEqualTo(RunStatus.RUNNING);
				this.functions.release.countDown();
				RunRecord run = await().atMost(Duration.ofSeconds(10))
					.until(() -> runOf(runs, "test/slow-start"), (found) -> found.status().isFinal());
				assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
				assertThat(run.output()).isEqualTo("\"released\"");
				assertThat(this.functions.springEvents).isEmpty();
			}
			finally {
				this.functions.release.countDown();
			}
		});
	}

	private static RunRecord runOf(RunStore runs, String eventName) {
		List<RunRecord> found = runs.list(RunQuery.all(50))
			.stream()
			.filter((run) -> run.event().name().equals(eventName))
			.toList();
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	static class Functions {

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger work = new AtomicInteger();

		final List<Event> cleanups = new CopyOnWriteArrayList<>();

		final List<FunctionCancelledEvent> springEvents = new CopyOnWriteArrayList<>();

		@InngestFunction(id = "blocker", event = "test/block")
		String block(Step step) {
			return step.run("block", String.class, this::blockUntilReleased);
		}

		@InngestFunction(id = "must-start", event = "test/must-start")
		@Timeouts(start = "1s")
		String mustStart(Step step) {
			return step.run("work", String.class, () -> "done " + this.work.incrementAndGet());
		}

		@InngestFunction(id = "slow-start", event = "test/slow-start")
		@Timeouts(start = "1s")
		String slowStart(Step step) {
			return step.run("slow", String.class, this::blockUntilReleased);
		}

		@InngestFunction(id = "cleanup", event = FunctionCancelledEvent.NAME)
		void cleanup(Event event) {
			this.cleanups.add(event);
		}

		@EventListener
		void cancelled(FunctionCancelledEvent event) {
			this.springEvents.add(event);
		}

		private String blockUntilReleased() throws InterruptedException {
			this.blocking.countDown();
			this.release.await(30, TimeUnit.SECONDS);
			return "released";
		}

	}

}
