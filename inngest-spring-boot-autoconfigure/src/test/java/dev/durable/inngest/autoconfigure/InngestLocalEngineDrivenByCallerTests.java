package dev.durable.inngest.autoconfigure;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.DueRuns;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.StepInterceptor;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.durable.inngest.engine.StoredRuns.onlyRun;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine driven by its caller rather than its threads, as tests drive it: its clock a
 * bean to replace, its scheduler and replay poller left stopped, and a step interceptor
 * consulted before step bodies.
 */
class InngestLocalEngineDrivenByCallerTests {

	private static final Instant FIXED = Instant.parse("2030-06-01T12:00:00Z");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
		.withPropertyValues("inngest.local.store=memory", "inngest.local.auto-startup=false")
		.withUserConfiguration(ChargeFunction.class);

	@Test
	void withoutAutoStartupNoRunExecutesUntilTheCallerDrivesIt() {
		this.runner.run((context) -> {
			assertThat(context.getBean(RunScheduler.class).isRunning()).isFalse();
			String eventId = context.getBean(InngestClient.class).send(Event.of("test/charge")).get(0);
			RunRecord queued = onlyRun(context.getBean(RunStore.class));
			assertThat(queued.event().id()).isEqualTo(eventId);
			assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);
			assertThat(context.getBean(DueRuns.class).executeRound()).isOne();
			RunRecord completed = onlyRun(context.getBean(RunStore.class));
			assertThat(completed.status()).isEqualTo(RunStatus.COMPLETED);
			assertThat(completed.output()).isEqualTo("\"charged\"");
			assertThat(context.getBean(DueRuns.class).executeRound()).isZero();
		});
	}

	@Test
	void aRoundOfTheCallerProcessesTheBulkReplaysUnderWay() {
		this.runner.run((context) -> {
			assertThat(context.getBean(RunScheduler.class).isRunning()).isFalse();
			context.getBean(InngestClient.class).send(Event.of("test/decline"));
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.executeRound();
			RunRecord failed = onlyRun(context.getBean(RunStore.class));
			assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
			InngestRuns runs = context.getBean(InngestRuns.class);
			BulkReplay replay = runs.replayAll(new BulkReplayRequest(null, "decline", failed.createdAt(),
					failed.createdAt().plusSeconds(1), null));
			assertThat(replay.matched()).isOne();
			assertThat(runs.findReplay(replay.id()).orElseThrow().replayed()).isZero();
			assertThat(dueRuns.executeRound()).isOne();
			BulkReplay done = runs.findReplay(replay.id()).orElseThrow();
			assertThat(done.state()).isEqualTo(BulkReplay.State.COMPLETED);
			assertThat(done.replayed()).isOne();
			String rerun = runs.find(failed.id()).orElseThrow().reruns().get(0);
			assertThat(runs.find(rerun).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
		});
	}

	@Test
	void aClockNamedInngestClockIsTheEnginesTime() {
		this.runner
			.withBean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME, Clock.class,
					() -> Clock.fixed(FIXED, ZoneOffset.UTC))
			.run((context) -> {
				context.getBean(InngestClient.class).send(Event.of("test/charge"));
				context.getBean(DueRuns.class).executeRound();
				RunRecord run = onlyRun(context.getBean(RunStore.class));
				assertThat(run.createdAt()).isEqualTo(FIXED);
				assertThat(run.endedAt()).isEqualTo(FIXED);
			});
	}

	@Test
	void aStepInterceptorIsConsultedInPlaceOfTheStepsBody() {
		StepInterceptor interceptor = (step, body) -> step.stepId().equals("charge")
				? "intercepted " + step.functionId() + " attempt " + step.attempt() : body.call();
		this.runner.withBean(StepInterceptor.class, () -> interceptor).run((context) -> {
			context.getBean(InngestClient.class).send(Event.of("test/charge"));
			context.getBean(DueRuns.class).executeRound();
			assertThat(onlyRun(context.getBean(RunStore.class)).output()).isEqualTo("\"intercepted charge attempt 0\"");
		});
	}

	static class ChargeFunction {

		@InngestFunction(id = "decline", event = "test/decline")
		String decline() {
			throw new NonRetriableException("declined");
		}

		@InngestFunction(id = "charge", event = "test/charge")
		String charge(Step step) {
			return step.run("charge", String.class, () -> "charged");
		}

	}

}
