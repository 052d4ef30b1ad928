package dev.durable.inngest.engine.store;

/**
 * What a step does.
 */
public enum StepKind {

	/** {@code step.run}. */
	RUN,

	/** {@code step.sleep} or {@code step.sleepUntil}. */
	SLEEP,

	/** {@code step.waitForEvent}. */
	WAIT,

	/** {@code step.sendEvent}. */
	SEND,

	/**
	 * {@code step.invoke} of a function that another app serves: waits for the run it
	 * invoked to end.
	 */
	INVOKE

}
