package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;

/**
 * Told what happens to runs. A failure or a cancellation is told inside the transaction
 * that stores it, so that what it records (a system event, a failure handler's run) is
 * stored with it or not at all; work that must follow the commit (a Spring event, a
 * metric) registers a transaction synchronization. A start, a step attempt and a
 * completion are told once they are stored.
 */
public interface RunOutcomes {

	/**
	 * How a step attempt ended.
	 */
	enum StepOutcome {

		/** The step's body returned and its result is stored. */
		COMPLETED,

		/** The body threw and the step is retried later. */
		RETRYING,

		/** The body threw and the step has failed for good. */
		FAILED

	}

	/**
	 * A run started: its first execution begins. Not told of a run claimed or taken to
	 * start that is given back unexecuted, which is told once it starts, here or on
	 * another instance, nor of one cancelled as it was claimed for having waited past its
	 * timeout.
	 * @param run the run, as claimed
	 */
	default void started(RunRecord run) {
	}

	/**
	 * A step's body was executed once.
	 * @param run the run
	 * @param function its function
	 * @param stepId the step's id
	 * @param duration how long the body took
	 * @param outcome how the attempt ended
	 */
	default void stepAttempted(RunRecord run, FunctionDefinition function, String stepId, Duration duration,
			StepOutcome outcome) {
	}

	/**
	 * A run completed with an output.
	 * @param run the run, as claimed
	 * @param endedAt when it completed
	 */
	default void completed(RunRecord run, Instant endedAt) {
	}

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
			public void started(RunRecord run) {
				copy.forEach((outcome) -> outcome.started(run));
			}

			@Override
			public void stepAttempted(RunRecord run, FunctionDefinition function, String stepId, Duration duration,
					StepOutcome stepOutcome) {
				copy.forEach((outcome) -> outcome.stepAttempted(run, function, stepId, duration, stepOutcome));
			}

			@Override
			public void completed(RunRecord run, Instant endedAt) {
				copy.forEach((outcome) -> outcome.completed(run, endedAt));
			}

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
