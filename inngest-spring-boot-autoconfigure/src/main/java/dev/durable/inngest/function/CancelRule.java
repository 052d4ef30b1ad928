package dev.durable.inngest.function;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One {@link dev.durable.inngest.CancelOn} rule of a function, validated.
 *
 * @param event the cancelling event's name
 * @param match the dotted field that must be equal in trigger and cancelling event, or
 * {@code null}
 * @param condition the compiled condition over {@code event} and {@code async}, or
 * {@code null}
 * @param timeout how long after the run's creation the rule holds, or {@code null} for
 * always
 */
public record CancelRule(String event, @Nullable String match, @Nullable Expression condition,
		@Nullable Duration timeout) {

}
