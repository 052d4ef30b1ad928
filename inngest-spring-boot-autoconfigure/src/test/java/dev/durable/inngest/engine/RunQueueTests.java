package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many more runs the queue's workers are free to start at once.
 */
class RunQueueTests {

	private final RunQueue queue = new RunQueue(Clock.fixed(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC));

	@Test
	void noRunIsStartedHereWhileNoWorkerTakesRuns() {
		assertThat(this.queue.spare()).isZero();

		this.queue.takenBy(() -> 4);
		this.queue.takenBy(null);

		assertThat(this.queue.spare()).isZero();
	}

	@Test
	void theFreeWorkersLessTheRunsQueuedForThemAlready() {
		AtomicInteger free = new AtomicInteger(4);
		this.queue.takenBy(free::get);
		assertThat(this.queue.spare()).isEqualTo(4);

		this.queue.offerNow(List.of("01A", "01B", "01C"));
		assertThat(this.queue.spare()).isOne();

		free.set(2);
		assertThat(this.queue.spare()).isZero();
	}

}
