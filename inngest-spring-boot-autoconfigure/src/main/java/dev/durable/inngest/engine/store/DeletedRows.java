package dev.durable.inngest.engine.store;

/**
 * How many rows of each kind the retention deleted.
 *
 * @param runs ended runs, each with the step it completed with when its row kept it
 * @param steps steps of those runs stored in rows of their own
 * @param attempts failed attempts of those runs
 * @param waits waits of those runs left behind when they ended
 * @param events events that no run needs any more
 * @param cancellations bulk cancellations that ended
 * @param replays bulk replays that ended
 */
public record DeletedRows(long runs, long steps, long attempts, long waits, long events, long cancellations,
		long replays) {

	/** Nothing deleted. */
	public static final DeletedRows NONE = new DeletedRows(0, 0, 0, 0, 0, 0, 0);

	/**
	 * Rows deleted, with no bulk replay among them.
	 * @param runs ended runs
	 * @param steps steps of those runs stored in rows of their own
	 * @param attempts failed attempts of those runs
	 * @param waits waits of those runs
	 * @param events events that no run needs any more
	 * @param cancellations bulk cancellations that ended
	 */
	public DeletedRows(long runs, long steps, long attempts, long waits, long events, long cancellations) {
		this(runs, steps, attempts, waits, events, cancellations, 0);
	}

	/**
	 * These rows and the given ones together.
	 * @param other more deleted rows
	 * @return the sums
	 */
	public DeletedRows plus(DeletedRows other) {
		return new DeletedRows(this.runs + other.runs, this.steps + other.steps, this.attempts + other.attempts,
				this.waits + other.waits, this.events + other.events, this.cancellations + other.cancellations,
				this.replays + other.replays);
	}

	/**
	 * How many rows were deleted, of every kind.
	 * @return the total
	 */
	public long total() {
		return this.runs + this.steps + this.attempts + this.waits + this.events + this.cancellations + this.replays;
	}

}
