package dev.durable.inngest;

/**
 * The states of a run. A run is created {@link #QUEUED}, is {@link #RUNNING} while a
 * worker holds its lease, may be suspended as {@link #SLEEPING}, {@link #WAITING} or
 * {@link #QUEUED} for a retry, and ends {@link #COMPLETED}, {@link #FAILED} or
 * {@link #CANCELLED}.
 */
public enum RunStatus {

	/** Ready to run as soon as it is due: new, or waiting for a retry. */
	QUEUED,

	/** Being executed by the worker that holds its lease. */
	RUNNING,

	/** Suspended in a sleep step until it is due. */
	SLEEPING,

	/** Suspended until an awaited event arrives or the wait times out. */
	WAITING,

	/** Finished with an output. */
	COMPLETED,

	/** Finished with an error, after its retries. */
	FAILED,

	/** Stopped by a cancellation. */
	CANCELLED;

	/**
	 * Whether a run in this state has ended.
	 * @return {@code true} for completed, failed and cancelled
	 */
	public boolean isFinal() {
		return this == COMPLETED || this == FAILED || this == CANCELLED;
	}

}
