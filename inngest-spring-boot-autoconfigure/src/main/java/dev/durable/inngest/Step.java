package dev.durable.inngest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;

/**
 * The durable steps of a run. Each call is identified by its id; once a step has
 * finished, its result is stored and returned as it was when the function is replayed
 * after a retry, a sleep, a wait or a crash, so a finished step never runs again.
 * <p>
 * Code outside steps runs again on every replay: keep side effects inside steps. An id
 * used more than once in one run (in a loop, say) is told apart by its occurrence, so
 * loops need no ids of their own, though readable ones help in the dashboard.
 * <pre class="code">
 * String receipt = step.run("charge", String.class, () -&gt; payments.charge(order));
 * step.sleep("cool-down", Duration.ofMinutes(10));
 * Optional&lt;Event&gt; approval = step.waitForEvent("approval",
 *         WaitForEvent.event("shop/order.approved").match("data.orderId").timeout(Duration.ofDays(1)));
 * </pre>
 */
public interface Step {

	/**
	 * The longest a run may sleep, or wait for an event, in one step: 366 days, the most
	 * the Inngest platform takes.
	 */
	Duration MAX_SLEEP = Duration.ofDays(366);

	/**
	 * Runs a step that returns nothing. A step that throws is retried on its own counter;
	 * once its retries are exhausted, this method throws {@link StepFailedException}. A
	 * step has the function's {@link Retries} unless given its own {@link StepOptions}.
	 * @param id the step id
	 * @param body the step's work
	 * @throws StepFailedException when the step has failed for good
	 */
	void run(String id, StepBody body);

	/**
	 * Runs a step and returns its result, as stored (a JSON round trip) on replay.
	 * @param <T> the result type
	 * @param id the step id
	 * @param type the result type
	 * @param body the step's work
	 * @return the step's result
	 * @throws StepFailedException when the step has failed for good
	 */
	<T> @Nullable T run(String id, Class<T> type, Callable<@Nullable T> body);

	/**
	 * Runs a step with a generic result, such as {@code List<Item>}.
	 * @param <T> the result type
	 * @param id the step id
	 * @param type the result type
	 * @param body the step's work
	 * @return the step's result
	 * @throws StepFailedException when the step has failed for good
	 */
	<T> @Nullable T run(String id, ParameterizedTypeReference<T> type, Callable<@Nullable T> body);

	/**
	 * Runs a step that returns nothing, with its own options, such as its own retries.
	 * <pre class="code">
	 * step.run("charge", StepOptions.retries(10), () -&gt; payments.charge(order));
	 * </pre> Both engines implement the overloads that take options; this default, for
	 * other implementations of the interface, throws
	 * {@link UnsupportedOperationException} rather than ignore the options.
	 * @param id the step id
	 * @param options the step's options
	 * @param body the step's work
	 * @throws StepFailedException when the step has failed for good
	 * @throws IllegalArgumentException if the options are not valid
	 */
	default void run(String id, StepOptions options, StepBody body) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support step options");
	}

	/**
	 * Runs a step with its own options, such as its own retries, and returns its result.
	 * @param <T> the result type
	 * @param id the step id
	 * @param options the step's options
	 * @param type the result type
	 * @param body the step's work
	 * @return the step's result
	 * @throws StepFailedException when the step has failed for good
	 * @throws IllegalArgumentException if the options are not valid
	 */
	default <T> @Nullable T run(String id, StepOptions options, Class<T> type, Callable<@Nullable T> body) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support step options");
	}

	/**
	 * Runs a step with its own options, such as its own retries, and a generic result.
	 * @param <T> the result type
	 * @param id the step id
	 * @param options the step's options
	 * @param type the result type
	 * @param body the step's work
	 * @return the step's result
	 * @throws StepFailedException when the step has failed for good
	 * @throws IllegalArgumentException if the options are not valid
	 */
	default <T> @Nullable T run(String id, StepOptions options, ParameterizedTypeReference<T> type,
			Callable<@Nullable T> body) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support step options");
	}

	/**
	 * Suspends the run for a duration. No thread is held while it sleeps.
	 * @param id the step id
	 * @param duration how long to sleep, at most {@link #MAX_SLEEP}
	 * @throws IllegalArgumentException if the duration is null, negative or longer than
	 * {@link #MAX_SLEEP}: the run fails at once, without retrying
	 */
	void sleep(String id, Duration duration);

	/**
	 * Suspends the run until an instant; an instant in the past continues at once.
	 * @param id the step id
	 * @param until when to wake, at most {@link #MAX_SLEEP} from now
	 * @throws IllegalArgumentException if the instant is null or further than
	 * {@link #MAX_SLEEP} away: the run fails at once, without retrying
	 */
	void sleepUntil(String id, Instant until);

	/**
	 * Suspends the run until a matching event arrives or the wait times out. Only events
	 * received after the wait began count.
	 * @param id the step id
	 * @param wait what to wait for
	 * @return the event, or empty when the wait timed out
	 * @throws IllegalArgumentException if the wait is not valid (no event name, a timeout
	 * that is missing, not positive or longer than {@link #MAX_SLEEP}, a field or
	 * condition that does not compile): the run fails at once, without retrying
	 */
	Optional<Event> waitForEvent(String id, WaitForEvent wait);

	/**
	 * Sends events durably: they are sent once, whatever the replays.
	 * @param id the step id
	 * @param events the events to send
	 * @return the events' ids
	 * @throws StepFailedException when the send has failed for good: an event refused (as
	 * {@link InngestClient#send} refuses it) at once, a send that could not be made once
	 * the step's retries are spent
	 */
	List<String> sendEvent(String id, Event... events);

	/**
	 * The work of a step that returns nothing.
	 */
	@FunctionalInterface
	interface StepBody {

		/**
		 * Does the step's work.
		 * @throws Exception when the step fails
		 */
		void run() throws Exception;

	}

}
