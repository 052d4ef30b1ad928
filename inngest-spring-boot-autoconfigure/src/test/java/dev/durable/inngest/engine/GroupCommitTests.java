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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The group commit on its own: writes made while one is stored, or while the thread about
 * to store one pauses for them, wait and are stored together, as many as a group takes,
 * each thread getting its own result, unless the pauses cost more than the stores they
 * save; a group that fails is stored again one write at a time.
 */
class GroupCommitTests {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final CountDownLatch firstStarted = new CountDownLatch(1);

	private final CountDownLatch releaseFirst = new CountDownLatch(1);

	/** What each call stored: one write alone, or a group's writes. */
	private final List<List<Integer>> stored = new CopyOnWriteArrayList<>();

	/** A clock that stands still: pauses and stores take no time. */
	private static final LongSupplier STILL = () -> 0L;

	@AfterEach
	void stopThreads() {
		this.releaseFirst.countDown();
		this.threads.shutdownNow();
	}

	@Test
	void aWriteMadeWhenNoneIsStoredIsStoredAloneAtOnce() {
		GroupCommit<Integer, String> group = new GroupCommit<>(this::alone, this::together, (write) -> 1, 10);

		assertThat(group.commit(7)).isEqualTo("alone-7");
		assertThat(this.stored).containsExactly(List.of(7));
	}

