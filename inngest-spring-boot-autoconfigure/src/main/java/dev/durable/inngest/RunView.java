package dev.durable.inngest;

import java.time.Instant;

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
 */
public record RunView(String id, String functionId, RunStatus status, Event event, int attempt, Instant createdAt,
		Instant startedAt, Instant endedAt, Object output, ErrorInfo error, Cancellation cancellation) {

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
