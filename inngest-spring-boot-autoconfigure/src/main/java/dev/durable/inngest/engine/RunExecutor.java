package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.RunStore.Completion;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.function.Invocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Executes due runs, one service for all the workers: claims a run's lease, replays the
 * function body over the stored steps and stores where the run ends up: completed,
 * failed, or suspended until it is due again. Each execution of one run's body is a
 * {@link RunExecution}; the runs leased to this instance, executing or held, are kept by
 * {@link LeasedRuns}.
 */
public final class RunExecutor {

	private static final Log logger = LogFactory.getLog(RunExecutor.class);

	private final RunStore runs;

	private final StepStore steps;

	private final WaitStore waits;

	private final TransactionOperations transactions;

	private final Clock clock;

	private final JsonCodec json;

	private final RetryBackoff backoff;

	private final Duration leaseDuration;

	private final RunSignals signals;

	private final Supplier<FunctionRegistry> registry;

	private final EventIngestor ingestor;

	private final RunEndEvents endEvents;

	private final RunOutcomes outcomes;

	private final RunCanceller canceller;

	private final LeasedRuns executing;

	private final RunCompletions completions;

	private final OutputWriter outputs;

	/** What the executions this executor creates use in their steps. */
	private final StepServices stepServices;

	/** Starts the runs that steps invoke. */
	private final Invocations invocations;

	/** Cancels the runs still queued past their start timeout, at each poll. */
	private final PassedTimeouts passedTimeouts;

	/**
	 * Creates an executor.
	 * @param runs the run store
	 * @param steps the step store
	 * @param waits the wait store
	 * @param transactions runs work in one transaction
	 * @param clock the clock
	 * @param json the JSON codec
	 * @param backoff the retry back-off
	 * @param expressions compiles CEL conditions given at run time
	 * @param leaseDuration how long a claimed run stays leased unless renewed
	 * @param signals tells the other instances of runs made due or cancelled
	 * @param registry the functions
	 * @param ingestor takes in the events that steps send
	 * @param endEvents emits the events of runs that failed
	 * @param outcomes told of runs that failed
	 * @param canceller cancels runs whose timeouts passed
	 * @param executing the runs executing here
	 * @param commits commits the completions of runs that end at the same time together,
	 * in one transaction with the engine's other writes, or {@code null} to commit each
	 * alone
	 * @param outputs writes steps' results and functions' return values, within their
	 * limit
	 * @param interceptor consulted before each run step's body executes, or {@code null}
	 * for none
	 */
	public RunExecutor(RunStore runs, StepStore steps, WaitStore waits, TransactionOperations transactions, Clock clock,
			JsonCodec json, RetryBackoff backoff, ExpressionCache expressions, Duration leaseDuration,
			RunSignals signals, Supplier<FunctionRegistry> registry, EventIngestor ingestor, RunEndEvents endEvents,
			RunOutcomes outcomes, RunCanceller canceller, LeasedRuns executing, @Nullable SharedCommits commits,
			OutputWriter outputs, @Nullable StepInterceptor interceptor) {
		this.runs = runs;
		this.steps = steps;
		this.waits = waits;
		this.transactions = transactions;
		this.clock = clock;
		this.json = json;
		this.backoff = backoff;
		this.leaseDuration = leaseDuration;
		this.signals = signals;
		this.registry = registry;
		this.ingestor = ingestor;
		this.endEvents = endEvents;
		this.outcomes = outcomes;
		this.canceller = canceller;
		this.executing = executing;
		this.completions = new RunCompletions(runs, commits);
		this.stepServices = new StepServices(runs, steps, waits, transactions, clock, json, backoff, expressions,
				leaseDuration, interceptor);
		this.outputs = outputs;
		this.invocations = new Invocations(registry, endEvents, ingestor);
		this.passedTimeouts = new PassedTimeouts(runs, canceller, registry, clock);
	}

	/**
	 * Whether the completions of runs that end at the same time are committed together.
	 * @return {@code true} if they are, {@code false} if each is committed alone
	 */
	public boolean commitsTogether() {
		return this.completions.together();
	}

	/**
	 * Cancels the runs of this application's functions still queued past their start
	 * timeout, whether or not a worker is free to claim them, and those executing past
	 * their finish timeout, whatever step is running: a batch of each timeout's.
	 * @return how many runs were cancelled
	 */
	int cancelPastTimeouts() {
		return this.passedTimeouts.cancelPastStart() + this.passedTimeouts.cancelPastFinish();
	}

