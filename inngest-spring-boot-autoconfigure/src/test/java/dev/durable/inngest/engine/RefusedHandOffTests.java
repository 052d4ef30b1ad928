package dev.durable.inngest.engine;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.autoconfigure.InngestAutoConfiguration;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewEvents;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.TestDatabases;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run taken by the dispatcher while the engine stops, and refused by its workers shut
 * down meanwhile: given back at once, queued and due with no lease, for any instance to
 * claim without waiting for the lease to expire; a run never started stays never started,
 * and one started before keeps its start. Nor is it left noted as starting: a later stop
 * of the run would otherwise mark it, and stop the execution of its next claim here as
 * soon as it began. Nor is a run never started counted as started: it counts once it
 * executes, wherever that is.
 */
class RefusedHandOffTests {

	private final SlowClaim slowClaim = new SlowClaim();

	/** Holds up the start of a run created leased, once armed, until released. */
	private final Gate slowStart = new Gate();

	/** The runs said started, on their first execution. */
	private final AtomicInteger started = new AtomicInteger();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class))
		.withPropertyValues("inngest.local.schema.initialize=always",
				TestDatabases.memory() ? "inngest.local.store=memory"
						: "spring.datasource.url=" + TestDatabases.newUrl("refused-hand-off"))
		.withBean("slowClaims", BeanPostProcessor.class, () -> InterceptedStores.inContext(this.slowClaim::intercept))
		.withBean("createdRuns", BeanPostProcessor.class,
				() -> InterceptedStores.inContext(EventStore.class, this.slowClaim::intercept))
		.withBean("slowStarts", BeanPostProcessor.class, () -> new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				return (bean instanceof LeasedRuns) ? new SlowStart(RefusedHandOffTests.this.slowStart) : bean;
			}
		})
		.withBean(RunOutcomes.class, () -> new RunOutcomes() {
			@Override
			public void started(RunRecord run) {
				RefusedHandOffTests.this.started.incrementAndGet();
			}
		})
		.withBean(Functions.class, Functions::new);

	@Test
	void aClaimedRunRefusedByStoppedWorkersIsGivenBackNeverStarted() {
		// Runs not created leased here, so that the dispatcher claims them.
		this.runner.withPropertyValues("inngest.local.eager-start.enabled=false").run((context) -> {
			this.slowClaim.gate.armed = true;
			context.getBean(InngestClient.class).send(Event.of("test/refused"));
			String runId = refusedOnStop(context, this.slowClaim.gate);
			assertThat(this.slowClaim.claimed).as("the runs claimed").containsOnlyKeys(runId);
			assertGivenBack(context, runId, this.slowClaim.claimed.get(runId), null);
			assertThat(this.started).as("the runs said started").hasValue(0);
		});
	}

	@Test
	void aRefusedRunThatCannotBeGivenBackKeepsItsLeaseUntilItExpires() {
		this.runner.withPropertyValues("inngest.local.eager-start.enabled=false").run((context) -> {
			this.slowClaim.failGiveBack = true;
			this.slowClaim.gate.armed = true;
			context.getBean(InngestClient.class).send(Event.of("test/refused"));
			String runId = refusedOnStop(context, this.slowClaim.gate);
			assertThat(this.slowClaim.givenBack).as("the give-backs tried").isOne();
			RunStore runs = context.getBean(RunStore.class);
			RunRecord run = runs.find(runId).orElseThrow();
			assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
			// Claimed by any instance once its lease expires, as after a crash.
			assertThat(runs.leaseExpiry(runId, this.slowClaim.claimed.get(runId))).as("the lease still held")
				.hasValueSatisfying((expiry) -> assertThat(expiry).isEqualTo(run.dueAt()).isAfter(Instant.now()));
		});
	}

	@Test
	void aResumedRunRefusedByStoppedWorkersIsGivenBackStarted() {
		this.runner.withPropertyValues("inngest.local.eager-start.enabled=false").run((context) -> {
			RunStore runs = context.getBean(RunStore.class);
			context.getBean(InngestClient.class).send(Event.of("test/resumed"));
			String runId = awaitCreated();
			RunRecord sleeping = awaitStatus(runs, runId, RunStatus.SLEEPING);
			this.slowClaim.gate.armed = true;
			assertThat(refusedOnStop(context, this.slowClaim.gate)).isEqualTo(runId);
			assertThat(this.slowClaim.claimed).as("the runs claimed").containsOnlyKeys(runId);
			assertGivenBack(context, runId, this.slowClaim.claimed.get(runId), sleeping.startedAt());
			assertThat(runs.find(runId).orElseThrow().attempt()).isEqualTo(sleeping.attempt());
			assertThat(this.started).as("the runs said started").hasValue(1);
		});
	}

	@Test
	void aRunHeldAtSendRefusedByStoppedWorkersIsGivenBackNeverStarted() {
		this.runner.withPropertyValues("inngest.local.eager-start.enabled=true").run((context) -> {
			this.slowStart.armed = true;
			context.getBean(InngestClient.class).send(Event.of("test/refused"));
			String runId = awaitCreated();
			assertThat(this.slowClaim.createdLeased).as("the run created leased").containsKey(runId);
			assertThat(refusedOnStop(context, this.slowStart)).isNull();
			assertThat(this.slowClaim.claimed).as("the runs claimed").isEmpty();
			assertGivenBack(context, runId, this.slowClaim.createdLeased.get(runId), null);
			assertThat(this.started).as("the runs said started").hasValue(0);
		});
	}

	/**
	 * Stops the engine while the dispatcher is held up at a gate, then lets it go on and
	 * hand its run to the workers, shut down meanwhile.
	 * @return the id of the run claimed, if a claim was held up
	 */
	private @Nullable String refusedOnStop(ConfigurableApplicationContext context, Gate gate) throws Exception {
		assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(gate.thread.getName()).startsWith("inngest-dispatcher-");
		// The stop waits for the dispatcher a while, then shuts the workers down with it
		// still held up; it then hands its run to them.
		context.getBean(RunScheduler.class).stop();
		gate.release.countDown();
		gate.thread.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(gate.thread.isAlive()).isFalse();
		assertThat(context.getBean(LeasedRuns.class).startingRuns()).isEmpty();
		return this.slowClaim.claimed.keySet().stream().findFirst().orElse(null);
	}

	/**
	 * Asserts that a run is queued, due and unleased, as the give-back leaves it, and
	 * that another instance claims it at once.
	 */
	private static void assertGivenBack(ConfigurableApplicationContext context, String runId, String lease,
			@Nullable Instant startedAt) {
		RunStore runs = context.getBean(RunStore.class);
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		RunRecord run = runs.find(runId).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
		assertThat(run.dueAt()).isBeforeOrEqualTo(now);
		assertThat(run.startedAt()).isEqualTo(startedAt);
		assertThat(runs.leaseExpiry(runId, lease)).as("the lease of the refused hand-off").isEmpty();
		List<RunRecord> claimed = runs.claim(List.of(runId), "elsewhere", now, now.plusSeconds(30));
		assertThat(claimed).as("claimed elsewhere").singleElement().satisfies((again) -> {
			assertThat(again.startedAt()).isEqualTo((startedAt != null) ? startedAt : now);
		});
	}

	private String awaitCreated() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.slowClaim.created.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(this.slowClaim.created).as("the runs created").hasSize(1);
		return this.slowClaim.created.get(0);
	}

	private static RunRecord awaitStatus(RunStore runs, String runId, RunStatus status) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		RunRecord run = runs.find(runId).orElseThrow();
		while (run.status() != status && System.nanoTime() < deadline) {
			Thread.sleep(10);
			run = runs.find(runId).orElseThrow();
		}
		assertThat(run.status()).isEqualTo(status);
		return run;
	}

	static class Functions {

		@InngestFunction(id = "refused", event = "test/refused")
		String refused(Step step) {
			return step.run("work", String.class, () -> "done");
		}

		@InngestFunction(id = "resumed", event = "test/resumed")
		String resumed(Step step) {
			step.sleep("nap", Duration.ofMillis(500));
			return step.run("work", String.class, () -> "done");
		}

	}

	/** Holds up the thread that passes it, once armed, until released. */
	static class Gate {

		volatile boolean armed;

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile Thread thread;

		void pass() {
			if (!this.armed) {
				return;
			}
			this.armed = false;
			this.thread = Thread.currentThread();
			this.entered.countDown();
			try {
				this.release.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** Holds up the dispatcher once it has taken a run held here, once armed. */
	static class SlowStart extends LeasedRuns {

		private final Gate gate;

		SlowStart(Gate gate) {
			this.gate = gate;
		}

		@Override
		public RunExecutor.@Nullable Claim takeHeld(String runId, Instant createdAfter) {
			RunExecutor.Claim taken = super.takeHeld(runId, createdAfter);
			if (taken != null) {
				// Taken, not yet handed to the workers.
				this.gate.pass();
			}
			return taken;
		}

	}

	/**
	 * Holds up the run store's next claim of runs, once armed, until released; notes the
	 * runs created, and the leases of the runs claimed and created leased.
	 */
	static class SlowClaim {

		final Gate gate = new Gate();

		final List<String> created = new CopyOnWriteArrayList<>();

		final Map<String, String> createdLeased = new ConcurrentHashMap<>();

		final Map<String, String> claimed = new ConcurrentHashMap<>();

		volatile boolean failGiveBack;

		volatile int givenBack;

		Object intercept(Method called, Object[] args, InterceptedStores.Call call) throws Throwable {
			if (called.getName().equals("create") && args[0] instanceof List<?> runs) {
				created(runs);
			}
			else if (args != null && args.length == 1 && args[0] instanceof NewEvents events) {
				// On PostgreSQL, in the statement that stores their events.
				created(events.runs());
			}
			else if (called.getName().equals("giveBack") && this.failGiveBack) {
				this.givenBack++;
				throw new IllegalStateException("The database is not there");
			}
			Object result = call.proceed();
			if (called.getName().equals("claim") && !((List<?>) result).isEmpty() && this.gate.armed) {
				for (Object run : (List<?>) result) {
					this.claimed.put(((RunRecord) run).id(), (String) args[1]);
				}
				// Claimed, not yet handed to the workers.
				this.gate.pass();
			}
			return result;
		}

		private void created(List<?> runs) {
			for (Object run : runs) {
				if (run instanceof NewRun created) {
					this.created.add(created.id());
					if (created.lease() != null) {
						this.createdLeased.put(created.id(), created.lease());
					}
				}
			}
		}

	}

}
