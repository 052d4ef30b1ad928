package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.NoMatchingRunsException;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.InvalidBulkRequestException.Field;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.function.Expression;
import dev.durable.inngest.function.FunctionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Bulk cancellations: recorded, named operations that cancel the runs of one function
 * created in a time range (and, optionally, whose trigger matches a CEL condition), a
 * batch at a time in the background, with their progress stored. A stopped cancellation
 * cancels no more runs; the ones it cancelled stay cancelled. New runs go on starting
 * meanwhile.
 */
public final class BulkCancellations {

	private static final Log logger = LogFactory.getLog(BulkCancellations.class);

	private static final int BATCH = 100;

	private static final int ROUNDS = 10;

	private final RunStore runs;

	private final Clock clock;

	private final Ids ids;

	private final ExpressionCache expressions;

	private final CancellationStore store;

	private final Supplier<FunctionRegistry> registry;

	/**
	 * The earliest time of a range: run ids begin with their creation time since the
	 * epoch.
	 */
	private static final Instant EARLIEST = Instant.EPOCH;

	/** The latest time of a range, the last that both databases store. */
	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

	private final RunCanceller canceller;

	private final InputLimits limits;

	private final CountBudget budget;

	/**
	 * Creates the bulk cancellations.
	 * @param runs the run store
	 * @param clock the clock
	 * @param ids makes ids
	 * @param expressions compiles CEL conditions given at run time
	 * @param store stores the cancellations
	 * @param registry the functions
	 * @param canceller cancels each run
	 * @param limits the longest condition and the most it may cost to evaluate on one run
	 * @param budget the most a count of the matching runs may take
	 */
	public BulkCancellations(RunStore runs, Clock clock, Ids ids, ExpressionCache expressions, CancellationStore store,
			Supplier<FunctionRegistry> registry, RunCanceller canceller, InputLimits limits, CountBudget budget) {
		this.runs = runs;
		this.clock = clock;
		this.ids = ids;
		this.expressions = expressions;
		this.store = store;
		this.registry = registry;
		this.canceller = canceller;
		this.limits = limits;
		this.budget = budget;
	}

	/**
	 * How many runs that have not ended a request matches now, counted within the budget:
	 * a count that runs out of time or runs to look at, or whose thread is interrupted,
	 * stops there and says its number is a lower bound.
	 * @param request the request
	 * @return the number of runs, and whether it is exact
	 * @throws IllegalArgumentException if the request is invalid
	 */
	public MatchCount countMatching(BulkCancelRequest request) {
		return count(request, validate(request));
	}

	private MatchCount count(BulkCancelRequest request, @Nullable Expression condition) {
		long started = System.nanoTime();
		long count = 0;
		long scanned = 0;
		String afterId = null;
		List<RunRecord> batch;
		do {
			if (outOfBudget(started, scanned)) {
				return new MatchCount(count, false);
			}
			batch = this.runs.findUnended(request.functionId(), request.startedAfter(), request.startedBefore(),
					afterId, BATCH);
			for (RunRecord run : batch) {
				// Checked before each run, as a costly condition on a large batch takes a
				// while.
				if (outOfBudget(started, scanned)) {
					return new MatchCount(count, false);
				}
				if (matchesWithinCost(condition, run)) {
					count++;
				}
				scanned++;
				afterId = run.id();
			}
		}
		while (batch.size() == BATCH);
		return new MatchCount(count, true);
	}

	/**
	 * Whether a scan of runs that began at {@code started} (its
	 * {@link System#nanoTime()}) and has looked at {@code scanned} runs has reached the
	 * count budget.
	 */
	boolean outOfBudget(long started, long scanned) {
		return Thread.currentThread().isInterrupted() || System.nanoTime() - started >= this.budget.timeoutNanos()
				|| (this.budget.maxScanned() != null && scanned >= this.budget.maxScanned());
	}

