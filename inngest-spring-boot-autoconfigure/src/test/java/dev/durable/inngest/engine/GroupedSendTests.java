package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewEvents;
import dev.durable.inngest.engine.store.NewRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events that request threads send at the same time, outside a transaction, committed
 * together: a send made while another is being committed waits and is committed with the
 * others that waited, each sender getting its own ids once its events are committed; a
 * group that fails is committed again one send at a time; an invalid event fails its own
 * send only; and a send inside the caller's transaction is never grouped.
 */
@SpringBootTest(classes = { EngineTestApplication.class, GroupedSendTests.HoldingRunStore.class },
		properties = "inngest.local.send-group-commit=true")
class GroupedSendTests {

	/**
	 * Held: the next send's runs wait, in their transaction or before their statement,
	 * until let go.
	 */
	static volatile CountDownLatch holding;

	/** The number of runs of each group of sends stored together, as they are created. */
	static final List<Integer> groups = new CopyOnWriteArrayList<>();

	/** Whether the next group stored together fails, as a lost connection fails it. */
	static volatile boolean failNextGroup;

	/** The thread whose send is held, while it is. */
	static volatile Thread holdingThread;

	@Autowired
	InngestClient inngest;

	@Autowired
	EventIngestor ingestor;

	@Autowired
	RunProbe probe;

	@Autowired
	Executions executions;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	SharedCommits commits;

	@Autowired
	EventStore events;

	private final ExecutorService senders = Executors.newCachedThreadPool();

	@AfterEach
	void release() {
		if (holding != null) {
			holding.countDown();
		}
		holding = null;
		failNextGroup = false;
		groups.clear();
		this.senders.shutdownNow();
	}