	@Test
	void writesMadeWhileOneIsStoredAreStoredTogetherEachGettingItsOwnResult() throws Exception {
		GroupCommit<Integer, String> group = new GroupCommit<>(this::holdingFirst, this::together, (write) -> 1, 10);

		Future<String> first = this.threads.submit(() -> group.commit(0));
		assertThat(this.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		List<Future<String>> others = submitEach(group, 1, 2, 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == 3);
		assertThat(others).allSatisfy((other) -> assertThat(other).isNotDone());
		this.releaseFirst.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("alone-0");
		assertThat(results(others)).containsExactly("together-1", "together-2", "together-3");
		assertThat(this.stored).hasSize(2);
		assertThat(this.stored.get(1)).containsExactlyInAnyOrder(1, 2, 3);
	}

	@Test
	void aGroupTakesWritesUntilTheirWeightWouldPassItsMostAndTheRestFormTheNext() throws Exception {
		// Each write weighs its own value: 4 + 5 fit in 10, 3 more would not.
		GroupCommit<Integer, String> group = new GroupCommit<>(this::holdingFirst, this::together, (write) -> write,
				10);

		Future<String> first = this.threads.submit(() -> group.commit(1));
		assertThat(this.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		List<Future<String>> others = new ArrayList<>();
		for (int write : new int[] { 4, 5, 3, 12 }) {
			others.add(this.threads.submit(() -> group.commit(write)));
			int waiting = others.size();
			await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == waiting);
		}
		this.releaseFirst.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("alone-1");
		assertThat(results(others)).allSatisfy((result) -> assertThat(result).isNotNull());
		List<List<Integer>> after = this.stored.subList(1, this.stored.size());
		assertThat(after.stream().flatMap(List::stream)).containsExactlyInAnyOrder(4, 5, 3, 12);
		// Whichever of them stores first, two of 4, 5 and 3 fit in a group, the three do
		// not, and 12 weighs more than the most alone.
		assertThat(after).anySatisfy((stored) -> assertThat(stored).hasSize(2))
			.contains(List.of(12))
			.allSatisfy((
					stored) -> assertThat(stored.size() == 1 || stored.stream().mapToInt(Integer::intValue).sum() <= 10)
						.isTrue());
	}

	@Test
	void theThreadAboutToStoreLetsTheWritesMadeWhileItPausesJoinItsGroup() throws Exception {
		AtomicReference<GroupCommit<Integer, String>> ref = new AtomicReference<>();
		List<Future<String>> others = new ArrayList<>();
		AtomicInteger pauses = new AtomicInteger();
		// The first pause lets two other threads write, the second brings none.
		GroupCommit<Integer, String> group = new GroupCommit<>(this::alone, this::together, (write) -> 1, 10, () -> {
			if (pauses.incrementAndGet() == 1) {
				others.addAll(submitEach(ref.get(), 1, 2));
				await().atMost(Duration.ofSeconds(10)).until(() -> ref.get().waiting() == 3);
			}
		}, STILL);
		ref.set(group);

		assertThat(group.commit(0)).isEqualTo("together-0");
		assertThat(results(others)).containsExactly("together-1", "together-2");
		// The two others joined in whichever order their threads reached the group.
		assertThat(this.stored).singleElement()
			.satisfies((stored) -> assertThat(stored).startsWith(0).containsExactlyInAnyOrder(0, 1, 2));
		assertThat(pauses).hasValue(2);
	}

	@Test
	void aWriteThatNoOtherJoinsIsStoredAloneAfterOnePause() {
		AtomicInteger pauses = new AtomicInteger();
		GroupCommit<Integer, String> group = new GroupCommit<>(this::alone, this::together, (write) -> 1, 10,
				pauses::incrementAndGet, STILL);

		assertThat(group.commit(7)).isEqualTo("alone-7");
		assertThat(group.commit(8)).isEqualTo("alone-8");
		assertThat(this.stored).containsExactly(List.of(7), List.of(8));
		assertThat(pauses).hasValue(2);
	}

	@Test
	void pausesThatTakeLongerThanStoringWouldStopAndTheNextGroupsAreStoredWithoutPausing() {
		AtomicLong nanos = new AtomicLong();
		AtomicInteger pauses = new AtomicInteger();
		// A store takes a millisecond; a pause five, as on processors busy with other
		// work.
		GroupCommit<Integer, String> group = new GroupCommit<>(takingAMillisecond(nanos, this::alone), this::together,
				(write) -> 1, 10, () -> {
					pauses.incrementAndGet();
					nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
				}, nanos::get);

		// The first store is not timed yet when it pauses.
		assertThat(group.commit(1)).isEqualTo("alone-1");
		assertThat(pauses).hasValue(1);
		assertThat(group.commit(2)).isEqualTo("alone-2");
		assertThat(pauses).hasValue(2);
		// Stored without pausing for a while, then pausing again.
		assertThat(group.commit(3)).isEqualTo("alone-3");
		nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(90));
		assertThat(group.commit(4)).isEqualTo("alone-4");
		assertThat(pauses).hasValue(2);
		nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
		assertThat(group.commit(5)).isEqualTo("alone-5");
		assertThat(pauses).hasValue(3);
		assertThat(this.stored).containsExactly(List.of(1), List.of(2), List.of(3), List.of(4), List.of(5));
	}

	@Test
	void pausesThatBringWritesFasterThanStoringThemAloneGoOn() throws Exception {
		AtomicReference<GroupCommit<Integer, String>> ref = new AtomicReference<>();
		List<Future<String>> others = new CopyOnWriteArrayList<>();
		AtomicLong nanos = new AtomicLong();
		AtomicInteger pauses = new AtomicInteger();
		// A store takes a millisecond; each pause 0.8 ms, and brings a write while it
		// can: less than the store it saves.
		GroupCommit<Integer, String> group = new GroupCommit<>(takingAMillisecond(nanos, this::alone),
				takingAMillisecond(nanos, this::together), (write) -> 1, 10, () -> {
					int write = pauses.incrementAndGet();
					nanos.addAndGet(TimeUnit.MICROSECONDS.toNanos(800));
					if (write > 1 && write <= 4) {
						others.addAll(submitEach(ref.get(), write));
						await().atMost(Duration.ofSeconds(10)).until(() -> ref.get().waiting() == write);
					}
				}, nanos::get);
		ref.set(group);
		assertThat(group.commit(1)).isEqualTo("alone-1");

		assertThat(group.commit(0)).isEqualTo("together-0");
		// Three pauses that each brought a write, and one that brought none.
		assertThat(pauses).hasValue(5);
		assertThat(this.stored.get(1)).startsWith(0).containsExactlyInAnyOrder(0, 2, 3, 4);
		assertThat(results(others)).containsExactlyInAnyOrder("together-2", "together-3", "together-4");
	}