	/**
	 * Records a cancellation, to be processed in the background. The runs are counted
	 * within the budget first, so a cancellation of many runs starts without waiting for
	 * all of them to be counted: its {@code matched} is then a lower bound, raised as it
	 * cancels more. A {@code startedBefore} in the future is taken as now.
	 * @param request the request
	 * @return the recorded cancellation
	 * @throws IllegalArgumentException if the request is invalid
	 * @throws NoMatchingRunsException if, counted to the end, it matches no run that has
	 * not ended
	 */
	public BulkCancellation start(BulkCancelRequest request) {
		Expression condition = validate(request);
		Instant now = this.clock.instant();
		if (request.startedBefore().isAfter(now)) {
			// Runs created once the cancellation has started are not its to cancel; the
			// range ending now must still begin before its end.
			request = new BulkCancelRequest(request.name(), request.functionId(), request.startedAfter(), now,
					request.condition());
			condition = validate(request);
		}
		MatchCount matched = count(request, condition);
		if (matched.matching() == 0 && matched.complete()) {
			throw new NoMatchingRunsException("No run of function '" + request.functionId() + "' created between "
					+ request.startedAfter() + " and " + request.startedBefore()
					+ ((request.condition() != null) ? " for which '" + request.condition() + "' holds" : "")
					+ " is still to end; nothing to cancel");
		}
		String name = StringUtils.hasText(request.name()) ? request.name() : "Cancel " + request.functionId() + " runs";
		BulkCancellation cancellation = new BulkCancellation(this.ids.next(), name, request.functionId(),
				request.startedAfter(), request.startedBefore(), blankToNull(request.condition()),
				BulkCancellation.State.RUNNING, matched.matching(), 0, now, now);
		this.store.insert(cancellation);
		return cancellation;
	}

	/**
	 * Stops a running cancellation.
	 * @param id the cancellation id
	 * @return the cancellation
	 * @throws NoSuchElementException if there is no such cancellation
	 */
	public BulkCancellation stop(String id) {
		this.store.stop(id, this.clock.instant());
		return this.store.find(id).orElseThrow(() -> new NoSuchElementException("No bulk cancellation " + id));
	}

	/**
	 * Processes a few batches of every running cancellation; the state is read again
	 * before each batch, so a stopped cancellation stops within a batch.
	 * @return how many runs were cancelled
	 */
	public int process() {
		int total = 0;
		for (int round = 0; round < ROUNDS; round++) {
			List<BulkCancellation> running = this.store.findRunning();
			if (running.isEmpty()) {
				break;
			}
			for (BulkCancellation cancellation : running) {
				total += processBatch(cancellation);
			}
		}
		return total;
	}

	private int processBatch(BulkCancellation cancellation) {
		Expression condition = (cancellation.condition() != null) ? this.expressions.get(cancellation.condition())
				: null;
		List<RunRecord> batch = this.runs.findUnended(cancellation.functionId(), cancellation.startedAfter(),
				cancellation.startedBefore(), this.store.lastRunId(cancellation.id()), BATCH);
		int cancelled = 0;
		String lastRunId = null;
		RunView.Cancellation reason = new RunView.Cancellation("bulk-cancellation",
				"Cancelled by bulk cancellation '" + cancellation.name() + "' (" + cancellation.id() + ")");
		for (RunRecord run : batch) {
			if (matchesInBackground(cancellation, condition, run)
					&& this.canceller.cancel(run, reason, cancellation.id())) {
				cancelled++;
			}
			lastRunId = run.id();
		}
		boolean completed = batch.size() < BATCH;
		this.store.progress(cancellation.id(), cancelled, lastRunId, completed, this.clock.instant());
		if (completed && logger.isInfoEnabled()) {
			logger.info("Bulk cancellation '" + Errors.logged(cancellation.name()) + "' (" + cancellation.id()
					+ ") completed");
		}
		return cancelled;
	}

