package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Cancels, at each poll, the runs whose function's timeout has passed while no check
 * reached them: the runs still queued, never started, past their start timeout, whether
 * or not a worker is free to claim them, so that a run behind a backlog ends when its
 * timeout passes rather than when a worker reaches it; and the runs executing past their
 * finish deadline, whose step or code between steps is still running, as a cancellation
 * during a step would (the step's result is stored when it ends, and no other step runs).
 * The checks at the claim and before each step ({@link RunTimeouts#check}) still cancel a
 * run that reaches them between two polls.
 */
final class PassedTimeouts {

	private static final Log logger = LogFactory.getLog(PassedTimeouts.class);

	/**
	 * The most runs of one timeout a poll cancels, so that a poll stays short; the others
	 * are cancelled by the next polls, or when a worker reaches them.
	 */
	private static final int BATCH = 100;

	/**
	 * The most runs, due the longest, a poll looks among for each start timeout's: behind
	 * a backlog of more, the runs further back are cancelled when a worker claims them,
	 * as the poll would otherwise read the whole backlog each time.
	 */
	private static final int SCANNED = 1000;

	private final RunStore runs;

	private final RunCanceller canceller;

	private final Supplier<FunctionRegistry> registry;

	private final Clock clock;

	PassedTimeouts(RunStore runs, RunCanceller canceller, Supplier<FunctionRegistry> registry, Clock clock) {
		this.runs = runs;
		this.canceller = canceller;
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * Cancels a batch of the runs of each start timeout that have stayed queued past it,
	 * of the functions this application declares.
	 * @return how many runs were cancelled
	 */
	int cancelPastStart() {
		return cancelPassed((function) -> function.timeouts().start(),
				(passedSince, declared, functions) -> this.runs.findUnstarted(passedSince, declared, SCANNED, functions,
						BATCH),
				(run, function) -> this.canceller.cancelUnstarted(run, RunTimeouts.startExceeded(function)),
				"queued past its start timeout");
	}

	/**
	 * Cancels a batch of the runs of each finish timeout that are executing past it, of
	 * the functions this application declares.
	 * @return how many runs were cancelled
	 */
	int cancelPastFinish() {
		return cancelPassed((function) -> function.timeouts().finish(),
				(passedSince, declared, functions) -> this.runs.findRunningStartedBefore(passedSince, functions, BATCH),
				(run, function) -> run.status() == RunStatus.RUNNING
						&& this.canceller.cancel(run, RunTimeouts.finishExceeded(function)),
				"executing past its finish timeout");
	}

	private int cancelPassed(Function<FunctionDefinition, @Nullable Duration> timeoutOf, Finder finder,
			Canceller cancel, String what) {
		Map<Duration, List<String>> functionsByTimeout = new TreeMap<>();
		List<String> declared = new ArrayList<>();
		for (FunctionDefinition function : this.registry.get().all()) {
			declared.add(function.id());
			Duration timeout = timeoutOf.apply(function);
			if (timeout != null) {
				functionsByTimeout.computeIfAbsent(timeout, (key) -> new ArrayList<>()).add(function.id());
			}
		}
		if (functionsByTimeout.isEmpty()) {
			return 0;
		}
		Instant now = this.clock.instant();
		int cancelled = 0;
		for (Map.Entry<Duration, List<String>> functions : functionsByTimeout.entrySet()) {
			for (String runId : finder.find(now.minus(functions.getKey()), declared, functions.getValue())) {
				try {
					RunRecord run = this.runs.find(runId).orElse(null);
					FunctionDefinition function = (run != null)
							? this.registry.get().find(run.functionId()).orElse(null) : null;
					// Only if it is still as it was found: a worker may have claimed or
					// ended it since, and another instance may have cancelled it.
					if (function != null && cancel.cancel(run, function)) {
						cancelled++;
					}
				}
				catch (RuntimeException ex) {
					// One run that cannot be cancelled does not keep the others from
					// it; the checks at the claim and before each step still apply.
					logger.warn("Run " + runId + " is " + what + " and could not be cancelled", ex);
				}
			}
		}
		return cancelled;
	}

	/** Finds the runs a timeout has passed for. */
	@FunctionalInterface
	private interface Finder {

		List<String> find(Instant passedSince, List<String> declared, List<String> functions);

	}

	/** Cancels a run found, if it is still to be cancelled. */
	@FunctionalInterface
	private interface Canceller {

		boolean cancel(RunRecord run, FunctionDefinition function);

	}

}
