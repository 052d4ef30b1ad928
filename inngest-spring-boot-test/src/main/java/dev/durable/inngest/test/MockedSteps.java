package dev.durable.inngest.test;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.engine.StepInterceptor;
import dev.durable.inngest.engine.store.StepKind;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * The steps a test mocked, consulted by the engine before each run step's body executes:
 * a step with no mock runs its body. It comes first among the application's own
 * {@link StepInterceptor}s, so that a mock stands in for what they would do too.
 */
final class MockedSteps implements StepInterceptor, Ordered {

	/** Stands for any function in a mock's key. */
	private static final String ANY_FUNCTION = "";

	private final Map<String, StepMock> mocks = new ConcurrentHashMap<>();

	/**
	 * What a test did wrong with its mocks, found on the engine's thread, for the test's
	 * thread to fail with.
	 */
	private final List<String> misuses = new CopyOnWriteArrayList<>();

	StepMock mock(@Nullable String functionId, String stepId) {
		StepMock mock = new StepMock(stepId);
		this.mocks.put(key((functionId != null) ? functionId : ANY_FUNCTION, stepId), mock);
		return mock;
	}

	void clear() {
		this.mocks.clear();
		this.misuses.clear();
	}

	boolean isEmpty() {
		return this.mocks.isEmpty();
	}

	/**
	 * Notes a step that is not a run step but has a mock, which it never consults: once
	 * per mock. A mock for every function is taken for a mistake only while no run step
	 * has used it: one that stands in for a run step of one function may share its id
	 * with another function's sleep.
	 * @param functionId the function's id
	 * @param stepId the step's id
	 * @param kind what the step does
	 */
	void reached(String functionId, String stepId, StepKind kind) {
		StepMock specific = this.mocks.get(key(functionId, stepId));
		StepMock mock = (specific != null) ? specific : this.mocks.get(key(ANY_FUNCTION, stepId));
		if (kind != StepKind.RUN && mock != null && (specific != null || mock.calls() == 0) && mock.reportMisuse()) {
			this.misuses.add("Step '" + stepId + "' of function '" + functionId + "' is a "
					+ kind.name().toLowerCase(Locale.ROOT) + " step, but it is mocked: only run steps (step.run) "
					+ "can be mocked. Move the clock with advance(...) past a sleep or a wait's time-out, send the "
					+ "event a wait waits for, and read the events a function sent with events(name) and the runs they started with runsOf(...)");
		}
	}

	/**
	 * Fails with the first misuse of a mock found since the last call, if any.
	 * @param failure what the call failed with, if it did: kept as suppressed by the
	 * misuse, which likely caused it
	 * @throws AssertionError naming the step and what was wrong
	 */
	void failOnMisuse(@Nullable Throwable failure) {
		if (!this.misuses.isEmpty()) {
			AssertionError misuse = new AssertionError(this.misuses.get(0));
			this.misuses.clear();
			if (failure != null) {
				misuse.addSuppressed(failure);
			}
			throw misuse;
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable Object intercept(StepInvocation step, Callable<?> body) throws Exception {
		StepMock mock = find(step.functionId(), step.stepId());
		if (mock == null) {
			return body.call();
		}
		StepAnswer answer = mock.attempt(step.attempt() + 1);
		if (answer == null) {
			return body.call();
		}
		Object value = answer.answer(step);
		String wrongType = StepMock.wrongType(value, step.type());
		if (wrongType != null) {
			String misuse = "Step '" + step.stepId() + "' of function '" + step.functionId() + "' is mocked to return "
					+ wrongType;
			this.misuses.add(misuse);
			// Failed for good at once: no retry would fix it.
			throw new NonRetriableException(misuse);
		}
		return value;
	}

	private @Nullable StepMock find(String functionId, String stepId) {
		StepMock mock = this.mocks.get(key(functionId, stepId));
		return (mock != null) ? mock : this.mocks.get(key(ANY_FUNCTION, stepId));
	}

	private static String key(String functionId, String stepId) {
		return functionId + "\u0000" + stepId;
	}

}