	@Nullable Expression validate(BulkCancelRequest request) {
		if (!StringUtils.hasText(request.functionId())) {
			throw invalid((name) -> name.apply(Field.FUNCTION_ID) + " is required", null);
		}
		if (this.registry.get().find(request.functionId()).isEmpty()) {
			throw new IllegalArgumentException(
					"No function '" + Errors.abbreviate(request.functionId()) + "' is declared; known functions are "
							+ this.registry.get().all().stream().map((f) -> f.id()).toList());
		}
		if (request.name() != null && request.name().length() > InputLimits.CANCELLATION_NAME_COLUMN) {
			throw new IllegalArgumentException("name has " + request.name().length()
					+ " characters; the longest allowed is " + InputLimits.CANCELLATION_NAME_COLUMN);
		}
		if (request.startedAfter() == null || request.startedBefore() == null) {
			throw invalid((name) -> name.apply(Field.STARTED_AFTER) + " and " + name.apply(Field.STARTED_BEFORE)
					+ " are required", null);
		}
		inRange(Field.STARTED_AFTER, request.startedAfter());
		inRange(Field.STARTED_BEFORE, request.startedBefore());
		if (!request.startedAfter().isBefore(request.startedBefore())) {
			throw invalid((name) -> name.apply(Field.STARTED_AFTER) + " (" + request.startedAfter()
					+ ") must be before " + name.apply(Field.STARTED_BEFORE) + " (" + request.startedBefore() + ")",
					null);
		}
		return condition(request.condition());
	}

	/**
	 * Compiles a condition over a run's trigger event, as a bulk request or a search of
	 * runs gives it.
	 * @param condition the CEL source, or {@code null} or blank for none
	 * @return the expression, or {@code null} for none
	 * @throws InvalidBulkRequestException if it is too long or does not compile
	 */
	@Nullable Expression condition(@Nullable String condition) {
		String source = blankToNull(condition);
		if (source == null) {
			return null;
		}
		if (source.length() > this.limits.expressionLength()) {
			throw invalid((name) -> name.apply(Field.CONDITION) + ": the condition has " + source.length()
					+ " characters; the longest allowed is " + this.limits.expressionLength()
					+ " (inngest.limits.expression-length)", null);
		}
		try {
			return this.expressions.get(source);
		}
		catch (IllegalArgumentException ex) {
			throw invalid((name) -> name.apply(Field.CONDITION) + ": " + ex.getMessage(), ex);
		}
	}

	private static void inRange(Field field, Instant time) {
		if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
			throw invalid((name) -> name.apply(field) + " (" + time + ") is out of range; it must be between "
					+ EARLIEST + " and " + LATEST, null);
		}
	}

	private static InvalidBulkRequestException invalid(Function<Function<Field, String>, String> message,
			@Nullable Throwable cause) {
		return new InvalidBulkRequestException(message, cause);
	}

	boolean matchesWithinCost(Expression condition, RunRecord run) {
		try {
			return condition == null
					|| condition.matches(Expression.toMap(run.event()), Map.of(), this.limits.expressionCost());
		}
		catch (Expression.CostExceededException ex) {
			throw invalid((name) -> name.apply(Field.CONDITION) + ": " + ex.getMessage() + " on run " + run.id()
					+ "; the most allowed on one run is " + this.limits.expressionCost()
					+ " (inngest.limits.expression-cost)", ex);
		}
	}

	/**
	 * Whether a run matches in the background, where a condition too costly on a run that
	 * came after the request was checked leaves that run alone.
	 */
	private boolean matchesInBackground(BulkCancellation cancellation, Expression condition, RunRecord run) {
		try {
			return matchesWithinCost(condition, run);
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Bulk cancellation " + cancellation.id() + " leaves run " + run.id() + " alone: "
					+ ex.getMessage());
			return false;
		}
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	/**
	 * The most a count of the runs a request matches may take, before it answers with
	 * what it counted so far.
	 *
	 * @param timeout the longest a count may take
	 * @param maxScanned the most runs it may look at, or {@code null} for no limit but
	 * the time
	 */
	public record CountBudget(Duration timeout, @Nullable Long maxScanned) {

		/** A few seconds and no limit on the runs. */
		public static final CountBudget DEFAULTS = new CountBudget(Duration.ofSeconds(5), null);

		/**
		 * Checks the budget.
		 */
		public CountBudget {
			if (timeout == null || timeout.isZero() || timeout.isNegative()) {
				throw new IllegalArgumentException("The count's time-out must be positive, but was " + timeout);
			}
			if (maxScanned != null) {
				PropertyChecks.atLeastOne("inngest.limits.bulk-count-scanned", maxScanned);
			}
		}

		long timeoutNanos() {
			try {
				return this.timeout.toNanos();
			}
			catch (ArithmeticException ex) {
				return Long.MAX_VALUE;
			}
		}

	}

}
