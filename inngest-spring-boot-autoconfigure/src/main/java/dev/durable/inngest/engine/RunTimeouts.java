package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;

import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.TimeStrings;
import org.jspecify.annotations.Nullable;

/**
 * A function's {@link dev.durable.inngest.Timeouts} applied to a run: the start timeout,
 * checked when a worker claims the run and, for the runs still queued, at each poll
 * ({@link PassedTimeouts}), and the finish deadline, never slept past, checked at the
 * claim, before every step, when the body ends and, for the runs executing, at each poll.
 */
final class RunTimeouts {

	private RunTimeouts() {
	}

	/**
	 * Why the run must be cancelled before it executes, or {@code null} if it may
	 * execute.
	 */
	static RunView.@Nullable Cancellation check(RunRecord run, FunctionDefinition function, Instant now) {
		Duration start = function.timeouts().start();
		if (start != null && Duration.between(run.createdAt(), run.startedAt()).compareTo(start) > 0) {
			return startExceeded(function);
		}
		Instant finishBy = finishBy(run, function);
		return (finishBy != null && !now.isBefore(finishBy)) ? finishExceeded(function) : null;
	}

	/**
	 * When the run must have finished by, or {@code null} without a finish timeout.
	 */
	static @Nullable Instant finishBy(RunRecord run, FunctionDefinition function) {
		Duration finish = function.timeouts().finish();
		return (finish != null && run.startedAt() != null) ? run.startedAt().plus(finish) : null;
	}

	/**
	 * When a run suspended until the given instant is due again: by its finish deadline
	 * at the latest, to be cancelled then rather than wait past it, for a sleep, a wait
	 * or a retry alike.
	 */
	static Instant dueBy(Instant wakeAt, @Nullable Instant finishBy) {
		return (finishBy != null && finishBy.isBefore(wakeAt)) ? finishBy : wakeAt;
	}

	static RunView.Cancellation startExceeded(FunctionDefinition function) {
		return new RunView.Cancellation("timeout", "Not started within "
				+ TimeStrings.format(function.timeouts().start()) + " of its event (@Timeouts start)");
	}

	static RunView.Cancellation finishExceeded(FunctionDefinition function) {
		return new RunView.Cancellation("timeout", "Not finished within "
				+ TimeStrings.format(function.timeouts().finish()) + " of its start (@Timeouts finish)");
	}

}
