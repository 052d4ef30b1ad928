package dev.durable.inngest.engine;

import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * Consulted by the local engine each time a run step's body is about to execute, in place
 * of calling it: it may call the body, return a value of its own, or throw to fail the
 * attempt as the body would. Replayed steps are not consulted. With several such beans,
 * each is consulted in their order ({@code @Order} or {@code Ordered}) around the next,
 * the step's body innermost; without one, bodies execute as they are. Tests use one to
 * stand in for a step's side effect without touching the function's bean.
 *
 * <pre class="code">
 * &#64;Bean
 * StepInterceptor offlineCharges() {
 * 	return (step, body) -&gt; step.stepId().equals("charge") ? "ch-test" : body.call();
 * }
 * </pre>
 */
@FunctionalInterface
public interface StepInterceptor {

	/**
	 * Executes one attempt of a run step.
	 * @param step the step, its run and its attempt
	 * @param body the step's own body
	 * @return the step's value, stored as the body's would be
	 * @throws Exception to fail the attempt, retried as the body's failure would be
	 */
	@Nullable Object intercept(StepInvocation step, Callable<?> body) throws Exception;

	/**
	 * The interceptors as one, each around the next: the first is consulted first, and
	 * the body it is given runs the rest of them around the step's own body.
	 * @param interceptors the interceptors, in order
	 * @return one interceptor, or {@code null} if there are none
	 */
	static @Nullable StepInterceptor chain(List<StepInterceptor> interceptors) {
		StepInterceptor chained = null;
		for (int i = interceptors.size() - 1; i >= 0; i--) {
			StepInterceptor outer = interceptors.get(i);
			StepInterceptor inner = chained;
			chained = (inner == null) ? outer
					: (step, body) -> outer.intercept(step, () -> inner.intercept(step, body));
		}
		return chained;
	}

	/**
	 * One attempt of a run step about to execute.
	 *
	 * @param runId the run's id
	 * @param functionId the function's id
	 * @param stepId the step's id, as the body named it
	 * @param key the step's key: its id, or {@code id:N} for its N-th repeat in the
	 * execution
	 * @param attempt the step's attempt, from 0
	 * @param type the type the step's value is read back as, as the body declared it:
	 * {@code Void} for a step whose body returns nothing
	 */
	record StepInvocation(String runId, String functionId, String stepId, String key, int attempt, Type type) {

		/**
		 * One attempt of a run step whose type is not known, read back as {@code Object}:
		 * as an interceptor's own tests made one before the type was given.
		 * @param runId the run's id
		 * @param functionId the function's id
		 * @param stepId the step's id
		 * @param key the step's key
		 * @param attempt the step's attempt, from 0
		 */
		public StepInvocation(String runId, String functionId, String stepId, String key, int attempt) {
			this(runId, functionId, stepId, key, attempt, Object.class);
		}

	}

}
