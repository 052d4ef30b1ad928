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
 * @param failureHandlerId the id of the function that handles this one's failures, or
 * {@code null}
 * @param handles for a failure handler, the id of the function whose failures it handles;
 * otherwise {@code null}
 */
public record FunctionDefinition(String id, String name, List<String> events, List<CronSchedule> crons,
		Expression condition, int retries, List<CancelRule> cancelOn, FunctionTimeouts timeouts, FunctionInvoker invoker,
		String failureHandlerId, String handles) {

	/** What a failure handler's id adds to the id of the function it handles. */
	public static final String FAILURE_HANDLER_SUFFIX = "-failure";

	/** The retries of a failure handler not annotated with {@link dev.durable.inngest.Retries}. */
	public static final int FAILURE_HANDLER_RETRIES = 1;

	/**
	 * The attempts a step or the body gets: the retries plus one.
	 * @return the maximum attempts
	 */
	public int maxAttempts() {
		return this.retries + 1;
	}

	/**
	 * Whether this is the failure handler of another function.
	 * @return {@code true} for a failure handler
	 */
	public boolean isFailureHandler() {
		return this.handles != null;
	}

	/**
	 * This definition with a failure handler.
	 * @param handlerId the id of the handler's function
	 * @return a copy with the handler
	 */
	public FunctionDefinition withFailureHandler(String handlerId) {
		return new FunctionDefinition(this.id, this.name, this.events, this.crons, this.condition, this.retries,
				this.cancelOn, this.timeouts, this.invoker, handlerId, this.handles);
	}

	@Override
	public String toString() {
		return "FunctionDefinition[" + this.id + " -> " + this.invoker + "]";
	}

}
