package dev.durable.inngest;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A bulk cancellation: a named, recorded operation that cancels the matching runs in the
 * background, with its progress.
 *
 * @param id the cancellation's id
 * @param name its name, or {@code null} when the Inngest platform does not say
 * @param functionId the function whose runs it cancels, or {@code null} when the Inngest
 * platform does not say
 * @param startedAfter only runs created at or after this time, or {@code null} when the
 * Inngest platform does not say
 * @param startedBefore only runs created before this time, or {@code null} when the
 * Inngest platform does not say
 * @param condition the CEL condition over the trigger {@code event}, or {@code null}
 * @param state how far it has got
 * @param matched how many runs it found to cancel when it was created, raised to what it
 * has cancelled when that is more: when the count before it started ran out of time, a
 * lower bound
 * @param cancelled how many runs it has cancelled so far
 * @param createdAt when it was created, or {@code null} when the Inngest platform does
 * not say
 * @param updatedAt when its progress last changed
 */
public record BulkCancellation(String id, @Nullable String name, @Nullable String functionId,
		@Nullable Instant startedAfter, @Nullable Instant startedBefore, @Nullable String condition, State state,
		long matched, long cancelled, @Nullable Instant createdAt, Instant updatedAt) {

	/**
	 * How far a bulk cancellation has got.
	 */
	public enum State {

		/** Cancelling runs. */
		RUNNING,

		/** Every matching run has been handled. */
		COMPLETED,

		/** Stopped before the end; runs it cancelled stay cancelled. */
		STOPPED

	}

}
