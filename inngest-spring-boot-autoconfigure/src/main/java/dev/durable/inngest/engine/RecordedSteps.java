package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import dev.durable.inngest.engine.store.StepRecord;
import org.jspecify.annotations.Nullable;

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

	/**
	 * The run's step of a key, as this execution knows it.
	 * @param key the key the body calls the step by
	 * @return the step, or {@code null} if none was stored or recorded by that key
	 */
	@Nullable StepRecord recordedStep(String key);

	/**
	 * Stores the steps completed in this execution and not stored yet, before code runs
	 * that may execute the run's next step where the engine cannot see it, such as a call
	 * to the app that serves the function: the engine otherwise stores a completed step
	 * only as the next one begins, and a crash meanwhile would have the app execute it
	 * again. Like the start of a step, it suspends the execution (by throwing, as a step
	 * does) when the run can no longer go on here: another instance took it over, it was
	 * cancelled, or its finish time-out passed.
	 */
	void storeCompletedSteps();

	/**
	 * Names the step of a key, for the timeline, the Actuator endpoint, the dashboard and
	 * the metrics, when the body calls it by a key that is no name to show, such as the
	 * hashed id an SDK memoizes a step by. The key still identifies the step; a step
	 * stored before keeps the name it was stored with.
	 * @param key the key the body calls the step by
	 * @param name the step's name
	 */
	void nameStep(String key, String name);

	/**
	 * Says how long the next attempt of the step of a key took where the engine cannot
	 * see it, such as in the call to the app that executed it, so that the step's
	 * duration in the metrics covers that time as well as the engine's own.
	 * @param key the key the body calls the step by
	 * @param duration how long the step took elsewhere
	 */
	void timeStep(String key, Duration duration);

	/**
	 * Says which attempt the step of a key is at, when it has not been stored and its
	 * first attempt was made where the engine cannot see it, such as in a call that
	 * discovered it on a later attempt: Inngest counts the attempts of the call, so the
	 * step's first failure there is that attempt's, and its retry the next.
	 * @param key the key the body calls the step by
	 * @param attempt the 0-based attempt the step's next attempt counts as
	 */
	void countAttemptsFrom(String key, int attempt);

	/**
	 * The attempt of the function body since the run's last step ended: how many times
	 * the body failed outside its steps after that step, or since the run began if no
	 * step has ended. Inngest counts a body's attempts this way, per step, so that an
	 * SDK's call to discover the next step starts again at attempt 0 once a step ended;
	 * the engine's own body attempt counts the failures of the whole run. A served
	 * function's body is retried and backed off by this count, a Java function's by the
	 * run's.
	 * @return the 0-based attempt
	 */
	int bodyAttemptSinceLastStep();

	/**
	 * Invokes a function as the step of a key, as Inngest's {@code step.invoke} does: in
	 * one transaction, starts a run of the function with an
	 * {@code inngest/function.invoked} event and suspends this run (by throwing, as a
	 * wait does) until that run ends or the timeout passes. The step then completes with
	 * the invoked run's output, or fails with its error, with Inngest's
	 * {@code InngestInvokeTimeoutError} or, at once and without suspending, with an error
	 * saying that no function has that id. A step stored before is left as it is, or
	 * resumed as {@link #awaitInvoked(String)} does.
	 * @param key the key the body calls the step by
	 * @param invocation the function to invoke and the event's data
	 */
	void invoke(String key, FunctionInvocation invocation);

	/**
	 * Goes on with an invoke step that was waiting when the run was suspended: suspends
	 * the run again if its timeout has not passed, or fails the step as timed out.
	 * @param key the key the body calls the step by
	 */
	void awaitInvoked(String key);

	/**
	 * Awaits steps together, as an SDK reports the sleeps, waits and invokes that a
	 * function's code awaits at once in a {@code Promise.all} or a {@code Promise.race},
	 * and the failures of steps executed at once: the run goes on once the first of them
	 * ends, and the others go on waiting. First begins each step that {@code begin} calls
	 * through the {@link dev.durable.inngest.Step} (or {@link #invoke},
	 * {@link #awaitInvoked}), as the body's call would, except that a step that would
	 * suspend the run is stored with what it waits for, and the run is not suspended: a
	 * sleep, a wait for an event and an invoke each wait from then on, a wait's event
	 * resolves it even while the run executes, and a step whose attempt failed is stored
	 * as retrying, with its failed attempt, until its retry is due. A step stored before
	 * ends if its time has passed. Then, unless one of those steps ended or
	 * {@code suspend} is {@code false}, suspends the run (by throwing, as a wait does)
	 * until the first of the steps of {@code awaited} ends or is due to be retried; at
	 * once if one of them was resolved since this execution read it.
	 * @param begin the calls that begin the steps not begun yet in this execution
	 * @param awaited the keys of all the steps awaited, those begun before included
	 * @param suspend whether to suspend the run when none of the steps begun ended
	 * @return whether one of the steps begun ended
	 */
	boolean awaitTogether(List<Runnable> begin, Collection<String> awaited, boolean suspend);

	/**
	 * Whether a step of the run waits for an event or an invoked run, as far as this
	 * execution knows: a step awaited together with another that ended first, once the
	 * function's code went on without it.
	 * @return whether a wait may be left when the run ends
	 */
	boolean leavesWaits();

}
