package dev.durable.inngest.engine.store;

import java.time.Instant;

import java.util.List;

/**
 * Stores the steps of runs and the errors of failed attempts.
 */
public interface StepStore {

	/**
	 * The steps of a run.
	 * @param runId the run id
	 * @return its steps
	 */
	List<StepRecord> findByRun(String runId);

	/**
	 * Stores a step reached for the first time:
	 * {@link dev.durable.inngest.engine.RunLifecycle.StepTransition#RECORD RECORD}.
	 * @param step the step
	 */
	void insert(StepRecord step);

	/**
	 * Updates a step that has not completed:
	 * {@link dev.durable.inngest.engine.RunLifecycle.StepTransition#RESOLVE RESOLVE}.
	 * @param step the step's new state
	 * @return {@code false} if the step had completed already, or there is no such step
	 */
	boolean update(StepResolution step);

	/**
	 * Ends the steps of a cancelled run that were waiting to resume:
	 * {@link dev.durable.inngest.engine.RunLifecycle.StepTransition#CANCEL_PENDING
	 * CANCEL_PENDING}.
	 * @param runId the run id
	 * @param now when the run was cancelled
	 * @return how many steps were ended
	 */
	int cancelPending(String runId, Instant now);

	/**
	 * Stores the error of a failed attempt.
	 * @param attempt the attempt
	 */
	void recordAttempt(AttemptRecord attempt);

	/**
	 * The failed attempts of a run, oldest first.
	 * @param runId the run id
	 * @return the attempts
	 */
	List<AttemptRecord> attempts(String runId);

}
