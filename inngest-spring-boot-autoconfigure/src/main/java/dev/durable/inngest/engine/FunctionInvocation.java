package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A function to invoke as a step, as Inngest's {@code step.invoke} names it.
 *
 * @param functionId the function's full id: a served function's own id, or the app id, a
 * dash and the function id for a function of this application
 * @param data the data of the event that starts its run
 * @param user the event's {@code user}
 * @param v the event's version, or {@code null}
 * @param timeout how long to wait for the run to end
 */
public record FunctionInvocation(String functionId, Map<String, Object> data, Map<String, Object> user,
		@Nullable String v, Duration timeout) {

}