	@Test
	void theThreadAboutToStoreStopsPausingOnceTheWritesWaitingFillAGroup() throws Exception {
		AtomicReference<GroupCommit<Integer, String>> ref = new AtomicReference<>();
		List<Future<String>> others = new CopyOnWriteArrayList<>();
		AtomicInteger pauses = new AtomicInteger();
		// Every pause brings one more write; a group takes three.
		GroupCommit<Integer, String> group = new GroupCommit<>(this::alone, this::together, (write) -> 1, 3, () -> {
			int write = pauses.incrementAndGet();
			others.addAll(submitEach(ref.get(), write));
			await().atMost(Duration.ofSeconds(10)).until(() -> ref.get().waiting() == write + 1);
		}, STILL);
		ref.set(group);

		assertThat(group.commit(0)).isEqualTo("together-0");
		assertThat(pauses).hasValue(2);
		assertThat(this.stored.get(0)).containsExactly(0, 1, 2);
		assertThat(results(others)).containsExactly("together-1", "together-2");
	}

	@Test
	void aGroupThatFailsIsStoredAgainOneWriteAtATimeEachWithItsOwnResultOrException() throws Exception {
		List<List<Integer>> failedGroups = new CopyOnWriteArrayList<>();
		Function<List<Integer>, List<String>> failing = (writes) -> {
			failedGroups.add(writes);
			throw new IllegalStateException("The group could not be stored");
		};
		GroupCommit<Integer, String> group = new GroupCommit<>((write) -> {
			if (write == 2) {
				throw new IllegalArgumentException("Write 2 is refused");
			}
			return holdingFirst(write);
		}, failing, (write) -> 1, 10);

		Future<String> first = this.threads.submit(() -> group.commit(0));
		assertThat(this.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		List<Future<String>> others = submitEach(group, 1, 2, 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == 3);
		this.releaseFirst.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("alone-0");
		assertThat(others.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("alone-1");
		assertThat(others.get(1)).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalArgumentException.class)
			.withMessageContaining("Write 2 is refused");
		assertThat(others.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("alone-3");
		assertThat(failedGroups).singleElement().satisfies((failed) -> assertThat(failed).hasSize(3));
		assertThat(this.stored).containsExactlyInAnyOrder(List.of(0), List.of(1), List.of(3));
	}

	private List<Future<String>> submitEach(GroupCommit<Integer, String> group, int... writes) {
		List<Future<String>> futures = new ArrayList<>();
		for (int write : writes) {
			futures.add(this.threads.submit(() -> group.commit(write)));
		}
		return futures;
	}

	private static List<String> results(List<Future<String>> futures) throws Exception {
		List<String> results = new ArrayList<>();
		for (Future<String> future : futures) {
			results.add(future.get(10, TimeUnit.SECONDS));
		}
		return results;
	}

	/** A store that takes a millisecond on the test's clock. */
	private static <W, R> Function<W, R> takingAMillisecond(AtomicLong nanos, Function<W, R> store) {
		return (write) -> {
			nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
			return store.apply(write);
		};
	}

	private String alone(Integer write) {
		this.stored.add(List.of(write));
		return "alone-" + write;
	}

	/** Stores a write alone; the first one waits until it is let go. */
	private String holdingFirst(Integer write) {
		if (this.firstStarted.getCount() > 0) {
			this.firstStarted.countDown();
			try {
				this.releaseFirst.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return alone(write);
	}

	private List<String> together(List<Integer> writes) {
		this.stored.add(List.copyOf(writes));
		return writes.stream().map((write) -> "together-" + write).toList();
	}

}
