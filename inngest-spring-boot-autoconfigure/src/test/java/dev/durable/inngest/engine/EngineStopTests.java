package dev.durable.inngest.engine;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the engine while its poller or its dispatcher is in the store: neither thread
 * is interrupted. On H2, a thread interrupted in the middle of reading the database file
 * closes the file (the channel's {@code ClosedByInterruptException}), and H2 loses the
 * commits it has not written yet; so the poll or the claim under way finishes, and the
 * claimed run is executed. Runs are not started eagerly here, so that a sent event's run
 * is claimed.
 */
@SpringBootTest(classes = { EngineTestApplication.class, EngineStopTests.SlowStore.class },
		properties = { "inngest.local.poll-interval=50ms", "inngest.local.eager-start.enabled=false" })
class EngineStopTests {

	@Autowired
	RunScheduler engine;

	@Autowired
	SlowStore slowStore;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@AfterEach
	void startAgain() {
		this.slowStore.disarm();
		this.engine.start();
	}

	@Test
	void aPollUnderWayFinishesUninterrupted() throws InterruptedException {
		this.slowStore.arm("findDue");
		assertThat(this.slowStore.entered.await(10, TimeUnit.SECONDS)).isTrue();
		this.engine.stop();
		assertThat(this.slowStore.interrupted).isFalse();
		assertThat(this.slowStore.finished).isTrue();
		assertThat(this.slowStore.thread.get().getName()).startsWith("inngest-poller-");
	}

	@Test
	void aClaimUnderWayFinishesUninterruptedAndItsRunIsExecuted() throws InterruptedException {
		this.slowStore.arm("claim");
		Event event = Event.of("test/flaky-step", Map.of("key", UUID.randomUUID().toString()));
		String eventId = this.inngest.send(event).get(0);
		assertThat(this.slowStore.entered.await(10, TimeUnit.SECONDS)).isTrue();
		this.engine.stop();
		assertThat(this.slowStore.interrupted).isFalse();
		assertThat(this.slowStore.finished).isTrue();
		assertThat(this.slowStore.thread.get().getName()).startsWith("inngest-dispatcher-");
		// Handed to a worker before the workers stopped taking runs, and executed while
		// stopping.
		assertThat(this.probe.awaitEnded(eventId, "flaky-step").status()).isEqualTo(RunStatus.COMPLETED);
	}

	/**
	 * Makes the run store's next call of one method wait half a second before it goes on,
	 * and records whether the waiting thread was interrupted.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class SlowStore {

		private volatile String method;

		volatile CountDownLatch entered = new CountDownLatch(1);

		volatile boolean interrupted;

		volatile boolean finished;

		final AtomicReference<Thread> thread = new AtomicReference<>();

		void arm(String method) {
			this.entered = new CountDownLatch(1);
			this.interrupted = false;
			this.finished = false;
			this.thread.set(null);
			this.method = method;
		}

		void disarm() {
			this.method = null;
		}

		@Bean
		static BeanPostProcessor slowRunStore(SlowStore slowStore) {
			return InterceptedStores.inContext(slowStore::intercept);
		}

		private Object intercept(Method called, Object[] args, InterceptedStores.Call call) throws Throwable {
			boolean delayed = called.getName().equals(this.method)
					&& this.thread.compareAndSet(null, Thread.currentThread());
			if (delayed) {
				this.entered.countDown();
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					this.interrupted = true;
					Thread.currentThread().interrupt();
				}
			}
			Object result = call.proceed();
			this.finished |= delayed;
			return result;
		}

	}

}
