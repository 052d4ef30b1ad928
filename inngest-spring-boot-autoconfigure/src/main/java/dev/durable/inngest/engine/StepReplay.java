package dev.durable.inngest.engine;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepOptions;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.engine.store.StepKind;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.util.StringUtils;

/**
 * The step semantics a function's body sees, whoever drives it: the {@link Step} and
 * {@link RunContext} of one execution of a run's body. Each step is named by its key, its
 * id for its first occurrence in the execution and {@code id:N} for its N-th repeat; a
 * step whose key has a result is replayed from it (a value read into the declared type,
 * or a {@link StepFailedException} for a step that failed for good), and any other step
 * is handed to the {@link Driver}: the local engine executes and stores it, a serve
 * endpoint reports it to the platform.
 */
public final class StepReplay implements Step, RunContext {

	private static final Type LIST_OF_IDS = new ParameterizedTypeReference<List<String>>() {
	}.getType();

	private final String runId;

	private final String functionId;

	private final int maxAttempts;

	private final JsonCodec json;

	private final Driver driver;

	/** The next repeat of each id to try, from 1. */
	private final Map<String, Integer> nextRepeat = new HashMap<>();

	/** The keys of the steps entered in this execution. */
	private final Set<String> keys = new HashSet<>();

	private int attempt;

	private @Nullable String currentStep;

	/** The attempts the step executing now gets, while one does. */
	private int stepMaxAttempts;

	/**
	 * Creates the steps of one execution.
	 * @param runId the run's id
	 * @param functionId the function's id
	 * @param maxAttempts the attempts a step or the body gets
	 * @param attempt the attempt the execution begins with
	 * @param json reads replayed values into their declared types
	 * @param driver what begins the steps that have no result yet
	 */
	public StepReplay(String runId, String functionId, int maxAttempts, int attempt, JsonCodec json, Driver driver) {
		this.runId = runId;
		this.functionId = functionId;
		this.maxAttempts = maxAttempts;
		this.attempt = attempt;
		this.json = json;
		this.driver = driver;
	}

	@Override
	public String runId() {
		return this.runId;
	}

