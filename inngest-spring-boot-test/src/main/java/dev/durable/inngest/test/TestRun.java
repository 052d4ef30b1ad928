package dev.durable.inngest.test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import org.jspecify.annotations.Nullable;

/**
 * A run as it stood when read, with its steps: what a test asserts on, with
 * {@link InngestAssertions#assertThat(TestRun)}.
 *
 * @param id the run's id
 * @param functionId the function's id
 * @param status where it stands
 * @param event the event that triggered it
 * @param attempt the attempt of its function body, from 0
 * @param startedAt when it started, or {@code null}
 * @param endedAt when it ended, or {@code null}
 * @param output its output as read from JSON, or {@code null}
 * @param error the error it failed with, or {@code null}
 * @param cancellation who cancelled it and why, or {@code null}
 * @param steps its steps, in the order they began; those that began at the same instant,
 * as the steps of one execution do while the test's clock stands still, by key
 */
public record TestRun(String id, String functionId, RunStatus status, Event event, int attempt,
		@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable Object output, @Nullable ErrorInfo error,
		RunView.@Nullable Cancellation cancellation, List<TestStep> steps) {

	/**
	 * A step of the run, by its key: its id for its first occurrence.
	 * @param key the step's key
	 * @return the step, or empty if the run has not reached it
	 */
	public Optional<TestStep> step(String key) {
		return this.steps.stream().filter((step) -> step.key().equals(key)).findFirst();
	}

	/**
	 * Whether the run has ended: completed, failed or cancelled.
	 * @return {@code true} if it has
	 */
	public boolean hasEnded() {
		return this.status.isFinal();
	}

}
