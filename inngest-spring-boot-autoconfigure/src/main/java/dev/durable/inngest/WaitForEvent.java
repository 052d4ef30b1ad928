package dev.durable.inngest;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What {@link Step#waitForEvent(String, WaitForEvent)} waits for: an event name, a
 * timeout and optionally a field to match or a CEL condition. <pre class="code">
 * WaitForEvent.event("shop/order.approved").match("data.orderId").timeout(Duration.ofDays(1))
 * WaitForEvent.event("shop/order.approved").condition("async.data.total &gt;= event.data.total")
 *         .timeout(Duration.ofHours(2))
 * </pre>
 *
 * @param eventName the name of the awaited event
 * @param match a dotted field, such as {@code data.orderId}, that must be equal in the
 * run's trigger and the awaited event, or {@code null}
 * @param condition a CEL expression over {@code event} (the trigger) and {@code async}
 * (the awaited event), or {@code null}
 * @param timeout how long to wait: required, though {@code null} until
 * {@link #timeout(Duration)} sets it
 */
public record WaitForEvent(String eventName, @Nullable String match, @Nullable String condition,
		@Nullable Duration timeout) {

	/**
	 * Starts describing a wait for an event.
	 * @param eventName the event name
	 * @return a wait with no timeout yet
	 */
	public static WaitForEvent event(String eventName) {
		Objects.requireNonNull(eventName, "eventName must not be null");
		return new WaitForEvent(eventName, null, null, null);
	}

	/**
	 * Waits for an event whose field equals the trigger's.
	 * @param field a dotted field such as {@code data.orderId}
	 * @return a copy with the match
	 */
	public WaitForEvent match(String field) {
		return new WaitForEvent(this.eventName, field, this.condition, this.timeout);
	}

	/**
	 * Waits for an event for which a CEL expression is true; with a
	 * {@link #match(String)} too, an event must satisfy both.
	 * @param expression a CEL expression over {@code event} and {@code async}
	 * @return a copy with the condition
	 */
	public WaitForEvent condition(String expression) {
		return new WaitForEvent(this.eventName, this.match, expression, this.timeout);
	}

	/**
	 * How long to wait.
	 * @param timeout the timeout
	 * @return a copy with the timeout
	 */
	public WaitForEvent timeout(Duration timeout) {
		return new WaitForEvent(this.eventName, this.match, this.condition, timeout);
	}

}
