package dev.durable.inngest.engine;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.autoconfigure.InngestAutoConfiguration;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run claimed by the dispatcher while the engine stops, and refused by its workers shut
 * down meanwhile, is not left noted as starting: a later stop of the run would otherwise
 * mark it, and stop the execution of its next claim here as soon as it began. Runs are
 * not created leased here, so that the dispatcher claims them.
 */
class RefusedHandOffTests {

	private final SlowClaim slowClaim = new SlowClaim();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class))
		.withPropertyValues("inngest.local.schema.initialize=always", "inngest.local.eager-start.enabled=false",
				TestDatabases.memory() ? "inngest.local.store=memory"
						: "spring.datasource.url=" + TestDatabases.newUrl("refused-hand-off"))
		.withBean("slowClaims", BeanPostProcessor.class, () -> InterceptedStores.inContext(this.slowClaim::intercept))
		.withBean(Functions.class, Functions::new);

	@Test
	void aClaimedRunRefusedByStoppedWorkersIsNoLongerNotedAsStarting() {
		this.runner.run((context) -> {
			this.slowClaim.armed = true;
			context.getBean(InngestClient.class).send(Event.of("test/refused"));
			assertThat(this.slowClaim.entered.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.slowClaim.thread.getName()).startsWith("inngest-dispatcher-");
			// The stop waits for the dispatcher a while, then shuts the workers down with
			// the claim still under way; the claim then hands its run to them.
			context.getBean(RunScheduler.class).stop();
			this.slowClaim.release.countDown();
			this.slowClaim.thread.join(TimeUnit.SECONDS.toMillis(10));
			assertThat(this.slowClaim.thread.isAlive()).isFalse();
			assertThat(this.slowClaim.claimed).as("the run claimed").isOne();
			assertThat(context.getBean(LeasedRuns.class).startingRuns()).isEmpty();
		});
	}

	static class Functions {

		@InngestFunction(id = "refused", event = "test/refused")
		String refused(Step step) {
			return step.run("work", String.class, () -> "done");
		}

	}

	/** Holds up the run store's next claim, once armed, until released. */
	static class SlowClaim {

		volatile boolean armed;

		volatile int claimed;

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile Thread thread;

		Object intercept(Method called, Object[] args, InterceptedStores.Call call) throws Throwable {
			if (this.armed && called.getName().equals("claim")) {
				this.armed = false;
				this.thread = Thread.currentThread();
				this.entered.countDown();
				this.release.await(20, TimeUnit.SECONDS);
				Object runs = call.proceed();
				this.claimed = ((List<?>) runs).size();
				return runs;
			}
			return call.proceed();
		}

	}

}
