package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.NoMatchingRunsException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.ReplayStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.function.Expression;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionOperations;
import org.springframework.util.StringUtils;

/**
 * Runs ended runs again: one at a time ({@link #rerun}), or in bulk replays, recorded and
 * processed a batch at a time in the background like bulk cancellations. Each new run has
 * the same function and trigger event as the run it replays, and is linked to it in the
 * same transaction that creates it. A batch of a bulk replay, its new runs and its
 * progress are committed together, under a check that no other instance processed that
 * batch first, so that a run is replayed once by one replay.
 */
public final class RunReplays {

	private static final Log logger = LogFactory.getLog(RunReplays.class);

	private static final int BATCH = 100;

	private static final int ROUNDS = 10;

	private static final Set<RunStatus> REPLAYABLE = EnumSet.of(RunStatus.FAILED, RunStatus.CANCELLED);

	private final RunStore runs;

	private final ReplayStore store;

	private final EventIntake intake;

	private final TransactionOperations transactions;

	private final Clock clock;

	private final Ids ids;

	private final ExpressionCache expressions;

	private final Supplier<FunctionRegistry> registry;

	private final BulkCancellations requests;

	private final BulkCancellations.CountBudget budget;

	/**
	 * Creates the replays.
	 * @param runs the run store
	 * @param store stores the links and the bulk replays
	 * @param intake starts the new runs
	 * @param transactions runs a rerun and its link, or a batch and its progress, in one
	 * transaction
	 * @param clock the clock
	 * @param ids makes ids
	 * @param expressions compiles CEL conditions given at run time
	 * @param registry the functions
	 * @param requests checks requests and conditions as bulk cancellations do
	 * @param budget the most a count of the matching runs may take
	 */
	public RunReplays(RunStore runs, ReplayStore store, EventIntake intake, TransactionOperations transactions,
			Clock clock, Ids ids, ExpressionCache expressions, Supplier<FunctionRegistry> registry,
			BulkCancellations requests, BulkCancellations.CountBudget budget) {
		this.runs = runs;
		this.store = store;
		this.intake = intake;
		this.transactions = transactions;
		this.clock = clock;
		this.ids = ids;
		this.expressions = expressions;
		this.registry = registry;
		this.requests = requests;
		this.budget = budget;
	}

	/**
	 * Runs an ended run again.
	 * @param runId the run id
	 * @return the new run's id
	 * @throws NoSuchElementException if there is no such run
	 * @throws IllegalStateException if the run has not ended or its function is not
	 * declared
	 */
	public String rerun(String runId) {
		RunRecord run = this.runs.find(runId).orElseThrow(() -> new NoSuchElementException("No run " + runId));
		if (!run.status().isFinal()) {
			throw new IllegalStateException(
					"Run " + runId + " is " + run.status() + "; only a run that has ended can be run again");
		}
		FunctionDefinition function = this.registry.get()
			.find(run.functionId())
			.orElseThrow(() -> new IllegalStateException("Run " + runId + " is of function '" + run.functionId()
					+ "', which this application does not declare; it cannot be run again here"));
		return Objects.requireNonNull(this.transactions.execute((status) -> startAgain(run, function, null)));
	}

	private String startAgain(RunRecord run, FunctionDefinition function, @Nullable String replayId) {
		String eventKey = this.runs.eventKey(run.id())
			.orElseThrow(() -> new NoSuchElementException("No run " + run.id()));
		String newRunId = this.intake.startAgain(function, run.event(), eventKey);
		this.store.link(newRunId, run.id(), replayId, this.clock.instant());
		return newRunId;
	}

	/**
	 * How many ended runs a request matches now, counted within the budget, as
	 * {@link BulkCancellations#countMatching} counts.
	 * @param request the request
	 * @return the number of runs, and whether it is exact
	 * @throws IllegalArgumentException if the request is invalid
	 */
	public MatchCount countMatching(BulkReplayRequest request) {
		Expression condition = validate(request);
		return count(request.functionId(), request.startedAfter(), request.startedBefore(), request.statuses(),
				condition);
	}

	private MatchCount count(String functionId, Instant after, Instant before, Set<RunStatus> statuses,
			Expression condition) {
		long started = System.nanoTime();
		long count = 0;
		long scanned = 0;
		String afterId = null;
		List<String> batch;
		do {
			if (outOfBudget(started, scanned)) {
				return new MatchCount(count, false);
			}
			batch = this.store.findEnded(functionId, after, before, statuses, afterId, BATCH);
			for (String runId : batch) {
				if (outOfBudget(started, scanned)) {
					return new MatchCount(count, false);
				}
				if (condition == null || this.runs.find(runId)
					.map((run) -> this.requests.matchesWithinCost(condition, run))
					.orElse(false)) {
					count++;
				}
				scanned++;
				afterId = runId;
			}
		}
		while (batch.size() == BATCH);
		return new MatchCount(count, true);
	}

	private boolean outOfBudget(long started, long scanned) {
		return Thread.currentThread().isInterrupted() || System.nanoTime() - started >= this.budget.timeoutNanos()
				|| (this.budget.maxScanned() != null && scanned >= this.budget.maxScanned());
	}

