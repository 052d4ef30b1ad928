package dev.durable.inngest;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A bulk replay: a named, recorded operation that runs the matching ended runs again in
 * the background, each as a new run linked to the one it replays, with its progress.
 *
 * @param id the replay's id
 * @param name its name
 * @param functionId the function whose runs it replays
 * @param startedAfter only runs created at or after this time
 * @param startedBefore only runs created before this time, and never after the replay
 * itself was created, so that the runs it starts are not replayed again
 * @param condition the CEL condition over the trigger {@code event}, or {@code null}
 * @param statuses the states of the runs it replays
 * @param state how far it has got
 * @param matched how many runs it found to replay when it was created, raised to what it
 * has replayed when that is more: when the count before it started ran out of time, a
 * lower bound
 * @param replayed how many runs it has started again so far
 * @param createdAt when it was created
 * @param updatedAt when its progress last changed
 */
public record BulkReplay(String id, String name, String functionId, Instant startedAfter, Instant startedBefore,
		@Nullable String condition, Set<RunStatus> statuses, State state, long matched, long replayed,
		Instant createdAt, Instant updatedAt) {

	/**
	 * How far a bulk replay has got.
	 */
	public enum State {

		/** Replaying runs. */
		RUNNING,

		/** Every matching run has been replayed. */
		COMPLETED,

		/** Stopped before the end; the runs it started go on. */
		STOPPED

	}

}
