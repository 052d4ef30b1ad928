package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many runs about to be queued the queue's free workers are counted to start at once.
 */
class RunQueueTests {

	private final RunQueue queue = new RunQueue(Clock.fixed(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC));

	@Test
	void noRunIsCountedWhileNoWorkerTakesRuns() {
		assertThat(this.queue.promise(3)).isZero();

		this.queue.takenBy(() -> 4);
		this.queue.takenBy(null);

		assertThat(this.queue.promise(3)).isZero();
	}

	@Test
	void runsAreCountedForTheFreeWorkersLessTheRunsQueuedForThemAlready() {
		AtomicInteger free = new AtomicInteger(4);
		this.queue.takenBy(free::get);
		this.queue.offerNow(List.of("01A", "01B", "01C"));

		assertThat(this.queue.promise(5)).isOne();
		free.set(2);
		assertThat(this.queue.promise(5)).isZero();
	}

	@Test
	void aWorkerCountedForOneSendIsNotCountedForAnotherUntilReleased() {
		this.queue.takenBy(() -> 4);

		assertThat(this.queue.promise(3)).isEqualTo(3);
		assertThat(this.queue.promise(3)).isOne();
		assertThat(this.queue.promise(3)).isZero();

		this.queue.release(3);
		assertThat(this.queue.promise(5)).isEqualTo(3);
	}

}