	/**
	 * The ids of the functions this application declares, whose runs it executes.
	 * @return the function ids
	 */
	public List<String> functionIds() {
		return this.registry.get().all().stream().map(FunctionDefinition::id).toList();
	}

	/**
	 * A run claimed by this instance, or created leased to it, ready to execute.
	 *
	 * @param run the run, as claimed or created
	 * @param lease the lease token
	 * @param firstExecution whether this claim started the run, so that it has no stored
	 * steps
	 */
	public record Claim(RunRecord run, String lease, boolean firstExecution) {

	}

	/**
	 * Claims those of the runs that are due and that no other worker holds, in one go.
	 * @param runIds the run ids
	 * @return the claims, to execute each with {@link #execute(Claim)}
	 */
	public List<Claim> claim(List<String> runIds) {
		String lease = this.executing.newLease();
		// Microseconds, as the database stores them, so that a run's start reads back
		// equal.
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		List<Claim> claims = new ArrayList<>(runIds.size());
		for (RunRecord run : this.runs.claim(runIds, lease, now, now.plus(this.leaseDuration))) {
			// Started by this claim: it has executed no step yet, so there are none to
			// read.
			claims.add(new Claim(run, lease, now.equals(run.startedAt())));
		}
		this.executing.starting(claims.stream().map((claim) -> claim.run().id()).toList());
		return claims;
	}

	/**
	 * Gives back runs leased to this instance that no worker here executes: runs created
	 * leased that no worker here started, taken with
	 * {@link LeasedRuns#takeHeldCreatedBy(Instant)}, or runs taken for workers that
	 * refused them as they shut down. Each still held under its lease is queued again,
	 * due at once, for any instance, which the other instances are told of: a run this
	 * claim or hold would have started as never started, a run started before (a retry, a
	 * resumed sleep or wait, a run taken over) as started, with its attempt.
	 * @param held their claims
	 * @return the ids of the runs given back; not those whose lease was no longer held
	 */
	public Set<String> giveBack(Collection<Claim> held) {
		if (held.isEmpty()) {
			return Set.of();
		}
		return this.transactions.execute((status) -> {
			Set<String> givenBack = requeue(held);
			if (!givenBack.isEmpty()) {
				this.signals.due(givenBack);
			}
			return givenBack;
		});
	}

	/**
	 * Gives back the runs still executing here, which a stop abandons: each is stopped
	 * before its next step and, if still held under its lease, queued again, due at once,
	 * so that the next start, or another instance, resumes it from its stored steps
	 * without waiting for its lease to expire. The step it is in may still finish here,
	 * and run again there.
	 * @return the ids of the runs given back
	 */
	public Set<String> giveBackExecuting() {
		List<RunExecution> executions = this.executing.executions();
		if (executions.isEmpty()) {
			return Set.of();
		}
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		return this.transactions.execute((status) -> {
			Set<String> givenBack = new HashSet<>();
			for (RunExecution execution : executions) {
				execution.stop();
				if (this.runs.suspend(execution.runId(), execution.lease(), RunStatus.QUEUED, now,
						execution.bodyAttempt())) {
					givenBack.add(execution.runId());
				}
			}
			if (!givenBack.isEmpty()) {
				this.signals.due(givenBack);
			}
			return givenBack;
		});
	}

	/**
	 * Queues runs held under their leases again, due at once: a run its claim or hold
	 * would have started as never started, a run started before as started, with its
	 * attempt.
	 * @return the ids of the runs queued; not those whose lease was no longer held
	 */
	private Set<String> requeue(Collection<Claim> held) {
		Map<String, String> neverStarted = new HashMap<>();
		List<Claim> started = new ArrayList<>();
		for (Claim claim : held) {
			if (claim.firstExecution()) {
				neverStarted.put(claim.run().id(), claim.lease());
			}
			else {
				started.add(claim);
			}
		}
		// In the order of their ids, as the batches that update several runs lock them.
		started.sort(Comparator.comparing((claim) -> claim.run().id()));
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		Set<String> queued = new HashSet<>(this.runs.giveBack(neverStarted, now));
		for (Claim claim : started) {
			if (this.runs.suspend(claim.run().id(), claim.lease(), RunStatus.QUEUED, now, claim.run().attempt())) {
				queued.add(claim.run().id());
			}
		}
		return queued;
	}