	/**
	 * Records a bulk replay, to be processed in the background, after a bounded count.
	 * Its range ends no later than now, so that the runs it starts are not replayed by
	 * it.
	 * @param request the request
	 * @return the recorded replay
	 * @throws IllegalArgumentException if the request is invalid
	 * @throws NoMatchingRunsException if, counted to the end, it matches no run
	 */
	public BulkReplay start(BulkReplayRequest request) {
		Expression condition = validate(request);
		Instant now = this.clock.instant();
		Instant before = request.startedBefore().isAfter(now) ? now : request.startedBefore();
		MatchCount matched = count(request.functionId(), request.startedAfter(), before, request.statuses(), condition);
		if (matched.matching() == 0 && matched.complete()) {
			throw new NoMatchingRunsException("No " + describe(request.statuses()) + " run of function '"
					+ request.functionId() + "' created between " + request.startedAfter() + " and " + before
					+ ((request.condition() != null) ? " for which '" + request.condition() + "' holds" : "")
					+ "; nothing to replay");
		}
		String name = StringUtils.hasText(request.name()) ? request.name() : "Replay " + request.functionId() + " runs";
		BulkReplay replay = new BulkReplay(this.ids.next(), name, request.functionId(), request.startedAfter(), before,
				StringUtils.hasText(request.condition()) ? request.condition() : null, request.statuses(),
				BulkReplay.State.RUNNING, matched.matching(), 0, now, now);
		this.store.insert(replay);
		return replay;
	}

	private static String describe(Set<RunStatus> statuses) {
		return String.join(" or ", statuses.stream().map((status) -> status.name().toLowerCase()).sorted().toList());
	}

	/**
	 * Stops a running replay.
	 * @param id the replay id
	 * @return the replay
	 * @throws NoSuchElementException if there is no such replay
	 */
	public BulkReplay stop(String id) {
		this.store.stop(id, this.clock.instant());
		return this.store.find(id).orElseThrow(() -> new NoSuchElementException("No bulk replay " + id));
	}

	/**
	 * Processes a few batches of every running replay; the state is read again before
	 * each batch, so a stopped replay stops within a batch.
	 * @return how many runs were started again
	 */
	public int process() {
		int total = 0;
		for (int round = 0; round < ROUNDS; round++) {
			List<BulkReplay> running = this.store.findRunning();
			if (running.isEmpty()) {
				break;
			}
			for (BulkReplay replay : running) {
				try {
					total += processBatch(replay);
				}
				catch (BatchTakenException ex) {
					// Another instance processed this batch; the next round reads on from
					// where it got to.
				}
			}
		}
		return total;
	}

	private int processBatch(BulkReplay replay) {
		FunctionDefinition function = this.registry.get().find(replay.functionId()).orElse(null);
		if (function == null) {
			// Left running for an instance that declares the function.
			return 0;
		}
		Expression condition = (replay.condition() != null) ? this.expressions.get(replay.condition()) : null;
		Integer replayed = this.transactions.execute((status) -> {
			String lastRunId = this.store.lastRunId(replay.id());
			List<String> batch = this.store.findEnded(replay.functionId(), replay.startedAfter(),
					replay.startedBefore(), replay.statuses(), lastRunId, BATCH);
			int started = 0;
			for (String runId : batch) {
				RunRecord run = this.runs.find(runId).orElse(null);
				if (run != null && matchesInBackground(replay, condition, run)) {
					startAgain(run, function, replay.id());
					started++;
				}
			}
			boolean completed = batch.size() < BATCH;
			String last = batch.isEmpty() ? lastRunId : batch.get(batch.size() - 1);
			if (!this.store.progress(replay.id(), lastRunId, started, last, completed, this.clock.instant())) {
				status.setRollbackOnly();
				throw new BatchTakenException();
			}
			if (completed && logger.isInfoEnabled()) {
				logger.info("Bulk replay '" + Errors.logged(replay.name()) + "' (" + replay.id() + ") completed");
			}
			return started;
		});
		return (replayed != null) ? replayed : 0;
	}

	private boolean matchesInBackground(BulkReplay replay, Expression condition, RunRecord run) {
		try {
			return this.requests.matchesWithinCost(condition, run);
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Bulk replay " + replay.id() + " leaves run " + run.id() + " alone: " + ex.getMessage());
			return false;
		}
	}

	private @Nullable Expression validate(BulkReplayRequest request) {
		for (RunStatus status : request.statuses()) {
			if (!REPLAYABLE.contains(status)) {
				throw new IllegalArgumentException(
						"statuses holds " + status + "; a bulk replay replays FAILED or CANCELLED runs");
			}
		}
		return this.requests.validate(new BulkCancelRequest(request.name(), request.functionId(),
				request.startedAfter(), request.startedBefore(), request.condition()));
	}

	/** Thrown to roll back a batch that another instance processed first. */
	private static final class BatchTakenException extends RuntimeException {

		BatchTakenException() {
			super(null, null, false, false);
		}

	}

}
