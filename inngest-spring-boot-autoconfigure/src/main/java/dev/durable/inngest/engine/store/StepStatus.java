package dev.durable.inngest.engine.store;

/**
 * The states of a step.
 */
public enum StepStatus {

	/** Finished; its output is returned on every replay. */
	COMPLETED,

	/** Failed for good; its error is thrown into the body on every replay. */
	FAILED,

	/** Failed and waiting for its next attempt. */
	RETRYING,

	/** A sleep that has not ended. */
	SLEEPING,

	/** A wait for an event that has not ended. */
	WAITING,
	/**
	 * A sleep, a wait or a retry that the cancellation of its run ended: it never
	 * resumes.
	 */
	CANCELLED

}
