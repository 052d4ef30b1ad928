package dev.durable.inngest.test;

import dev.durable.inngest.engine.StepInterceptor.StepInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Computes a mocked step's value for one attempt, given to
 * {@link StepMock#answers(StepAnswer)}.
 */
@FunctionalInterface
public interface StepAnswer {

	/**
	 * The value of one attempt of the step.
	 * @param step the attempt: its run's id, its function's id, the step's id and key,
	 * the attempt (from 0) and the type the step's value is read as
	 * @return the step's value, an instance of the step's type or {@code null}
	 * @throws Exception to fail the attempt, as the step's body would
	 */
	@Nullable Object answer(StepInvocation step) throws Exception;

}
