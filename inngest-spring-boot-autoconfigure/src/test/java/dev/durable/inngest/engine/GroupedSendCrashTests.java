package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewEvents;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.testsupport.DyingThreads;
import dev.durable.inngest.testsupport.TestApplications;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A process that dies after a group of sends committed and before any of them returned,
 * or after a send stored alone committed and before it returned (in one statement outside
 * a transaction, where the database can): the events it acknowledged to no one are stored
 * with their runs, which the next instance executes once each, after their leases expire;
 * and the senders, sending again with the same ids as they do when they get no answer,
 * store nothing twice.
 */
class GroupedSendCrashTests {

	static final Executions executions = new Executions();

	/** Let go by the test: the first send's runs wait in their transaction until then. */
	static volatile CountDownLatch holdFirst;

	/** Whether the first instance's process is dead: its run store writes nothing. */
	static volatile boolean dead;

	/** Whether the process dies once the next group of sends commits. */
	static volatile boolean dieAfterGroupCommits;

	/** Whether the process dies once the next send stored alone commits. */
	static volatile boolean dieAfterAloneCommits;

	/** Whether the first send's runs are held. */
	static volatile boolean firstHeld;

	/** Lets the threads of a dead process go once its test is done. */
	static volatile CountDownLatch releaseAbandoned = new CountDownLatch(1);

	private final ExecutorService senders = Executors.newCachedThreadPool();

	@AfterEach
	void releaseAbandonedThreads() {
		releaseAbandoned.countDown();
		releaseAbandoned = new CountDownLatch(1);
		firstHeld = false;
		if (holdFirst != null) {
			holdFirst.countDown();
		}
		dead = false;
		dieAfterGroupCommits = false;
		dieAfterAloneCommits = false;
		this.senders.shutdownNow();
	}

	private static ConfigurableApplicationContext start(String url) {
		return TestApplications.run(new SpringApplicationBuilder(GroupCrashApp.class), "spring.datasource.url=" + url,
				"inngest.local.lease.duration=2s", "inngest.local.shutdown-timeout=100ms",
				"inngest.local.poll-interval=100ms", "inngest.local.send-group-commit=true",
				"spring.jpa.open-in-view=false");
	}

