package dev.durable.inngest.function;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One {@link dev.durable.inngest.CancelOn} rule of a function, validated.
 *
 * @param event the cancelling event's name
 * @param match the dotted field that must be equal in trigger and cancelling event, or
 * {@code null}
 * @param condition the compiled condition over {@code event} and {@code async}, or
 * {@code null}
 * @param timeout how long after the run's creation the rule holds, or {@code null}
 * @param until the instant up to which the rule holds, which a served function's rule may
 * give instead of a timeout, or {@code null}
 */
public record CancelRule(String event, @Nullable String match, @Nullable Expression condition,
		@Nullable Duration timeout, @Nullable Instant until) {

	/**
	 * Creates a rule that holds for a time after the run's creation, or always.
	 * @param event the cancelling event's name
	 * @param match the dotted field that must be equal, or {@code null}
	 * @param condition the compiled condition, or {@code null}
	 * @param timeout how long after the run's creation the rule holds, or {@code null}
	 * for always
	 */
	public CancelRule(String event, @Nullable String match, @Nullable Expression condition,
			@Nullable Duration timeout) {
		this(event, match, condition, timeout, null);
	}

	/**
	 * When the rule stops holding for a run.
	 * @param createdAt when the run was created
	 * @return the instant, or {@code null} if the rule holds as long as the run
	 */
	public @Nullable Instant expiresAt(Instant createdAt) {
		if (this.until != null) {
			return this.until;
		}
		return (this.timeout != null) ? createdAt.plus(this.timeout) : null;
	}

	/**
	 * The rule's time-out as the SDK protocol writes it: a time string, or an RFC 3339
	 * instant.
	 * @return the text, or {@code null} if the rule holds as long as the run
	 */
	public @Nullable String timeoutText() {
		if (this.until != null) {
			return this.until.toString();
		}
		return (this.timeout != null) ? TimeStrings.format(this.timeout) : null;
	}

}
