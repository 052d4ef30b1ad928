package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunView;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import dev.durable.inngest.testsupport.Latches;
import dev.durable.inngest.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An id given by the sender is an idempotency key for Inngest's deduplication window of
 * 24 hours: sent again within it, the event starts no run; sent again after it, the event
 * starts its runs as a new one, and stays readable by that id beside the earlier one. On
 * an engine driven by the test, whose clock the test moves.
 */
class EventIdWindowTests {

	private static final String ID = "order-o-1";

	private final MovableClock clock = new MovableClock();

	private final Functions functions = new Functions();

	private final ApplicationContextRunner runner = DrivenEngine.runner("event-id-window")
		.withBean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME, MovableClock.class, () -> this.clock)
		.withBean(Functions.class, () -> this.functions);

	@Test
	void anIdSentAgainWithinADayStartsNoRunAndAfterItStartsOneWithTheNewEvent() {
		this.runner.run((context) -> {
			send(context, 1);
			this.clock.advance(Duration.ofHours(24).minusSeconds(1));
			send(context, 2);
			assertThat(runs(context)).hasSize(1);

			this.clock.advance(Duration.ofSeconds(2));
			send(context, 3);
			// Within the window of the event sent again, not of the first.
			this.clock.advance(Duration.ofHours(23));
			send(context, 4);
			this.clock.advance(Duration.ofHours(2));
			send(context, 5);

			List<RunRecord> runs = runs(context);
			assertThat(runs).extracting((run) -> run.event().id()).containsOnly(ID);
			assertThat(runs).extracting((run) -> run.event().data().get("n")).containsExactly(1, 3, 5);
			context.getBean(DueRuns.class).executeRound();
			assertThat(this.functions.received).containsExactlyInAnyOrder("order-o-1:1", "order-o-1:3", "order-o-1:5");
			assertThat(context.getBean(EventStore.class).find(ID))
				.hasValueSatisfying((event) -> assertThat(event.data()).containsEntry("n", 5));
			assertThat(context.getBean(InngestRuns.class).runsOf(ID)).singleElement()
				.extracting(RunView::id)
				.isEqualTo(runs.get(2).id());
		});
	}

	@Test
	void aRunOfAnEventSentAgainRunsAgainWithThatEvent() {
		this.runner.run((context) -> {
			send(context, 1);
			this.clock.advance(Duration.ofHours(25));
			send(context, 2);
			DueRuns dueRuns = context.getBean(DueRuns.class);
			dueRuns.executeRound();
			InngestRuns inngestRuns = context.getBean(InngestRuns.class);

			RunView rerun = inngestRuns.rerun(runs(context).get(1).id());
			dueRuns.executeRound();

			assertThat(context.getBean(RunStore.class).find(rerun.id()))
				.hasValueSatisfying((run) -> assertThat(run.event().data()).containsEntry("n", 2));
			assertThat(this.functions.received).containsExactlyInAnyOrder("order-o-1:1", "order-o-1:2", "order-o-1:2");
		});
	}

	@Test
	void anIdSentTwiceInOneSendAfterTheWindowStartsOneRun() {
		this.runner.run((context) -> {
			send(context, 1);
			this.clock.advance(Duration.ofHours(25));
			context.getBean(InngestClient.class)
				.send(Event.of("test/window", Map.of("n", 2)).withId(ID),
						Event.of("test/window", Map.of("n", 3)).withId(ID));
			assertThat(runs(context)).extracting((run) -> run.event().data().get("n")).containsExactly(1, 2);
		});
	}

	@Test
	void anIdSentFromManyThreadsAtOnceStartsOneRunAndAgainAfterTheWindow() throws Exception {
		this.runner.run((context) -> {
			sendAtOnce(context, 1);
			assertThat(runs(context)).hasSize(1);
			this.clock.advance(Duration.ofHours(25));
			sendAtOnce(context, 2);
			assertThat(runs(context)).hasSize(2);
			this.clock.advance(Duration.ofHours(25));
			sendAtOnce(context, 3);
			assertThat(runs(context)).extracting((run) -> run.event().id()).containsOnly(ID).hasSize(3);
		});
	}

	@Test
	void anIdSentAgainInTwoTransactionsAtOnceStartsOneRun() throws Exception {
		this.runner.run((context) -> {
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			send(context, 1);
			for (int n = 2; n <= 3; n++) {
				// Once with no event of the id stored again yet, once with one a day old.
				this.clock.advance(Duration.ofHours(25));
				sendInTwoTransactions(context, transaction, n);
				assertThat(runs(context)).hasSize(n);
			}
		});
	}

	/**
	 * Sends the id in two transactions of the application's: the second sends while the
	 * first, which has sent, has not committed yet. The second either waits for the first
	 * and fails, as the database fails a transaction that inserts a key another
	 * committed, or finds the id sent.
	 */
	private static void sendInTwoTransactions(ApplicationContext context, TransactionTemplate transaction, int n)
			throws Exception {
		CountDownLatch firstSent = new CountDownLatch(1);
		CountDownLatch secondSending = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<?> first = executor.submit(() -> transaction.executeWithoutResult((status) -> {
				send(context, n);
				firstSent.countDown();
				Latches.await(secondSending);
				// Time for the second to reach the row the first holds.
				sleep(300);
			}));
			Future<?> second = executor.submit(() -> {
				Latches.await(firstSent);
				try {
					transaction.executeWithoutResult((status) -> {
						secondSending.countDown();
						send(context, n);
					});
				}
				catch (DuplicateKeyException ex) {
					// The application's retry of its transaction finds the id sent.
				}
			});
			first.get(30, TimeUnit.SECONDS);
			second.get(30, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Sends the id from several threads released together. */
	private static void sendAtOnce(ApplicationContext context, int n) throws Exception {
		int senders = 8;
		ExecutorService executor = Executors.newFixedThreadPool(senders);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> sends = new ArrayList<>();
			for (int i = 0; i < senders; i++) {
				sends.add(executor.submit(() -> {
					start.await();
					send(context, n);
					return null;
				}));
			}
			start.countDown();
			for (Future<?> send : sends) {
				send.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void send(ApplicationContext context, int n) {
		assertThat(context.getBean(InngestClient.class).send(Event.of("test/window", Map.of("n", n)).withId(ID)))
			.containsExactly(ID);
	}

	/** The runs, oldest first. */
	private static List<RunRecord> runs(ApplicationContext context) {
		return context.getBean(RunStore.class)
			.list(new RunQuery("window", null, null, null, RunQuery.MAX_LIMIT, null))
			.stream()
			.sorted(Comparator.comparing(RunRecord::id))
			.toList();
	}

	static class Functions {

		final List<String> received = new CopyOnWriteArrayList<>();

		@InngestFunction(id = "window", event = "test/window")
		void window(Event event) {
			this.received.add(event.id() + ":" + event.data().get("n"));
		}

	}

}
