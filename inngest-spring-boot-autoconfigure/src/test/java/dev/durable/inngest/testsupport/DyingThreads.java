package dev.durable.inngest.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Threads of a process that a test kills: they stop where they are and ignore the
 * interrupts of a context that closes, as the threads of a killed process get no chance
 * to finish politely.
 */
public final class DyingThreads {

	private DyingThreads() {
	}

	/**
	 * Holds the calling thread until the latch is released, ignoring interrupts, for at
	 * most a minute.
	 * @param latch released by the test once it is done with the dead process
	 */
	public static void holdUntil(CountDownLatch latch) {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
		while (latch.getCount() > 0 && System.nanoTime() < deadline) {
			try {
				latch.await(1, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				// A dying process does not get to finish politely either.
			}
		}
	}

}
