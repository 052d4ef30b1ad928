package dev.durable.inngest.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Times the function's own code on a worker's thread, a step's body or the function's
 * body between its steps, so that code running past the step time-out can be interrupted.
 * Only that code is ever interrupted, never the engine's work in the database around it:
 * on H2, a thread interrupted while it reads the database file closes the file, and H2
 * loses the commits it has not written yet.
 */
final class StepTimer {

	private final Thread thread;

	/** Whether the function's own code runs. */
	private boolean running;

	/** When it began, from {@link System#nanoTime()}. */
	private long since;

	/** The step whose body runs, {@code null} for the function's body. */
	private @Nullable String stepId;

	/** The time-out the code running was interrupted for, or {@code null}. */
	private @Nullable Duration overran;

	private @Nullable String overranStep;

	/**
	 * Creates a timer of the code that runs on a thread.
	 * @param thread the worker's thread
	 */
	StepTimer(Thread thread) {
		this.thread = thread;
	}

	/**
	 * The function's own code begins, on the worker's thread.
	 * @param stepId the step whose body begins, or {@code null} for the function's body
	 */
	synchronized void start(@Nullable String stepId) {
		this.running = true;
		this.since = System.nanoTime();
		this.stepId = stepId;
		this.overran = null;
	}

	/**
	 * The function's own code ended, on the worker's thread: from now on the thread is
	 * not interrupted, and an interrupt it was given is cleared, before the engine uses
	 * the database.
	 * @return the time-out the code was interrupted for, or {@code null} if it was not
	 */
	@Nullable Duration stop() {
		Duration interruptedFor;
		synchronized (this) {
			this.running = false;
			interruptedFor = this.overran;
			this.overran = null;
		}
		Thread.interrupted();
		return interruptedFor;
	}

	/**
	 * Interrupts the worker's thread if the function's own code has run on it for longer
	 * than a time-out, once for each time it begins.
	 * @param now the time, from {@link System#nanoTime()}
	 * @param timeout the time-out
	 * @return whether it was interrupted now
	 */
	synchronized boolean interruptIfOverran(long now, Duration timeout) {
		if (!this.running || this.overran != null || now - this.since < timeout.toNanos()) {
			return false;
		}
		this.overran = timeout;
		this.overranStep = this.stepId;
		this.thread.interrupt();
		return true;
	}

	/**
	 * Interrupts the worker's thread if the function's own code runs on it.
	 */
	synchronized void interrupt() {
		if (this.running) {
			this.thread.interrupt();
		}
	}

	/**
	 * The step whose body was interrupted last.
	 * @return its id, or {@code null} if it was the function's body
	 */
	synchronized @Nullable String overranStep() {
		return this.overranStep;
	}

}
