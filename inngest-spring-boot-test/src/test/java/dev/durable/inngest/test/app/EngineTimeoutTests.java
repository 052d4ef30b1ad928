package dev.durable.inngest.test.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchIllegalStateException;

/**
 * A call whose run does not finish in time fails the test, showing where the engine's
 * thread is, rather than waiting for ever.
 */
@InngestTest(properties = "inngest.test.engine-timeout=500ms")
@Import(EngineTimeoutTests.Stuck.class)
class EngineTimeoutTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	Stuck stuck;

	@BeforeEach
	void hold() {
		this.stuck.release = new CountDownLatch(1);
		this.stuck.stubbornRelease = new CountDownLatch(1);
	}

	@AfterEach
	void release() {
		this.stuck.release.countDown();
		this.stuck.stubbornRelease.countDown();
	}

	@Test
	void aCallWhoseStepDoesNotEndInTimeFailsWithTheEnginesStack() {
		assertThatIllegalStateException().isThrownBy(() -> this.inngest.send(Event.of("probe/stuck")))
			.withMessageStartingWith("The Inngest test engine's thread (inngest-test-engine) has not finished the "
					+ "work this call gave it in PT0.5S (inngest.test.engine-timeout)")
			.satisfies((ex) -> assertThat(ex.getStackTrace())
				.anyMatch((frame) -> frame.getClassName().startsWith(Stuck.class.getName())));
	}

	@Test
	void theEngineIsFreeAgainOnceTheStuckStepIsInterrupted() {
		assertThatIllegalStateException().isThrownBy(() -> this.inngest.send(Event.of("probe/stuck")));
		// Not queued behind the step, which the interrupt ended.
		this.inngest.advance(Duration.ZERO);
	}

	@Test
	void callsAfterAStepThatGoesOnWhenInterruptedAreRefusedUntilItEnds() {
		IllegalStateException timedOut = catchIllegalStateException(
				() -> this.inngest.send(Event.of("probe/stubborn")));
		assertThat(timedOut).hasMessageContaining("has not finished the work this call gave it");
		assertThatIllegalStateException().isThrownBy(() -> this.inngest.advance(Duration.ZERO))
			.withMessageContaining("is still doing the work of an earlier call, which did not finish in PT0.5S")
			.withMessageContaining("this call is refused rather than queued behind it")
			.withCause(timedOut);
		this.stuck.stubbornRelease.countDown();
		this.inngest.advance(Duration.ZERO);
	}

	@Test
	void aCallWhoseRunsKeepFallingDueIsStoppedAndTheEngineIsFreeAgain() {
		String runId = this.inngest.send(Event.of("probe/forever")).runId();
		assertThatIllegalStateException().isThrownBy(() -> this.inngest.awaitEnd(runId, Duration.ofDays(3650)))
			.withMessageContaining("has not finished the work this call gave it")
			.withMessageContaining("runs may keep falling due as the clock moves");
		// The loop stopped between two rounds once interrupted: nothing is refused.
		this.inngest.advance(Duration.ZERO);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Stuck {

		/**
		 * Sleeps a second at a time without end, as a poll that never finds its answer.
		 */
		@InngestFunction(id = "forever", event = "probe/forever")
		public void forever(Step step) {
			for (int i = 0;; i++) {
				step.sleep("poll-" + i, Duration.ofSeconds(1));
			}
		}

		volatile CountDownLatch release = new CountDownLatch(1);

		volatile CountDownLatch stubbornRelease = new CountDownLatch(1);

		/** A step that waits on, whatever interrupts it, until it is released. */
		@InngestFunction(id = "stubborn", event = "probe/stubborn")
		public void stubborn(Step step) {
			CountDownLatch released = this.stubbornRelease;
			step.run("wait", () -> {
				while (released.getCount() > 0) {
					try {
						released.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						// Waits on, as a step blocked out of an interrupt's reach.
					}
				}
			});
		}

		@InngestFunction(id = "stuck", event = "probe/stuck")
		public void stuck(Step step) {
			step.run("wait", () -> this.release.await(30, TimeUnit.SECONDS));
		}

	}

}
