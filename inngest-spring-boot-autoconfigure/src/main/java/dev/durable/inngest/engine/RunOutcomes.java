package dev.durable.inngest.engine;

import java.util.List;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;

/**
 * Told when a run fails or is cancelled, inside the transaction that stores the end, so that what it
 * records (a system event, a failure handler's run) is stored with it or not at all. Work that
 * must follow the commit (a Spring event, a metric) registers a transaction synchronization.
 */
public interface RunOutcomes {

	/**
	 * A run failed after its retries.
	 * @param run the run, as claimed
	 * @param function its function
	 * @param error the error it failed with
	 */
	default void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
	}

	/**
	 * A run was cancelled.
	 * @param run the run, as last read before the cancellation
	 */
	default void cancelled(RunRecord run) {
	}

	/**
	 * Tells several in order.
	 * @param outcomes the ones to tell
	 * @return one that tells them all
	 */
	static RunOutcomes all(List<RunOutcomes> outcomes) {
		List<RunOutcomes> copy = List.copyOf(outcomes);
		return new RunOutcomes() {
			@Override
			public void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
				copy.forEach((outcome) -> outcome.failed(run, function, error));
			}

			@Override
			public void cancelled(RunRecord run) {
				copy.forEach((outcome) -> outcome.cancelled(run));
			}
		};
	}

}