	/**
	 * Executes a claimed run.
	 * @param claim the claim
	 * @return when the run is due again if it was suspended, or empty
	 */
	public Optional<Instant> execute(Claim claim) {
		return execute(claim.run(), claim.lease(), claim.firstExecution());
	}

	private Optional<Instant> execute(RunRecord run, String lease, boolean firstExecution) {
		FunctionDefinition function = this.registry.get().find(run.functionId()).orElse(null);
		if (function == null) {
			// Offered by another instance that declares the function: given back due, for
			// it or another that does. This instance does not poll for such runs
			// (UndeclaredFunctionRuns).
			if (logger.isDebugEnabled()) {
				logger.debug("Run " + run.id() + " is of function '" + run.functionId() + "', which this "
						+ "application does not declare; it stays queued for an instance that does");
			}
			this.executing.notStarted(run.id());
			// If this claim started it, queued again as never started, so that its start
			// timeout counts to the claim of an instance that runs it, and the polls of
			// those instances find it queued past it. The others are not told of it.
			requeue(List.of(new Claim(run, lease, firstExecution)));
			return Optional.empty();
		}
		RunView.Cancellation timedOut = RunTimeouts.check(run, function, this.clock.instant());
		if (timedOut != null) {
			this.executing.notStarted(run.id());
			this.canceller.cancel(run, timedOut);
			return Optional.empty();
		}
		RunExecution execution;
		try {
			Map<String, StepRecord> memo = new HashMap<>();
			if (!firstExecution) {
				for (StepRecord step : this.steps.findByRun(run.id())) {
					memo.put(step.key(), step);
				}
			}
			execution = new RunExecution(this.stepServices, this.outputs, this.ingestor, this.canceller, this.outcomes,
					this.invocations, run, function, lease, memo, RunTimeouts.finishBy(run, function));
		}
		catch (RuntimeException | Error ex) {
			// Its steps unreadable, say: no execution begins, and none would forget the
			// run as starting.
			this.executing.notStarted(run.id());
			throw ex;
		}
		this.executing.started(execution);
		try {
			// Counted as its first execution begins, not when it is claimed or taken: a
			// claim given back unexecuted starts it again elsewhere, and would count
			// twice.
			if (firstExecution) {
				this.outcomes.started(run);
			}
			return execute(run, lease, function, execution);
		}
		finally {
			this.executing.ended(execution);
		}
	}

	private Optional<Instant> execute(RunRecord run, String lease, FunctionDefinition function,
			RunExecution execution) {
		Object output = null;
		Throwable thrown = null;
		execution.functionCodeBegins();
		try {
			FailureContext failure = function.handledRun(run.event());
			output = function.invoker()
				.invoke(new Invocation(run.event(), execution, execution, failure, this.json.mapper()));
		}
		catch (Throwable ex) {
			thrown = ex;
		}
		Duration overran = execution.functionCodeEnds();
		if (thrown instanceof Suspension suspension) {
			return Optional.ofNullable(suspension.dueAt());
		}
		if (!execution.isSuspended() && execution.overdue()) {
			return cancelOverdue(run, function, execution);
		}
		if (thrown != null) {
			// Whatever the body throws once interrupted for its time-out, it threw for
			// the time-out.
			Throwable failure = (overran != null && !(thrown instanceof StepTimeoutException))
					? StepTimeoutException.ofFunction(function.id(), overran, thrown) : thrown;
			Errors.logIfFatal(failure, "Function '" + function.id() + "' in run " + run.id());
			return bodyFailed(run, lease, function, failure, execution);
		}
		if (execution.isSuspended()) {
			logger.warn("Run " + run.id() + " of function '" + function.id() + "' returned after it was suspended: "
					+ "does it catch Throwable around its steps?");
			return Optional.empty();
		}
		String json;
		try {
			json = this.outputs.runOutput(function.id(), output);
		}
		catch (NonRetriableException ex) {
			return bodyFailed(run, lease, function, ex, execution);
		}
		Instant endedAt = this.clock.instant();
		if (!complete(run, function, lease, json, endedAt, execution)) {
			logger.info("Run " + run.id() + " finished after its lease was lost; its result was not stored");
		}
		else {
			forgetWaits(function, run, execution);
			this.outcomes.completed(run, endedAt);
			if (logger.isDebugEnabled()) {
				logger.debug("Run " + run.id() + " of function '" + function.id() + "' completed");
			}
		}
		return Optional.empty();
	}

