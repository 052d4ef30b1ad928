package dev.durable.inngest.engine;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker that ends a run while a run created leased here is due starts that run itself,
 * on its own thread, without waiting for the dispatcher. Here the dispatcher is held up
 * in a claim (of a run of a function with timeouts, which is always claimed) while a
 * worker ends a run, and the run sent meanwhile still starts and completes. The blocking
 * and the quick function are those of {@link EagerStartTests}. The maximum wait is long
 * enough that the run sent meanwhile is never given back for a claim, which the held-up
 * dispatcher could not make, on a machine slow enough to take longer than the default 2 s
 * between that send and the worker's end.
 */
@SpringBootTest(classes = { EngineTestApplication.class, WorkerHandOffTests.Config.class }, properties = {
		"inngest.local.workers=2", "inngest.local.eager-start.enabled=true", "inngest.local.eager-start.max-wait=1m" })
class WorkerHandOffTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Autowired
	EagerStartTests.EagerFunctions functions;

	@Autowired
	SlowClaim slowClaim;

	@AfterEach
	void release() {
		this.functions.release.countDown();
		this.slowClaim.release.countDown();
	}

	@Test
	void aWorkerThatEndsARunStartsTheNextHeldRunWhileTheDispatcherIsBusy() throws InterruptedException {
		String blockerEvent = send("test/eager-block");
		assertThat(this.functions.blocking.await(10, TimeUnit.SECONDS)).isTrue();
		this.slowClaim.arm();
		String claimedEvent = send("test/hand-off-claimed");
		assertThat(this.slowClaim.entered.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.slowClaim.thread.getName()).startsWith("inngest-dispatcher-");
		String quickEvent = send("test/eager-quick");
		String quickRun = this.probe.awaitRunId(quickEvent, "eager-quick");
		this.functions.release.countDown();
		assertThat(this.probe.awaitEnded(quickRun, Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.slowClaim.release.getCount()).as("the dispatcher still in its claim").isOne();
		this.slowClaim.release.countDown();
		assertThat(this.probe.awaitEnded(blockerEvent, "eager-blocker").status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.probe.awaitEnded(claimedEvent, "hand-off-claimed").status()).isEqualTo(RunStatus.COMPLETED);
	}

	private String send(String name) {
		return this.inngest.send(Event.of(name, Map.of("key", UUID.randomUUID().toString()))).get(0);
	}

	/** A function that is always claimed: it has timeouts. */
	static class ClaimedFunction {

		@InngestFunction(id = "hand-off-claimed", event = "test/hand-off-claimed")
		@Timeouts(finish = "1m")
		String claimed(Event event, Step step) {
			return step.run("work", String.class, () -> "claimed");
		}

	}

	/** Holds up the run store's next claim, once armed, until released. */
	static class SlowClaim {

		private volatile boolean armed;

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile Thread thread;

		void arm() {
			this.armed = true;
		}

		Object intercept(Method called, Object[] args, InterceptedStores.Call call) throws Throwable {
			if (this.armed && called.getName().equals("claim")) {
				this.armed = false;
				this.thread = Thread.currentThread();
				this.entered.countDown();
				this.release.await(20, TimeUnit.SECONDS);
			}
			return call.proceed();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Config {

		@Bean
		EagerStartTests.EagerFunctions eagerFunctions(Executions executions) {
			return new EagerStartTests.EagerFunctions(executions);
		}

		@Bean
		ClaimedFunction claimedFunction() {
			return new ClaimedFunction();
		}

		@Bean
		static SlowClaim slowClaim() {
			return new SlowClaim();
		}

		@Bean
		static BeanPostProcessor slowClaims(SlowClaim slowClaim) {
			return InterceptedStores.inContext(slowClaim::intercept);
		}

	}

}
