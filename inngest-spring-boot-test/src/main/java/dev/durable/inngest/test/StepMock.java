package dev.durable.inngest.test;

import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * What a mocked step does in place of its body, from
 * {@link InngestTestEnvironment#mockStep(String)}: return a value (or compute one from
 * each attempt), fail on some attempts, or both. An attempt that neither fails nor has a
 * value to return runs the step's real body, so
 * {@code mockStep("charge").failOnAttempts(1, 2)} fails the first two attempts and lets
 * the third charge for real. Attempts count from 1, as {@code hasAttempts} does. Only
 * steps that execute reach a mock: a step replayed from its stored result does not.
 */
public final class StepMock {

	private final String stepId;

	private final Set<Integer> failingAttempts = new HashSet<>();

	/** What an attempt that does not fail returns; {@code null} to run the body. */
	private volatile @Nullable StepAnswer answer;

	private volatile boolean failsAlways;

	private volatile Supplier<? extends Exception> failure;

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicBoolean misuseReported = new AtomicBoolean();

	StepMock(String stepId) {
		this.stepId = stepId;
		this.failure = () -> new IllegalStateException("Step '" + stepId + "' failed, as its mock was told to");
	}

	/**
	 * Returns a value on every attempt that does not fail, without running the step's
	 * body. The value is stored and read back as the body's would be. It must be an
	 * instance of the step's type ({@code step.run("charge", String.class, ...)} takes a
	 * {@code String}), or {@code null}: a step the mock reaches with a value of another
	 * type fails for good at once, and so does the test, naming the step and both types.
	 * @param value the step's value, {@code null} for none
	 * @return this mock
	 */
	public StepMock returns(@Nullable Object value) {
		this.answer = (step) -> value;
		return this;
	}

	/**
	 * Computes the value of every attempt that does not fail from the attempt, without
	 * running the step's body: a value that depends on the run, or on the attempt, or
	 * differs between the repeats of a step in a loop. <pre class="code">
	 * inngest.mockStep("charge").answers((step) -&gt; "ch-" + step.runId());
	 * inngest.mockStep("fetch-page").answers((step) -&gt; step.key().equals("fetch-page") ? page1 : page2);
	 * </pre> What it returns is checked, stored and read back as a value given to
	 * {@link #returns(Object)} is; what it throws fails the attempt, as an exception of
	 * the step's body would. It runs on the engine's thread, within the call of the
	 * environment that reached the step, and may read runs with
	 * {@link InngestTestEnvironment#run(String)}.
	 * @param answer computes the step's value from its run's id, its key ({@code id:N}
	 * for the N-th repeat of the id in one execution), its attempt (from 0) and its type
	 * @return this mock
	 */
	public StepMock answers(StepAnswer answer) {
		Assert.notNull(answer, () -> "The answer of the mock of step '" + this.stepId + "' must not be null");
		this.answer = answer;
		return this;
	}

	/**
	 * Fails the given attempts, counted from 1, with the exception set by
	 * {@link #failWith(Supplier)}; the step retries as it would after a failure of its
	 * body.
	 * @param attempts the attempts that fail
	 * @return this mock
	 */
	public StepMock failOnAttempts(int... attempts) {
		synchronized (this.failingAttempts) {
			for (int attempt : attempts) {
				if (attempt < 1) {
					throw new IllegalArgumentException("Attempts count from 1, but was " + attempt);
				}
				this.failingAttempts.add(attempt);
			}
		}
		return this;
	}

	/**
	 * Fails every attempt.
	 * @param failure makes the exception each failing attempt throws, such as a
	 * {@code NonRetriableException} to fail the step for good at once
	 * @return this mock
	 */
	public StepMock alwaysFails(Supplier<? extends Exception> failure) {
		this.failure = requireFailure(failure);
		this.failsAlways = true;
		return this;
	}

	/**
	 * Sets the exception the failing attempts throw; by default an
	 * {@link IllegalStateException} that names the step.
	 * @param failure makes the exception
	 * @return this mock
	 */
	public StepMock failWith(Supplier<? extends Exception> failure) {
		this.failure = requireFailure(failure);
		return this;
	}

	private Supplier<? extends Exception> requireFailure(Supplier<? extends Exception> failure) {
		Assert.notNull(failure, () -> "The failure of the mock of step '" + this.stepId + "' must not be null");
		return failure;
	}

	/**
	 * How many attempts of the step reached this mock.
	 * @return the count
	 */
	public int calls() {
		return this.calls.get();
	}

	String stepId() {
		return this.stepId;
	}

	/**
	 * Whether a misuse of this mock is still to be reported: true once.
	 */
	boolean reportMisuse() {
		return !this.misuseReported.getAndSet(true);
	}

	/**
	 * What is wrong with a mock's value for a step of the given type, if anything.
	 * @param value the value
	 * @param type the type the step's value is read as
	 * @return the value's type and the step's, or {@code null} if the value fits
	 */
	static @Nullable String wrongType(@Nullable Object value, Type type) {
		if (value == null) {
			return null;
		}
		Class<?> stepType = ResolvableType.forType(type).toClass();
		if (stepType == Void.class || stepType == void.class) {
			return "a " + value.getClass().getName() + ", but the step returns nothing: mock it with returns(null)";
		}
		if (ClassUtils.isAssignableValue(stepType, value)) {
			return null;
		}
		return "a " + value.getClass().getName() + ", but the step's type is " + type.getTypeName()
				+ ": a mock returns an instance of the step's type, or null";
	}

	/**
	 * Counts an attempt that reached the mock and fails it if the mock says so.
	 * @param attempt the attempt, from 1
	 * @return what answers it, or {@code null} to run the step's body
	 * @throws Exception the failure the attempt is told to end with
	 */
	@Nullable StepAnswer attempt(int attempt) throws Exception {
		this.calls.incrementAndGet();
		boolean fails;
		synchronized (this.failingAttempts) {
			fails = this.failsAlways || this.failingAttempts.contains(attempt);
		}
		if (fails) {
			throw this.failure.get();
		}
		return this.answer;
	}

}
