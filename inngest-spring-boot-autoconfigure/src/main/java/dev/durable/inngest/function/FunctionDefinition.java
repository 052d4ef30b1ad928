package dev.durable.inngest.function;

import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import org.jspecify.annotations.Nullable;

/**
 * A durable function as read once from its {@link dev.durable.inngest.InngestFunction}
 * method: immutable, validated, with its expressions compiled.
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
 * @param cancellationHandlerId the id of the function that handles this one's
 * cancellations, or {@code null}
 * @param handles for a failure or cancellation handler, the id of the function whose
 * failures or cancellations it handles; otherwise {@code null}
 * @param handled for a handler, what of that function it handles; otherwise {@code null}
 * @param app for a function served by another app that this engine executes, that app's
 * id, and the function's id is then already the full id that Inngest gives it;
 * {@code null} for the application's own functions
 */
public record FunctionDefinition(String id, String name, List<String> events, List<CronSchedule> crons,
		@Nullable Expression condition, int retries, List<CancelRule> cancelOn, FunctionTimeouts timeouts,
		FunctionInvoker invoker, @Nullable String failureHandlerId, @Nullable String cancellationHandlerId,
		@Nullable String handles, @Nullable Handled handled, @Nullable String app) {

	/** What a failure handler's id adds to the id of the function it handles. */
	public static final String FAILURE_HANDLER_SUFFIX = "-failure";

	/** What a cancellation handler's id adds to the id of the function it handles. */
	public static final String CANCELLATION_HANDLER_SUFFIX = "-cancel";

	/**
	 * The retries of a failure or cancellation handler not annotated with
	 * {@link dev.durable.inngest.Retries}.
	 */
	public static final int FAILURE_HANDLER_RETRIES = 1;

	/**
	 * The attempts a step or the body gets: the retries plus one.
	 * @return the maximum attempts
	 */
	public int maxAttempts() {
		return this.retries + 1;
	}

	/**
	 * Whether another app serves this function, which the engine calls over HTTP.
	 * @return {@code true} for a served function
	 */
	public boolean isServed() {
		return this.app != null;
	}

	/**
	 * Whether this is the failure handler of another function.
	 * @return {@code true} for a failure handler
	 */
	public boolean isFailureHandler() {
		return this.handled == Handled.FAILURES;
	}

	/**
	 * Whether this is the cancellation handler of another function.
	 * @return {@code true} for a cancellation handler
	 */
	public boolean isCancellationHandler() {
		return this.handled == Handled.CANCELLATIONS;
	}

	/**
	 * What a handler receives about the run it handles, read from the system event that
	 * started it.
	 * @param event the event that started a run of this function
	 * @return the failed or cancelled event, or {@code null} if this is not a handler
	 */
	public @Nullable FailureContext handledRun(Event event) {
		if (this.handled == null) {
			return null;
		}
		return switch (this.handled) {
			case FAILURES -> FunctionFailedEvent.of(event);
			case CANCELLATIONS -> FunctionCancelledEvent.of(event);
		};
	}

	/**
	 * This definition with a failure handler.
	 * @param handlerId the id of the handler's function
	 * @return a copy with the handler
	 */
	public FunctionDefinition withFailureHandler(String handlerId) {
		return new FunctionDefinition(this.id, this.name, this.events, this.crons, this.condition, this.retries,
				this.cancelOn, this.timeouts, this.invoker, handlerId, this.cancellationHandlerId, this.handles,
				this.handled, this.app);
	}

	/**
	 * This definition with a cancellation handler.
	 * @param handlerId the id of the handler's function
	 * @return a copy with the handler
	 */
	public FunctionDefinition withCancellationHandler(String handlerId) {
		return new FunctionDefinition(this.id, this.name, this.events, this.crons, this.condition, this.retries,
				this.cancelOn, this.timeouts, this.invoker, this.failureHandlerId, handlerId, this.handles,
				this.handled, this.app);
	}

	/**
	 * What a handler handles of the function it belongs to.
	 */
	public enum Handled {

		/** Its runs that failed: an {@link dev.durable.inngest.OnFailure} handler. */
		FAILURES,

		/**
		 * Its runs that were cancelled: an {@link dev.durable.inngest.OnCancel} handler.
		 */
		CANCELLATIONS

	}

	@Override
	public String toString() {
		return "FunctionDefinition[" + this.id + " -> " + this.invoker + "]";
	}

}
