package dev.durable.inngest.engine;

import java.lang.reflect.Method;
import java.time.Duration;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A claimed run whose execution fails before it begins, here in reading its steps, is not
 * left noted as starting: on an engine driven by the test.
 */
class FailedStartTests {

	private final FailingStepReads reads = new FailingStepReads();

	private final ApplicationContextRunner runner = DrivenEngine.runner("failed-start")
		.withBean("failingStepReads", BeanPostProcessor.class,
				() -> InterceptedStores.inContext(StepStore.class, this.reads::intercept))
		.withBean(Functions.class, Functions::new);

	@Test
	void aRunWhoseStepsCannotBeReadIsNoLongerNotedAsStarting() throws InterruptedException {
		this.runner.run((context) -> {
			context.getBean(InngestClient.class).send(Event.of("test/failed-start"));
			DueRuns rounds = context.getBean(DueRuns.class);
			// The first execution sleeps; the next, once the sleep is over, reads the
			// run's steps first.
			assertThat(rounds.executeRound()).isOne();
			Thread.sleep(50);
			this.reads.failing = true;
			assertThatIllegalStateException().isThrownBy(rounds::executeRound).withMessage("steps unreadable");
			assertThat(this.reads.calls).as("the steps read").isOne();
			assertThat(context.getBean(LeasedRuns.class).startingRuns()).isEmpty();
		});
	}

	static class Functions {

		@InngestFunction(id = "failed-start", event = "test/failed-start")
		void sleeper(Step step) {
			step.sleep("nap", Duration.ofMillis(1));
		}

	}

	static class FailingStepReads {

		volatile boolean failing;

		volatile int calls;

		Object intercept(Method called, Object[] args, InterceptedStores.Call call) throws Throwable {
			if (this.failing && called.getName().equals("findByRun")) {
				this.calls++;
				throw new IllegalStateException("steps unreadable");
			}
			return call.proceed();
		}

	}

}
