package dev.durable.inngest.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts over a sliding window of ticks: {@link #add()} counts in the current tick,
 * {@link #next(boolean)} starts the next one, dropping the oldest, unless nothing
 * happened in the current one.
 */
final class RecentCounts {

	private final AtomicInteger current = new AtomicInteger();

	private int[] ticks = new int[1];

	private int oldest;

	private volatile int past;

	void reset(int ticks) {
		this.ticks = new int[ticks];
		this.oldest = 0;
		this.past = 0;
		this.current.set(0);
	}

	void add() {
		this.current.incrementAndGet();
	}

	/**
	 * Ends the current tick. Called from one thread at a time.
	 * @param idle whether nothing was under way at its end: if nothing was counted in it
	 * either, it is left out and the window stays as it was
	 */
	void next(boolean idle) {
		if (idle && this.current.get() == 0) {
			return;
		}
		int count = this.current.getAndSet(0);
		this.past += count - this.ticks[this.oldest];
		this.ticks[this.oldest] = count;
		this.oldest = (this.oldest + 1) % this.ticks.length;
	}

	int total() {
		return this.past + this.current.get();
	}

}
