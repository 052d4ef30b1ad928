package dev.durable.inngest.engine;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;

/**
 * Told when a run ends for good, inside the transaction that stores the end, so that what it
 * records (a system event, a failure handler's run) is stored with it or not at all.
 */
public interface RunOutcomes {

	/** Does nothing. */
	RunOutcomes NONE = new RunOutcomes() {
	};

	/**
	 * A run failed after its retries.
	 * @param run the run, as claimed
	 * @param function its function
	 * @param error the error it failed with
	 */
	default void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
	}

}