	@Test
	void eventsOfAGroupCommittedBeforeTheProcessDiedRunOnceOnTheNextInstanceAndAreNotStoredTwice() throws Exception {
		String url = TestDatabases.newUrl("group-crash");
		String key = UUID.randomUUID().toString();
		List<Event> grouped = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			grouped.add(Event.of("test/group-crash", Map.of("key", key)).withId(key + "-" + i));
		}
		List<Future<List<String>>> unanswered = new ArrayList<>();
		try (ConfigurableApplicationContext first = start(url)) {
			InngestClient inngest = first.getBean(InngestClient.class);
			EventIngestor ingestor = first.getBean(EventIngestor.class);
			holdFirst = new CountDownLatch(1);
			Future<List<String>> alone = this.senders
				.submit(() -> inngest.send(Event.of("test/group-crash-first", Map.of("key", key)).withId(key + "-0")));
			await().atMost(Duration.ofSeconds(10)).until(() -> holdFirst.getCount() == 1 && firstHeld);
			for (Event event : grouped) {
				unanswered.add(this.senders.submit(() -> inngest.send(event)));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> ingestor.sendsWaiting() == 3);
			dieAfterGroupCommits = true;
			holdFirst.countDown();
			assertThat(alone.get(10, TimeUnit.SECONDS)).containsExactly(key + "-0");
			await().atMost(Duration.ofSeconds(10)).until(() -> dead);
		}
		// None of the three senders got an answer.
		assertThat(unanswered).allSatisfy((send) -> assertThat(send).isNotDone());
		dead = false;
		try (ConfigurableApplicationContext second = start(url)) {
			JdbcClient jdbc = second.getBean(JdbcClient.class);
			RunProbe probe = new RunProbe(jdbc, second.getBean(RunStore.class), second.getBean(StepStore.class));
			for (Event event : grouped) {
				String runId = probe.awaitRunId(event.id(), "group-crash");
				assertThat(probe.awaitEnded(runId, Duration.ofSeconds(20)).status()).isEqualTo(RunStatus.COMPLETED);
			}
			// Sent again, as a sender that got no answer does: the same ids, nothing new.
			List<String> ids = second.getBean(InngestClient.class).send(grouped.toArray(Event[]::new));
			assertThat(ids).containsExactly(key + "-1", key + "-2", key + "-3");
			for (Event event : grouped) {
				assertThat(probe.runIds(event.id(), "group-crash")).hasSize(1);
				assertThat(jdbc.sql("SELECT COUNT(*) FROM inngest_event WHERE id = ?")
					.param(event.id())
					.query(Integer.class)
					.single()).isOne();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> executions.count(key, "ran") == 3);
			Thread.sleep(500);
			assertThat(executions.count(key, "ran")).isEqualTo(3);
		}
	}

	@Test
	void anEventSentAloneAndCommittedBeforeTheProcessDiedRunsOnceOnTheNextInstanceAndIsNotStoredTwice()
			throws Exception {
		String url = TestDatabases.newUrl("alone-crash");
		String key = UUID.randomUUID().toString();
		Event event = Event.of("test/group-crash", Map.of("key", key)).withId(key + "-alone");
		Future<List<String>> unanswered;
		try (ConfigurableApplicationContext first = start(url)) {
			InngestClient inngest = first.getBean(InngestClient.class);
			dieAfterAloneCommits = true;
			unanswered = this.senders.submit(() -> inngest.send(event));
			await().atMost(Duration.ofSeconds(10)).until(() -> dead);
		}
		assertThat(unanswered).isNotDone();
		dead = false;
		try (ConfigurableApplicationContext second = start(url)) {
			JdbcClient jdbc = second.getBean(JdbcClient.class);
			RunProbe probe = new RunProbe(jdbc, second.getBean(RunStore.class), second.getBean(StepStore.class));
			String runId = probe.awaitRunId(event.id(), "group-crash");
			assertThat(probe.awaitEnded(runId, Duration.ofSeconds(20)).status()).isEqualTo(RunStatus.COMPLETED);
			// Sent again, as a sender that got no answer does: the same id, nothing new.
			assertThat(second.getBean(InngestClient.class).send(event)).containsExactly(event.id());
			assertThat(probe.runIds(event.id(), "group-crash")).containsExactly(runId);
			assertThat(jdbc.sql("SELECT COUNT(*) FROM inngest_event WHERE id = ?")
				.param(event.id())
				.query(Integer.class)
				.single()).isOne();
			Thread.sleep(500);
			assertThat(executions.count(key, "ran")).isEqualTo(1);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class GroupCrashApp {

		@Bean
		static BeanPostProcessor dyingRunStore() {
			return InterceptedStores.inContext((method, args, call) -> {
				if (dead) {
					throw new IllegalStateException("The process is dead");
				}
				if (!method.getName().equals("create") || ((List<?>) args[0]).isEmpty()) {
					return call.proceed();
				}
				holdFirst();
				int count = ((List<?>) args[0]).size();
				if ((count > 1 && dieAfterGroupCommits) || (count == 1 && dieAfterAloneCommits)) {
					dieAfterGroupCommits = false;
					dieAfterAloneCommits = false;
					// Registered before the intake hands the runs to the workers: once
					// the group commits, the process dies before anything else happens.
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
						@Override
						public void afterCommit() {
							die();
						}
					});
				}
				return call.proceed();
			});
		}

		/**
		 * Where the database stores events with their runs in one statement: the process
		 * dies once a group's transaction, or a send's statement outside one, committed.
		 */
		@Bean
		static BeanPostProcessor dyingEventStore() {
			return InterceptedStores.inContext(EventStore.class, (method, args, call) -> {
				if (dead) {
					throw new IllegalStateException("The process is dead");
				}
				if (!method.getName().equals("insertUnlessAwaited")) {
					return call.proceed();
				}
				holdFirst();
				boolean together = TransactionSynchronizationManager.isSynchronizationActive();
				int count = ((NewEvents) args[0]).runs().size();
				if (together && count > 1 && dieAfterGroupCommits) {
					dieAfterGroupCommits = false;
					// Once the group commits, the process dies before anything else
					// happens.
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
						@Override
						public void afterCommit() {
							die();
						}
					});
				}
				Object stored = call.proceed();
				if (!together && Boolean.TRUE.equals(stored) && dieAfterAloneCommits) {
					dieAfterAloneCommits = false;
					die();
				}
				return stored;
			});
		}

		private static void holdFirst() throws InterruptedException {
			CountDownLatch hold = holdFirst;
			if (hold != null && hold.getCount() > 0 && !firstHeld) {
				firstHeld = true;
				hold.await(10, TimeUnit.SECONDS);
			}
		}

		private static void die() {
			dead = true;
			DyingThreads.holdUntil(releaseAbandoned);
		}

		@Bean
		GroupCrashFunctions groupCrashFunctions() {
			return new GroupCrashFunctions();
		}

	}

	static class GroupCrashFunctions {

		@InngestFunction(id = "group-crash", event = "test/group-crash")
		void ran(Event event) {
			executions.hit(RetryFunctions.key(event), "ran");
		}

		@InngestFunction(id = "group-crash-first", event = "test/group-crash-first")
		void first(Event event) {
			executions.hit(RetryFunctions.key(event), "first");
		}

	}

}
