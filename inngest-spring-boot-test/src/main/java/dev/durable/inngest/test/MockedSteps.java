package dev.durable.inngest.test;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import dev.durable.inngest.engine.StepInterceptor;
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

	StepMock mock(@Nullable String functionId, String stepId) {
		StepMock mock = new StepMock(stepId);
		this.mocks.put(key((functionId != null) ? functionId : ANY_FUNCTION, stepId), mock);
		return mock;
	}

	void clear() {
		this.mocks.clear();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable Object intercept(StepInvocation step, Callable<?> body) throws Exception {
		StepMock mock = this.mocks.get(key(step.functionId(), step.stepId()));
		if (mock == null) {
			mock = this.mocks.get(key(ANY_FUNCTION, step.stepId()));
		}
		return (mock != null) ? mock.attempt(step.attempt() + 1, body) : body.call();
	}

	private static String key(String functionId, String stepId) {
		return functionId + "\u0000" + stepId;
	}

}
