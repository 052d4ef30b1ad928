package dev.durable.inngest;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A run as {@link InngestRuns} shows it.
 *
 * @param id the run id
 * @param functionId the function id
 * @param status the run's state
 * @param event the event that triggered it
 * @param attempt the attempt of its function body, from 0
 * @param createdAt when it was created
 * @param startedAt when its first attempt started, or {@code null}
 * @param endedAt when it ended, or {@code null}
 * @param output its output, as read from JSON, or {@code null}
 * @param error the error it failed with, or {@code null}
 * @param cancellation who cancelled it and why, or {@code null}
 * @param rerunOf the id of the run this one runs again ({@link InngestRuns#rerun}), or
 * {@code null}
 * @param reruns the ids of the runs that run this one again, oldest first
 */
public record RunView(String id, String functionId, RunStatus status, Event event, int attempt, Instant createdAt,
		@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable Object output, @Nullable ErrorInfo error,
		@Nullable Cancellation cancellation, @Nullable String rerunOf, List<String> reruns) {

	/**
	 * Creates a view of a run that is no rerun and has none.
	 * @param id the run id
	 * @param functionId the function id
	 * @param status the run's state
	 * @param event the event that triggered it
	 * @param attempt the attempt of its function body, from 0
	 * @param createdAt when it was created
	 * @param startedAt when its first attempt started, or {@code null}
	 * @param endedAt when it ended, or {@code null}
	 * @param output its output, as read from JSON, or {@code null}
	 * @param error the error it failed with, or {@code null}
	 * @param cancellation who cancelled it and why, or {@code null}
	 */
	public RunView(String id, String functionId, RunStatus status, Event event, int attempt, Instant createdAt,
			@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable Object output, @Nullable ErrorInfo error,
			@Nullable Cancellation cancellation) {
		this(id, functionId, status, event, attempt, createdAt, startedAt, endedAt, output, error, cancellation, null,
				List.of());
	}

	/**
	 * Copies the list of reruns.
	 */
	public RunView {
		reruns = (reruns != null) ? List.copyOf(reruns) : List.of();
	}

	/**
	 * Who cancelled a run and why.
	 *
	 * @param by what cancelled it: {@code event}, {@code timeout}, {@code api} or
	 * {@code bulk-cancellation}
	 * @param reason a sentence on why, such as the cancelling event's name and id
	 */
	public record Cancellation(String by, String reason) {

	}

}
