package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Cancels the runs still queued, never started, once their function's start timeout has
 * passed, at each poll: whether or not a worker is free to claim them, so that a run
 * behind a backlog, or behind runs that keep every worker busy, ends when its timeout
 * passes rather than when a worker reaches it. The check at the claim,
 * {@link RunTimeouts#check}, still cancels a run claimed past its timeout between two
 * polls.
 */
final class StartTimeouts {

	private static final Log logger = LogFactory.getLog(StartTimeouts.class);

	/**
	 * The most runs of one start timeout a poll cancels, so that a poll stays short; the
	 * others are cancelled by the next polls, or when a worker claims them.
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

	StartTimeouts(RunStore runs, RunCanceller canceller, Supplier<FunctionRegistry> registry, Clock clock) {
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
	int cancelPassed() {
		Map<Duration, List<String>> functionsByTimeout = new TreeMap<>();
		List<String> declared = new ArrayList<>();
		for (FunctionDefinition function : this.registry.get().all()) {
			declared.add(function.id());
			Duration start = function.timeouts().start();
			if (start != null) {
				functionsByTimeout.computeIfAbsent(start, (timeout) -> new ArrayList<>()).add(function.id());
			}
		}
		if (functionsByTimeout.isEmpty()) {
			return 0;
		}
		Instant now = this.clock.instant();
		int cancelled = 0;
		for (Map.Entry<Duration, List<String>> functions : functionsByTimeout.entrySet()) {
			for (String runId : this.runs.findUnstarted(now.minus(functions.getKey()), declared, SCANNED,
					functions.getValue(), BATCH)) {
				try {
					RunRecord run = this.runs.find(runId).orElse(null);
					FunctionDefinition function = (run != null)
							? this.registry.get().find(run.functionId()).orElse(null) : null;
					// Only if it is still queued and not started: a worker may have
					// claimed it since, and another instance may have cancelled it.
					if (function != null && this.canceller.cancelUnstarted(run, RunTimeouts.startExceeded(function))) {
						cancelled++;
					}
				}
				catch (RuntimeException ex) {
					// One run that cannot be cancelled does not keep the others from
					// it; the claim still checks its timeout.
					logger.warn("Run " + runId + " is queued past its start timeout and could not be cancelled", ex);
				}
			}
		}
		return cancelled;
	}

}
