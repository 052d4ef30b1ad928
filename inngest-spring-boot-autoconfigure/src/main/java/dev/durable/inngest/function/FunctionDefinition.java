package dev.durable.inngest.function;

import java.util.List;

/**
 * A durable function as read once from its {@link dev.durable.inngest.InngestFunction} method:
 * immutable, validated, with its expressions compiled.
 *
 * @param id the function id
 * @param name the display name
 * @param events the trigger event names
 * @param crons the cron triggers
 * @param condition the trigger condition, or {@code null}
 * @param retries the retries after the first attempt
 * @param cancelOn the cancellation rules
 * @param timeouts the timeouts
 * @param invoker calls the method
 * @param failureHandler calls the {@link dev.durable.inngest.OnFailure} method, or {@code null}
 */
public record FunctionDefinition(String id, String name, List<String> events, List<CronSchedule> crons,
		Expression condition, int retries, List<CancelRule> cancelOn, Timeouts timeouts, FunctionInvoker invoker,
		FunctionInvoker failureHandler) {

	/**
	 * The attempts a step or the body gets: the retries plus one.
	 * @return the maximum attempts
	 */
	public int maxAttempts() {
		return this.retries + 1;
	}

	/**
	 * This definition with a failure handler.
	 * @param handler the handler's invoker
	 * @return a copy with the handler
	 */
	public FunctionDefinition withFailureHandler(FunctionInvoker handler) {
		return new FunctionDefinition(this.id, this.name, this.events, this.crons, this.condition, this.retries,
				this.cancelOn, this.timeouts, this.invoker, handler);
	}

	@Override
	public String toString() {
		return "FunctionDefinition[" + this.id + " -> " + this.invoker + "]";
	}

}