	/**
	 * Cancels a run whose body ended past its finish deadline, in a step that began
	 * before it: as a cancellation during that step would, it keeps the step's result and
	 * not the body's.
	 */
	private Optional<Instant> cancelOverdue(RunRecord run, FunctionDefinition function, RunExecution execution) {
		try {
			execution.storePendingStep();
		}
		catch (Suspension lost) {
			return Optional.empty();
		}
		this.canceller.cancel(run, RunTimeouts.finishExceeded(function));
		return Optional.empty();
	}

	private boolean complete(RunRecord run, FunctionDefinition function, String lease, String output, Instant endedAt,
			RunExecution execution) {
		try {
			Completion completion = new Completion(run.id(), lease, output, endedAt, execution.takePendingNewStep());
			if (!RunEndEvents.emitsAtCompletion(run)) {
				return this.completions.complete(completion);
			}
			// An invoked run resumes the step that invoked it in the transaction that
			// completes it, so that the step is resumed exactly when the run completed.
			return Boolean.TRUE.equals(this.transactions.execute((status) -> {
				if (!this.runs.complete(completion)) {
					return false;
				}
				this.endEvents.completed(run, function, this.json.read(output, Object.class), this.canceller::cancel);
				return true;
			}));
		}
		catch (Suspension ex) {
			return false;
		}
		catch (DuplicateKeyException ex) {
			// Taken over from another instance, which stored the step first.
			execution.stepStoredElsewhere();
			return false;
		}
	}

	/**
	 * Removes an ended run's cancellation rules, and the waits it may leave: a step
	 * awaited together with another that ended first.
	 */
	private void forgetWaits(FunctionDefinition function, RunRecord run, RunExecution execution) {
		if (!function.cancelOn().isEmpty() || execution.leavesWaits()) {
			this.waits.deleteByRun(run.id());
		}
	}

	private Optional<Instant> bodyFailed(RunRecord run, String lease, FunctionDefinition function, Throwable ex,
			RunExecution execution) {
		try {
			execution.storePendingStep();
		}
		catch (Suspension lost) {
			return Optional.empty();
		}
		ErrorInfo error = Errors.of(ex);
		Instant now = this.clock.instant();
		int budgetAttempt = budgetAttempt(run, function, execution);
		boolean fatal = ex instanceof NonRetriableException || ex instanceof StepFailedException
				|| ex instanceof InvalidStepException || budgetAttempt >= function.retries();
		Instant retryAt = fatal ? null : RunTimeouts.dueBy(this.backoff.nextAttemptAt(budgetAttempt, ex, now),
				RunTimeouts.finishBy(run, function));
		boolean stored = Boolean.TRUE.equals(this.transactions.execute((status) -> {
			this.steps.recordAttempt(new AttemptRecord(run.id(), null, run.attempt(), error, now));
			boolean held = fatal ? this.runs.fail(run.id(), lease, error, now)
					: this.runs.suspend(run.id(), lease, RunStatus.QUEUED, retryAt, run.attempt() + 1);
			if (!held) {
				status.setRollbackOnly();
				return false;
			}
			if (fatal) {
				forgetWaits(function, run, execution);
				this.endEvents.failed(run, function, error, this.canceller::cancel);
				this.outcomes.failed(run, function, error);
			}
			return true;
		}));
		if (!stored) {
			logger.info("Run " + run.id() + " failed after its lease was lost; the failure was not stored");
			return Optional.empty();
		}
		if (fatal) {
			logger.warn("Run " + run.id() + " of function '" + function.id() + "' failed: " + error.name() + ": "
					+ Errors.logged(error.message()));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Run " + run.id() + " of function '" + function.id() + "' attempt " + budgetAttempt
					+ " failed, retrying at " + retryAt + ": " + error.name() + ": " + Errors.logged(error.message()));
		}
		return Optional.ofNullable(retryAt);
	}

	/**
	 * The attempt of the body that failed, as its retries and back-off count it. A Java
	 * function's body has one budget for the whole run, the run's attempt. A served
	 * function's has one per discovery, as on the Inngest server, where each call after a
	 * step ended starts again at attempt 0: its failures since the last step ended,
	 * derived from the stored steps and attempts so that it survives a crash and holds on
	 * every instance. The run's attempt still counts every failure, which numbers the
	 * stored attempts.
	 */
	private int budgetAttempt(RunRecord run, FunctionDefinition function, RunExecution execution) {
		return function.isServed() ? execution.bodyAttemptSinceLastStep() : run.attempt();
	}

}
