package dev.durable.inngest.function;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A function's {@link dev.durable.inngest.Timeouts}, validated.
 *
 * @param start the longest a run may stay queued before it starts, or {@code null}
 * @param finish the longest a run may take from start to end, or {@code null}
 */
public record FunctionTimeouts(@Nullable Duration start, @Nullable Duration finish) {

	/** No timeouts. */
	public static final FunctionTimeouts NONE = new FunctionTimeouts(null, null);

}
