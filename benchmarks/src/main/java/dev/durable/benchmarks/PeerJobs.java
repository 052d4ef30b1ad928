package dev.durable.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The trivial body of the established job engines' jobs in P1 and P2: counts that it ran.
 * Public and static, as JobRunr stores a job as the method it calls and calls it by
 * reflection.
 */
public final class PeerJobs {

	private static final AtomicLong done = new AtomicLong();

	private PeerJobs() {
	}

	/**
	 * A job's body.
	 * @param n the job's number in its round
	 */
	public static void run(int n) {
		SendPerCall.ran();
		done.incrementAndGet();
	}

	/**
	 * Returns how many job bodies have run in this JVM.
	 * @return the count
	 */
	public static long done() {
		return done.get();
	}

}
