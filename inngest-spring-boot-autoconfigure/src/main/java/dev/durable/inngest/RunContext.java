package dev.durable.inngest;

/**
 * Facts about the run being executed, for a function that takes it as a parameter.
 * <pre class="code">
 * &#064;InngestFunction(id = "fetch-rates", event = "fx/rates.requested")
 * Rates fetch(RunContext run, Step step) {
 *     boolean lastTry = run.attempt() == run.maxAttempts() - 1;
 *     return step.run("fetch", Rates.class, () -&gt; lastTry ? fallback.rates() : primary.rates());
 * }
 * </pre>
 */
public interface RunContext {

	/**
	 * The run's id.
	 * @return the run id
	 */
	String runId();

	/**
	 * The function's id, as declared on {@link InngestFunction#id()}; in a failure or
	 * cancellation handler, the handler's own, the function's followed by
	 * {@code -failure} or {@code -cancel}.
	 * @return the function id
	 */
	String functionId();

	/**
	 * The 0-based attempt of what is executing now, as Inngest counts it: inside a step,
	 * that step's attempt; outside steps, while the run retries a step that failed, that
	 * step's attempt, so that code before the step can prepare its last attempt (as in
	 * the example above); otherwise the attempt of the function body. Each step and the
	 * body count their attempts separately, and a step that completes leaves the body's
	 * count to the code after it.
	 * @return the current attempt, from 0
	 */
	int attempt();

	/**
	 * The most attempts of what is executing now: the retries plus one. Inside a step
	 * given its own {@link StepOptions#retries(int) retries}, the step's; otherwise the
	 * function's {@link Retries}. In remote mode a step cannot have more attempts than
	 * its function, so a step asking for more sees the function's here.
	 * @return the maximum number of attempts
	 */
	int maxAttempts();

}
