package dev.durable.inngest.engine;

import java.util.Collection;

/**
 * Tells the other instances that share the database about runs made due or cancelled
 * here, so that they act at once instead of at their next poll. It is called inside the
 * transaction that changed the runs, and a signal must reach the other instances only if
 * that transaction commits. Signals only speed things up: polling finds every due run and
 * lost lease anyway.
 */
public interface RunSignals {

	/** Signals nothing: one instance alone, or a database that cannot notify. */
	RunSignals NONE = new RunSignals() {

		@Override
		public void due(Collection<String> runIds) {
		}

		@Override
		public void cancelled(Collection<String> runIds) {
		}

	};

	/**
	 * Runs that are due now: new runs, and runs whose awaited event arrived.
	 * @param runIds the run ids
	 */
	void due(Collection<String> runIds);

	/**
	 * Runs that were cancelled, so that an instance executing one stops before its next
	 * step.
	 * @param runIds the run ids
	 */
	void cancelled(Collection<String> runIds);

}
