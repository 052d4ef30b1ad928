package dev.durable.inngest.engine;

import java.util.concurrent.ThreadFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workers' threads are named {@code inngest-worker-1} and on, whether they are
 * platform or virtual threads.
 */
class WorkerThreadNamesTests {

	private static final Runnable NOTHING = () -> {
	};

	@Test
	void platformWorkersAreNumberedFromOne() {
		ThreadFactory threads = RunScheduler.workerThreads(false);
		assertThat(threads.newThread(NOTHING).getName()).isEqualTo("inngest-worker-1");
		assertThat(threads.newThread(NOTHING).getName()).isEqualTo("inngest-worker-2");
	}

	@Test
	void numberedThreadsCountFromOneAsThePlatformWorkersDo() {
		ThreadFactory threads = RunScheduler.numbered("inngest-worker-", Thread::new);
		Thread first = threads.newThread(NOTHING);
		assertThat(first.getName()).isEqualTo(RunScheduler.workerThreads(false).newThread(NOTHING).getName());
		assertThat(threads.newThread(NOTHING).getName()).isEqualTo("inngest-worker-2");
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualWorkersAreNumberedFromOneAsThePlatformOnesAre() throws Exception {
		ThreadFactory threads = RunScheduler.workerThreads(true);
		Thread first = threads.newThread(NOTHING);
		assertThat((boolean) Thread.class.getMethod("isVirtual").invoke(first)).isTrue();
		assertThat(first.getName()).isEqualTo("inngest-worker-1");
		assertThat(threads.newThread(NOTHING).getName()).isEqualTo("inngest-worker-2");
	}

}
