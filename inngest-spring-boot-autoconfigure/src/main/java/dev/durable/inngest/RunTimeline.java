package dev.durable.inngest;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One run on a time axis ({@link InngestRuns#timeline}): while it was queued, each step
 * with its failed attempts, its sleeps and waits and what ended them, how the run ended,
 * and the failure or cancellation handler runs that followed.
 *
 * @param run the run, with its trigger event and output
 * @param spans what happened, by start time
 */
public record RunTimeline(RunView run, List<Span> spans) {

	/**
	 * Copies the spans.
	 */
	public RunTimeline {
		spans = List.copyOf(spans);
	}

	/**
	 * One thing that happened in a run: an interval, or an instant when {@code end}
	 * equals {@code start}.
	 *
	 * @param type what it is: {@code queued}, {@code step}, {@code sleep}, {@code wait},
	 * {@code send}, {@code invoke} (a served function's {@code step.invoke}),
	 * {@code attempt} (a failed attempt of a step or, with no step key, of the function
	 * body), {@code completed}, {@code failed}, {@code cancelled},
	 * {@code failure-handler} or {@code cancellation-handler}
	 * @param label a short name to show, such as the step's id
	 * @param stepKey the step's key, or {@code null}
	 * @param status the step's or the handler run's state, or {@code null}
	 * @param start when it started
	 * @param end when it ended, or {@code null} while it goes on
	 * @param attempt for a failed attempt, the 0-based attempt; for a step, the attempts
	 * made; otherwise {@code null}
	 * @param error the error of a failed attempt or run, or {@code null}
	 * @param note a sentence on what ended it, such as the event that ended a wait, or
	 * {@code null}
	 * @param runId for a handler, its run id; otherwise {@code null}
	 */
	public record Span(String type, String label, @Nullable String stepKey, @Nullable String status, Instant start,
			@Nullable Instant end, @Nullable Integer attempt, @Nullable ErrorInfo error, @Nullable String note,
			@Nullable String runId) {

	}

}
