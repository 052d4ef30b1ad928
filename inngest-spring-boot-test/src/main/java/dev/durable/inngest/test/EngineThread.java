package dev.durable.inngest.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The one thread the engine of an {@link InngestTest @InngestTest} executes runs on, as
 * production executes them on its workers' threads: a step sees none of what the test's
 * thread holds (its transaction, its security context, its other thread-bound state). The
 * test's thread hands it work and waits until the work is done, so that each call of
 * {@link InngestTestEnvironment} still returns with its work done.
 */
final class EngineThread implements SmartLifecycle {

	/** The name of the thread, as seen in a step's stack trace or log lines. */
	static final String NAME = "inngest-test-engine";

	/** How long a call waits for the interrupted work of one that timed out to end. */
	private static final Duration STUCK_GRACE = Duration.ofSeconds(1);

	private volatile @Nullable ExecutorService executor;

	private volatile @Nullable Thread thread;

	private final Duration timeout;

	/**
	 * The work of a call that timed out, until it ends: later calls are refused rather
	 * than queued behind it. {@code null} when no call timed out.
	 */
	private volatile @Nullable Stuck stuck;

	/**
	 * Whether the call whose work is under way gave up on it: work that goes round after
	 * round checks it, as an interrupt may be consumed by what a step waits on.
	 */
	private volatile boolean abandoned;

	/**
	 * Creates the engine's thread, not started.
	 * @param timeout how long a call waits for the work it handed over, at most
	 */
	EngineThread(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.executor = newExecutor();
	}

	/**
	 * Gives the engine a new thread, made on the next call by the thread that makes it,
	 * and lets the old one end: the new one takes that thread's inheritable thread-bound
	 * values, such as the {@code ApplicationEvents} that {@code @RecordApplicationEvents}
	 * records a test's events in, where the first thread would keep the first test's for
	 * good. Nothing is renewed while the work of a call that timed out goes on.
	 */
	void renew() {
		ExecutorService old = this.executor;
		if (old == null || this.stuck != null) {
			return;
		}
		this.executor = newExecutor();
		old.shutdown();
	}

	private ExecutorService newExecutor() {
		return Executors.newSingleThreadExecutor((task) -> {
			Thread engine = new Thread(task, NAME);
			engine.setDaemon(true);
			this.thread = engine;
			return engine;
		});
	}

	@Override
	public void stop() {
		ExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/**
	 * Does work on the engine's thread and waits for it: what it returns, or throws, the
	 * caller returns, or throws. Work given from the engine's thread itself, such as by a
	 * step, is done at once.
	 * @param <T> the result's type
	 * @param work the work
	 * @return its result
	 */
	<T> T call(Supplier<T> work) {
		if (Thread.currentThread() == this.thread) {
			return work.get();
		}
		ExecutorService executor = this.executor;
		if (executor == null) {
			throw new IllegalStateException(
					"The Inngest test engine's thread is not running: its application context is not running");
		}
		refuseWhileStuck();
		CompletableFuture<Void> ended = new CompletableFuture<>();
		Future<T> result = executor.submit(() -> {
			this.abandoned = false;
			try {
				return work.get();
			}
			finally {
				ended.complete(null);
			}
		});
		try {
			return result.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			// Most likely blocked on what the test's thread holds, such as a row its
			// transaction wrote: say where, rather than wait for ever.
			IllegalStateException stuck = new IllegalStateException("The Inngest test engine's thread (" + NAME
					+ ") has not finished the work this call gave it in " + this.timeout
					+ " (inngest.test.engine-timeout); its stack is this exception's. A step may be waiting for "
					+ "a lock that the test's thread holds, such as a row a @Transactional test wrote, or runs may "
					+ "keep falling due as the clock moves, such as a function that sleeps in a loop without end");
			Thread engine = this.thread;
			if (engine != null) {
				stuck.setStackTrace(engine.getStackTrace());
			}
			// Interrupted, which ends a step that waits as most waits do. While one
			// goes on all the same, later calls are refused rather than queued.
			this.abandoned = true;
			result.cancel(true);
			this.stuck = new Stuck(ended, stuck);
			throw stuck;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the Inngest test engine's thread, "
					+ "which may still be executing a run", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	/**
	 * Whether the call whose work runs on the engine's thread gave up on it, after its
	 * time-out: work that goes round after round stops then.
	 * @return {@code true} once the call gave up
	 */
	boolean abandoned() {
		return this.abandoned || Thread.currentThread().isInterrupted();
	}

	/**
	 * Refuses a call while the work of one that timed out goes on, once it had a moment
	 * to end after its interruption.
	 */
	private void refuseWhileStuck() {
		Stuck stuck = this.stuck;
		if (stuck == null) {
			return;
		}
		try {
			stuck.ended().get(STUCK_GRACE.toMillis(), TimeUnit.MILLISECONDS);
			this.stuck = null;
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The Inngest test engine's thread (" + NAME + ") is still doing the work "
					+ "of an earlier call, which did not finish in " + this.timeout + " (inngest.test.engine-timeout) "
					+ "and went on when interrupted: this call is refused rather than queued behind it. The earlier "
					+ "call's failure, the cause of this one, shows where that work is", stuck.failure());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the Inngest test engine's thread", ex);
		}
		catch (ExecutionException ex) {
			// Never completed exceptionally.
			this.stuck = null;
		}
	}

	/**
	 * The work of a call that timed out.
	 *
	 * @param ended ends when the work ends
	 * @param failure the call's failure
	 */
	private record Stuck(CompletableFuture<Void> ended, IllegalStateException failure) {

	}

}
