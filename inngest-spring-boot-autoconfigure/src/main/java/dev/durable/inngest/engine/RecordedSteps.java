package dev.durable.inngest.engine;

import java.util.Collection;

import dev.durable.inngest.engine.store.StepRecord;

/**
 * The steps of a run as one execution of its body knows them: those stored before it
 * began and those it recorded since. The {@link dev.durable.inngest.Step} the engine
 * gives a body implements it, for a body that hands the run's steps on to code that
 * replays them elsewhere, such as a function that another app serves.
 */
public interface RecordedSteps {

	/**
	 * The run's steps, in no particular order.
	 * @return the steps
	 */
	Collection<StepRecord> recordedSteps();

}
