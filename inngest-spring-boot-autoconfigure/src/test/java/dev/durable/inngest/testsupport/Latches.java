package dev.durable.inngest.testsupport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waits on latches from code that cannot throw checked exceptions, such as a
 * transaction's callback.
 */
public final class Latches {

	private Latches() {
	}

	/**
	 * Waits until the latch is released, failing the test if it is not within 10 seconds.
	 * @param latch the latch
	 */
	public static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