	@Test
	void sendsMadeWhileOneIsCommittedAreCommittedTogetherEachSenderGettingItsOwnIds() throws Exception {
		assertThat(this.ingestor.sendsTogether()).isTrue();
		String key = UUID.randomUUID().toString();
		Future<List<String>> first = holdFirstSend(key, 0);
		List<Future<List<String>>> others = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			int sender = i;
			// Two events a sender, the second with an id of the sender's own.
			others.add(this.senders.submit(
					() -> this.inngest.send(notified(key, sender, null), notified(key, sender, key + "-" + sender))));
		}
		awaitWaiting(4);
		assertThat(others).allSatisfy((other) -> assertThat(other).isNotDone());
		holding.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(1);
		for (int i = 0; i < others.size(); i++) {
			List<String> ids = others.get(i).get(10, TimeUnit.SECONDS);
			assertThat(ids).hasSize(2).doesNotHaveDuplicates();
			assertThat(ids.get(1)).isEqualTo(key + "-" + (i + 1));
			// Each id is the one of the sender's own event, as stored.
			for (String id : ids) {
				assertThat(this.probe.awaitEnded(id, "notified").status()).isEqualTo(RunStatus.COMPLETED);
			}
		}
		// The first alone, the four others' eight events in one group.
		assertThat(groups).containsExactly(1, 8);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executions.count(key, "notified") == 9);
	}

	@Test
	void aGroupThatFailsIsCommittedAgainOneSendAtATimeAndNothingOfItIsStoredTwice() throws Exception {
		String key = UUID.randomUUID().toString();
		Future<List<String>> first = holdFirstSend(key, 0);
		List<Future<List<String>>> others = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			int sender = i;
			others.add(this.senders.submit(() -> this.inngest.send(notified(key, sender, key + "-" + sender))));
		}
		awaitWaiting(3);
		failNextGroup = true;
		holding.countDown();

		first.get(10, TimeUnit.SECONDS);
		for (int i = 0; i < others.size(); i++) {
			assertThat(others.get(i).get(10, TimeUnit.SECONDS)).containsExactly(key + "-" + (i + 1));
		}
		// The group failed, rolled back, and each of its sends was stored alone.
		assertThat(groups).containsExactly(1, 3, 1, 1, 1);
		for (int i = 1; i <= 3; i++) {
			assertThat(this.probe.runIds(key + "-" + i, "notified")).hasSize(1);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executions.count(key, "notified") == 4);
	}

	@Test
	void anInvalidEventFailsItsOwnSendOnlyAndTheGroupIsCommittedWithoutIt() throws Exception {
		String key = UUID.randomUUID().toString();
		Future<List<String>> first = holdFirstSend(key, 0);
		Future<List<String>> valid = this.senders.submit(() -> this.inngest.send(notified(key, 1, key + "-1")));
		Future<List<String>> invalid = this.senders
			.submit(() -> this.inngest.send(notified(key, 2, key + "-2"), Event.of("inngest/reserved", Map.of())));
		Future<List<String>> alsoValid = this.senders.submit(() -> this.inngest.send(notified(key, 3, key + "-3")));
		awaitWaiting(2);
		assertThat(invalid).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(InvalidEventException.class)
			.withMessageContaining("Event 1 is named 'inngest/reserved'");
		holding.countDown();

		first.get(10, TimeUnit.SECONDS);
		assertThat(valid.get(10, TimeUnit.SECONDS)).containsExactly(key + "-1");
		assertThat(alsoValid.get(10, TimeUnit.SECONDS)).containsExactly(key + "-3");
		assertThat(groups).containsExactly(1, 2);
		assertThat(this.probe.runIds(key + "-2", "notified")).isEmpty();
	}

	@Test
	void aSendInsideTheCallersTransactionIsNotGroupedAndRollsBackWithIt() throws Exception {
		String key = UUID.randomUUID().toString();
		Future<List<String>> first = holdFirstSend(key, 0);
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);

		// Stored at once in the caller's transaction, while the first send is held.
		transaction.executeWithoutResult((status) -> {
			this.inngest.send(notified(key, 1, key + "-1"));
			status.setRollbackOnly();
		});
		List<String> committed = transaction.execute((status) -> this.inngest.send(notified(key, 2, key + "-2")));
		assertThat(first).isNotDone();
		holding.countDown();

		first.get(10, TimeUnit.SECONDS);
		assertThat(committed).containsExactly(key + "-2");
		assertThat(this.probe.runIds(key + "-1", "notified")).isEmpty();
		assertThat(this.probe.awaitEnded(key + "-2", "notified").status()).isEqualTo(RunStatus.COMPLETED);
		// Each of the three stored alone.
		assertThat(groups).containsExactly(1, 1, 1);
	}

	@Test
	void aSendMadeWhileCompletionsAreCommittedJoinsTheirGroupUnlessItIsOneStatementAlone() throws Exception {
		String key = UUID.randomUUID().toString();
		CountDownLatch committing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// A write of the engine's other kinds, as a group of completions, held while it
		// is committed.
		Future<String> completions = this.senders
			.submit(() -> this.commits.commit(new HeldWrite(committing, release), "held"));
		assertThat(committing.await(10, TimeUnit.SECONDS)).isTrue();
		Future<List<String>> send = this.senders.submit(() -> this.inngest.send(notified(key, 1, key + "-1")));
		try {
			if (this.events.insertsAtOnce()) {
				// Alone, one statement in autocommit: no wait for the completions.
				assertThat(send.get(10, TimeUnit.SECONDS)).containsExactly(key + "-1");
				assertThat(completions).isNotDone();
			}
			else {
				awaitWaiting(1);
				assertThat(send).isNotDone();
			}
		}
		finally {
			release.countDown();
		}
		assertThat(completions.get(10, TimeUnit.SECONDS)).isEqualTo("held stored");
		assertThat(send.get(10, TimeUnit.SECONDS)).containsExactly(key + "-1");
		assertThat(this.probe.awaitEnded(key + "-1", "notified").status()).isEqualTo(RunStatus.COMPLETED);
	}

	/** Sends one event, whose runs are held in their transaction until let go. */
	private Future<List<String>> holdFirstSend(String key, int sender) throws InterruptedException {
		holding = new CountDownLatch(1);
		Future<List<String>> first = this.senders.submit(() -> this.inngest.send(notified(key, sender, null)));
		await().atMost(Duration.ofSeconds(10)).until(() -> holdingThread != null);
		return first;
	}

	private void awaitWaiting(int sends) {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.ingestor.sendsWaiting() == sends);
	}

	private static Event notified(String key, int sender, String id) {
		Event event = Event.of("test/notified", Map.of("key", key, "sender", sender));
		return (id != null) ? event.withId(id) : event;
	}

	/** A write stored alone, held until let go. */
	private record HeldWrite(CountDownLatch committing,
			CountDownLatch release) implements SharedCommits.Kind<String, String> {

		@Override
		public String alone(String write) {
			this.committing.countDown();
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return write + " stored";
		}

		@Override
		public List<String> together(List<String> writes) {
			return writes.stream().map((write) -> write + " stored").toList();
		}

		@Override
		public int weight(String write) {
			return 16;
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class HoldingRunStore {

		@Bean
		static BeanPostProcessor holdingRunStore() {
			return InterceptedStores.inContext((method, args, call) -> method.getName().equals("create")
					? holdOrFail(castRuns(args[0]), call) : call.proceed());
		}

		/**
		 * Holds a send stored alone where the database stores it with its runs in one
		 * statement, outside a transaction.
		 */
		@Bean
		static BeanPostProcessor holdingEventStore() {
			return InterceptedStores.inContext(EventStore.class,
					(method, args, call) -> method.getName().equals("insertUnlessAwaited")
							? holdOrFail(((NewEvents) args[0]).runs(), call) : call.proceed());
		}

		@SuppressWarnings("unchecked")
		private static List<NewRun> castRuns(Object runs) {
			return (List<NewRun>) runs;
		}

		private static Object holdOrFail(List<NewRun> runs, InterceptedStores.Call call) throws Throwable {
			int count = runs.size();
			if (count == 0 || runs.stream().noneMatch((run) -> run.functionId().equals("notified"))) {
				return call.proceed();
			}
			groups.add(count);
			CountDownLatch hold = holding;
			if (hold != null && hold.getCount() > 0 && holdingThread == null) {
				holdingThread = Thread.currentThread();
				try {
					hold.await(10, TimeUnit.SECONDS);
				}
				finally {
					holdingThread = null;
				}
			}
			else if (count > 1 && failNextGroup) {
				failNextGroup = false;
				call.proceed();
				// After the runs are written: the whole group must roll back.
				throw new TransientDataAccessResourceException("The connection was lost");
			}
			return call.proceed();
		}

	}

}
