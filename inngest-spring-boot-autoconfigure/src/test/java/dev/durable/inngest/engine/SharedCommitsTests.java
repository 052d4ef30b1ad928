package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes of different kinds made while one is stored, such as a send and a run's
 * completion, committed in one transaction, each kind stored together with its own; and,
 * when that fails, each stored alone.
 */
class SharedCommitsTests {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final CountDownLatch firstStarted = new CountDownLatch(1);

	private final CountDownLatch releaseFirst = new CountDownLatch(1);

	/** The transaction each group ran in: a number per transaction. */
	private final AtomicInteger transactions = new AtomicInteger();

	private final ThreadLocal<Integer> transaction = new ThreadLocal<>();

	/**
	 * What was stored: kind, how (alone or together, and in which transaction), writes.
	 */
	private final List<String> stored = new CopyOnWriteArrayList<>();

	private final SharedCommits commits = new SharedCommits(new TransactionOperations() {

		@Override
		public <T> T execute(TransactionCallback<T> action) {
			SharedCommitsTests.this.transaction.set(SharedCommitsTests.this.transactions.incrementAndGet());
			try {
				return action.doInTransaction(null);
			}
			finally {
				SharedCommitsTests.this.transaction.remove();
			}
		}

	});

	@AfterEach
	void stopThreads() {
		this.releaseFirst.countDown();
		this.threads.shutdownNow();
	}

	@Test
	void writesOfTwoKindsMadeWhileOneIsStoredAreCommittedInOneTransaction() throws Exception {
		Recording sends = new Recording("send", false);
		Recording completions = new Recording("completion", false);

		Future<String> first = this.threads.submit(() -> this.commits.commit(completions, "c0"));
		assertThat(this.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		Future<String> send = this.threads.submit(() -> this.commits.commit(sends, "s1"));
		Future<String> completion = this.threads.submit(() -> this.commits.commit(completions, "c1"));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.commits.waiting() == 2);
		assertThat(this.commits.waiting(sends)).isOne();
		this.releaseFirst.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("completion alone c0");
		assertThat(send.get(10, TimeUnit.SECONDS)).isEqualTo("send together s1");
		assertThat(completion.get(10, TimeUnit.SECONDS)).isEqualTo("completion together c1");
		// Both kinds in the one transaction of the group.
		assertThat(this.stored).containsExactlyInAnyOrder("completion alone [c0]", "send together in 1 [s1]",
				"completion together in 1 [c1]");
		assertThat(this.transactions).hasValue(1);
	}

	@Test
	void aGroupOneKindOfWhichFailsIsStoredAgainOneWriteAtATime() throws Exception {
		Recording sends = new Recording("send", true);
		Recording completions = new Recording("completion", false);

		Future<String> first = this.threads.submit(() -> this.commits.commit(completions, "c0"));
		assertThat(this.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		List<Future<String>> others = new ArrayList<>();
		others.add(this.threads.submit(() -> this.commits.commit(completions, "c1")));
		others.add(this.threads.submit(() -> this.commits.commit(sends, "s1")));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.commits.waiting() == 2);
		this.releaseFirst.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("completion alone c0");
		assertThat(others.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("completion alone c1");
		assertThat(others.get(1)).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withMessageContaining("send s1 refused");
		// The group's one transaction failed, whichever kind it stored first.
		assertThat(this.transactions).hasValue(1);
		assertThat(this.stored).contains("completion alone [c1]").doesNotContain("send alone [s1]");
	}

	/**
	 * A kind of write that records what it stores; the first write waits to be let go.
	 */
	private final class Recording implements SharedCommits.Kind<String, String> {

		private final String name;

		private final boolean refuses;

		Recording(String name, boolean refuses) {
			this.name = name;
			this.refuses = refuses;
		}

		@Override
		public String alone(String write) {
			if (SharedCommitsTests.this.firstStarted.getCount() > 0) {
				SharedCommitsTests.this.firstStarted.countDown();
				try {
					SharedCommitsTests.this.releaseFirst.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			if (this.refuses) {
				throw new IllegalStateException(this.name + " " + write + " refused");
			}
			SharedCommitsTests.this.stored.add(this.name + " alone [" + write + "]");
			return this.name + " alone " + write;
		}

		@Override
		public List<String> together(List<String> writes) {
			if (this.refuses) {
				throw new IllegalStateException(this.name + " " + writes + " refused");
			}
			SharedCommitsTests.this.stored
				.add(this.name + " together in " + SharedCommitsTests.this.transaction.get() + " " + writes);
			return writes.stream().map((write) -> this.name + " together " + write).toList();
		}

		@Override
		public int weight(String write) {
			return 1;
		}

	}

}