	@Override
	public String functionId() {
		return this.functionId;
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	/**
	 * Sets the attempt the body's code sees, such as a step's own while its body
	 * executes.
	 * @param attempt the 0-based attempt
	 */
	public void setAttempt(int attempt) {
		this.attempt = attempt;
	}

	/**
	 * The most attempts of what is executing now: inside a step, that step's, which its
	 * own options may set; outside steps, the function body's.
	 */
	@Override
	public int maxAttempts() {
		return (this.currentStep != null) ? this.stepMaxAttempts : this.maxAttempts;
	}

	@Override
	public void run(String id, StepBody body) {
		run(id, StepOptions.defaults(), body);
	}

	@Override
	public <T> @Nullable T run(String id, Class<T> type, Callable<@Nullable T> body) {
		return execute(id, StepOptions.defaults(), type, body);
	}

	@Override
	public <T> @Nullable T run(String id, ParameterizedTypeReference<T> type, Callable<@Nullable T> body) {
		return execute(id, StepOptions.defaults(), (type != null) ? type.getType() : null, body);
	}

	@Override
	public void run(String id, StepOptions options, StepBody body) {
		execute(id, options, Void.class, (body != null) ? () -> {
			body.run();
			return null;
		} : null);
	}

	@Override
	public <T> @Nullable T run(String id, StepOptions options, Class<T> type, Callable<@Nullable T> body) {
		return execute(id, options, type, body);
	}

	@Override
	public <T> @Nullable T run(String id, StepOptions options, ParameterizedTypeReference<T> type,
			Callable<@Nullable T> body) {
		return execute(id, options, (type != null) ? type.getType() : null, body);
	}

	private <T> @Nullable T execute(String id, StepOptions options, @Nullable Type type,
			@Nullable Callable<@Nullable T> body) {
		this.driver.stepBegins();
		try {
			StepCall step = enter(id);
			checkOptions(id, options);
			// Refused before the body runs: a null type would fail only once its result
			// was stored, on every replay after.
			if (type == null) {
				throw new InvalidStepException("Step '" + id + "': the type of its result must not be null");
			}
			if (body == null) {
				throw new InvalidStepException("Step '" + id + "': its body must not be null");
			}
			Memo memo = this.driver.memo(step, StepKind.RUN);
			if (memo != null) {
				return replayed(step, memo, type);
			}
			int stepMaxAttempts = this.driver.maxAttempts(options, this.maxAttempts);
			return this.driver.newRun(step, options, type, () -> {
				this.currentStep = id;
				this.stepMaxAttempts = stepMaxAttempts;
				try {
					return body.call();
				}
				finally {
					this.currentStep = null;
				}
			});
		}
		finally {
			this.driver.stepEnds();
		}
	}

	/**
	 * Checks a step's options.
	 * @param id the step id
	 * @param options the options
	 * @throws IllegalArgumentException if they are not valid
	 */
	public static void checkOptions(String id, StepOptions options) {
		String problem = null;
		if (options == null) {
			problem = "the options must not be null, use StepOptions.defaults()";
		}
		else if (options.retries() != null && (options.retries() < 0 || options.retries() > Retries.MAX)) {
			problem = "retries must be from 0 to " + Retries.MAX + ", but was " + options.retries();
		}
		else if (options.backoffInitial() != null && options.backoffInitial().toMillis() < 1) {
			// Waits are counted in milliseconds: a shorter one would retry at once.
			problem = "the initial back-off must be at least 1ms, but was " + options.backoffInitial();
		}
		else if (options.backoffInitial() != null && options.backoffMax().compareTo(options.backoffInitial()) < 0) {
			problem = "the longest back-off " + options.backoffMax() + " is shorter than the initial one "
					+ options.backoffInitial();
		}
		if (problem != null) {
			throw new InvalidStepException("Step '" + id + "': invalid options: " + problem);
		}
	}

	/**
	 * The retries a step has: its own, or the function's.
	 * @param options the step's options
	 * @param functionRetries the function's retries
	 * @return the step's retries
	 */
	public static int retries(StepOptions options, int functionRetries) {
		return (options.retries() != null) ? options.retries() : functionRetries;
	}

	@Override
	public void sleep(String id, Duration duration) {
		if (duration == null || duration.isNegative()) {
			throw new InvalidStepException(
					"Step '" + id + "': the sleep duration must be zero or positive, " + "but was " + duration);
		}
		sleep(id, duration, null);
	}

	@Override
	public void sleepUntil(String id, Instant until) {
		if (until == null) {
			throw new InvalidStepException("Step '" + id + "': the instant to sleep until must not be null");
		}
		sleep(id, null, until);
	}

	private void sleep(String id, @Nullable Duration duration, @Nullable Instant until) {
		this.driver.stepBegins();
		try {
			StepCall step = enter(id);
			Memo memo = this.driver.memo(step, StepKind.SLEEP);
			if (memo != null) {
				replayed(step, memo, Void.class);
				return;
			}
			this.driver.newSleep(step, duration, until);
		}
		finally {
			this.driver.stepEnds();
		}
	}

	/**
	 * Checks a sleep against the longest one allowed.
	 * @param id the step id
	 * @param duration how long the step sleeps
	 * @return the duration
	 * @throws IllegalArgumentException if it is too long
	 */
	public static Duration checkedSleep(String id, Duration duration) {
		if (duration.compareTo(MAX_SLEEP) > 0) {
			throw new InvalidStepException("Step '" + id + "': a sleep of " + duration + " is longer than the "
					+ "longest allowed, " + MAX_SLEEP.toDays() + " days");
		}
		return duration;
	}

	@Override
	public Optional<Event> waitForEvent(String id, WaitForEvent wait) {
		this.driver.stepBegins();
		try {
			StepCall step = enter(id);
			Memo memo = this.driver.memo(step, StepKind.WAIT);
			if (memo != null) {
				return Optional.ofNullable(replayed(step, memo, Event.class));
			}
			return this.driver.newWait(step, wait);
		}
		finally {
			this.driver.stepEnds();
		}
	}

	/**
	 * Checks the arguments of a wait for an event.
	 * @param id the step id
	 * @param wait the wait
	 * @param compile compiles the wait's condition, throwing
	 * {@link IllegalArgumentException} for one that is not valid
	 * @throws IllegalArgumentException if the wait is not valid
	 */
	public static void checkWait(String id, WaitForEvent wait, Consumer<String> compile) {
		String problem = null;
		if (wait == null || !StringUtils.hasText(wait.eventName())) {
			problem = "name the event to wait for";
		}
		else if (wait.timeout() == null || wait.timeout().isNegative() || wait.timeout().isZero()) {
			problem = "a positive timeout is required, such as .timeout(Duration.ofHours(1))";
		}
		else if (wait.timeout().compareTo(MAX_SLEEP) > 0) {
			problem = "the timeout " + wait.timeout() + " is longer than " + MAX_SLEEP.toDays() + " days";
		}
		else if (wait.match() != null && !wait.match().matches("(data|user)(\\.[A-Za-z_$][A-Za-z0-9_$-]*)+")) {
			problem = "match \"" + wait.match() + "\" is not a dotted field under data or user, such as \"data.id\"";
		}
		else if (wait.condition() != null) {
			try {
				compile.accept(wait.condition());
			}
			catch (IllegalArgumentException ex) {
				problem = ex.getMessage();
			}
		}
		if (problem != null) {
			throw new InvalidStepException("Step '" + id + "': invalid waitForEvent: " + problem);
		}
	}

	/**
	 * What a failed send of a {@code sendEvent} step fails its attempt with: events
	 * refused as invalid are refused again on every attempt, so such a step fails for
	 * good at once; any other failure is retried as a run step's would be.
	 * @param id the step's id
	 * @param failure what the send threw
	 * @return the attempt's failure
	 */
	public static RuntimeException sendFailure(String id, RuntimeException failure) {
		if (failure instanceof InvalidEventException) {
			return new NonRetriableException(
					"Step '" + id + "' sends an event that is refused: " + failure.getMessage(), failure);
		}
		return failure;
	}

	@Override
	public List<String> sendEvent(String id, Event... events) {
		this.driver.stepBegins();
		try {
			StepCall step = enter(id);
			Memo memo = this.driver.memo(step, StepKind.SEND);
			if (memo != null) {
				return replayed(step, memo, LIST_OF_IDS);
			}
			return this.driver.newSend(step, Arrays.asList(events));
		}
		finally {
			this.driver.stepEnds();
		}
	}

	private StepCall enter(String id) {
		this.driver.entering();
		if (!StringUtils.hasText(id)) {
			throw new InvalidStepException("A step id must not be empty");
		}
		if (this.currentStep != null) {
			throw new IllegalStateException(
					"Step '" + id + "' is called inside step '" + this.currentStep + "'; steps cannot be nested");
		}
		if (this.keys.add(id)) {
			return new StepCall(id, id, 0);
		}
		// A repeat takes the next id:N that no step of this execution has, so that a step
		// named like a repeat ("charge:1") and a real repeat never share a result.
		int repeat = this.nextRepeat.getOrDefault(id, 1);
		while (!this.keys.add(id + ":" + repeat)) {
			repeat++;
		}
		this.nextRepeat.put(id, repeat + 1);
		return new StepCall(id, id + ":" + repeat, repeat);
	}

	private <T> @Nullable T replayed(StepCall step, Memo memo, Type type) {
		if (memo instanceof Failed failed) {
			throw new StepFailedException(step.id(), failed.error());
		}
		return this.json.read(((Completed) memo).json(), type);
	}

	/**
	 * A step as the body called it.
	 *
	 * @param id the step's id
	 * @param key the step's key: its id, or for a repeat of the id in the execution
	 * {@code id:N}, N the first from 1 up that no earlier step's key took
	 * @param index 0 for the first occurrence of the id, N for a repeat keyed
	 * {@code id:N}
	 */
	public record StepCall(String id, String key, int index) {

	}

	/**
	 * The result of a step that has one.
	 */
	public sealed interface Memo permits Completed, Failed {

	}

	/**
	 * A step that completed.
	 *
	 * @param json its value as JSON, {@code null} for none: a run step's return value, a
	 * wait's event ({@code null} when it timed out), the ids of the events a send step
	 * sent
	 */
	public record Completed(@Nullable String json) implements Memo {

	}

	/**
	 * A step that failed for good: replayed as a {@link StepFailedException}.
	 *
	 * @param error its last error
	 */
	public record Failed(ErrorInfo error) implements Memo {

	}

	/**
	 * What looks steps up and begins the ones that have no result yet. A driver that
	 * stops the body at a step throws a {@link Throwable} the body is not expected to
	 * catch.
	 */
	public interface Driver {

		/**
		 * Before a step is entered, outside of the step.
		 */
		default void stepBegins() {
		}

		/**
		 * A step is entered, before its key is known.
		 */
		default void entering() {
		}

		/**
		 * After a step returned or threw.
		 */
		default void stepEnds() {
		}

		/**
		 * The result of a step, if it has one.
		 * @param step the step
		 * @param kind the kind of step the body called
		 * @return the result, or {@code null} for a step that has none yet
		 */
		@Nullable Memo memo(StepCall step, StepKind kind);

		/**
		 * The most attempts a run step with these options gets, as its body sees it.
		 * @param options the step's options
		 * @param functionMaxAttempts the function's most attempts
		 * @return the step's most attempts
		 */
		default int maxAttempts(StepOptions options, int functionMaxAttempts) {
			return retries(options, functionMaxAttempts - 1) + 1;
		}

		/**
		 * Begins a run step.
		 * @param <T> the step's value type
		 * @param step the step
		 * @param options the step's options, checked
		 * @param type the type its value is read as
		 * @param body the step's body
		 * @return the step's value, if the body goes on at once
		 */
		<T> @Nullable T newRun(StepCall step, StepOptions options, Type type, Callable<@Nullable T> body);

		/**
		 * Begins a sleep.
		 * @param step the step
		 * @param duration how long to sleep, or {@code null} with an instant to sleep
		 * until
		 * @param until the instant to sleep until, or {@code null} with a duration
		 */
		void newSleep(StepCall step, @Nullable Duration duration, @Nullable Instant until);

		/**
		 * Begins a wait for an event.
		 * @param step the step
		 * @param wait the event to wait for
		 * @return the event, or empty if the wait timed out, if the body goes on at once
		 */
		Optional<Event> newWait(StepCall step, WaitForEvent wait);

		/**
		 * Sends events.
		 * @param step the step
		 * @param events the events
		 * @return the events' ids, if the body goes on at once
		 */
		List<String> newSend(StepCall step, List<Event> events);

	}

}
