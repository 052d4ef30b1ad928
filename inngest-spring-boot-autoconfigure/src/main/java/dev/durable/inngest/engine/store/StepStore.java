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
	 * Stores a step reached for the first time.
	 * @param step the step
	 */
	void insert(StepRecord step);

	/**
	 * Updates a step that has not completed.
	 * @param step the step's new state
	 * @return {@code false} if the step had completed already
	 */
	boolean update(StepRecord step);

	/**
	 * Ends the steps of a cancelled run that were waiting to resume: its sleeps, its waits for
	 * an event and its steps waiting for their next attempt become {@link StepStatus#CANCELLED}.
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
