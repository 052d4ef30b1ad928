package dev.durable.inngest.engine;

import dev.durable.inngest.RunStatus;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.StepOptions;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.WaitRecord;
import dev.durable.inngest.function.FunctionDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One execution of a run's function body: the {@link Step} and {@link RunContext} it is
 * given. Steps found among the stored ones are replayed; the first step that is not
 * executes and is stored. A step that must wait (a sleep, an event, a retry) stores the
 * run's suspension in the same transaction as its own state and unwinds the body with a
 * {@link Suspension}. The step semantics themselves are {@link StepReplay}'s, shared with
 * remote mode; this is their local driver, over the store.
 */
final class RunExecution implements Step, RunContext, StepReplay.Driver, RecordedSteps {

	/** The log of runs' outcomes, one category for the runs and their steps. */
	private static final Log logger = LogFactory.getLog(RunExecutor.class);

	/** What suspending a run writes besides the run, for a step stored before. */
	private static final Runnable NOTHING = () -> {
	};

	private final StepServices env;

	private final OutputWriter outputs;

	private final EventIngestor ingestor;

	private final RunRecord run;

	private final FunctionDefinition function;

	private final String lease;

	/**
	 * Whether a step body executed in this execution, so the lease is checked before the
	 * next.
	 */
	private boolean stepExecuted;

	private final Map<String, StepRecord> memo;

	/** The names given to steps whose keys are not their names, by key. */
	private final Map<String, String> names = new HashMap<>();

	/** What the next attempt of a step took outside this execution, by key. */
	private final Map<String, Duration> elsewhere = new HashMap<>();

	/** The attempt new steps of these keys begin at, when not 0. */
	private final Map<String, Integer> firstAttempts = new HashMap<>();

	private final RunCanceller canceller;

	private final RunOutcomes outcomes;

	private final Invocations invocations;

	private final @Nullable Instant finishBy;

	/**
	 * Times the function's own code on the worker's thread, which creates this execution.
	 */
	private final StepTimer timer = new StepTimer(Thread.currentThread());

	/**
	 * The step time-out the function's body overran outside its steps, or {@code null}.
	 */
	private @Nullable Duration functionOverran;

	/** The step semantics the body sees, which begin new steps here. */
	private final StepReplay steps;

	private boolean suspended;

	private volatile boolean stopped;

	/**
	 * When the lease expires, read as the step before was stored as the next one began
	 * (empty if it was no longer held), for that next step's check; {@code null} if not
	 * read.
	 */
	private @Nullable Optional<Instant> leaseRead;

	/**
	 * A step completed in this execution and not stored yet, and its record as it was
	 * read.
	 */
	private @Nullable StepRecord pending;

	private @Nullable StepRecord pendingStored;

	/**
	 * While {@link #awaitTogether} begins steps: the suspension each step that would
	 * suspend the run asked for instead, in order.
	 */
	private @Nullable List<Deferred> deferred;

	RunExecution(StepServices env, OutputWriter outputs, EventIngestor ingestor, RunCanceller canceller,
			RunOutcomes outcomes, Invocations invocations, RunRecord run, FunctionDefinition function, String lease,
			Map<String, StepRecord> memo, @Nullable Instant finishBy) {
		this.env = env;
		this.outputs = outputs;
		this.ingestor = ingestor;
		this.canceller = canceller;
		this.outcomes = outcomes;
		this.invocations = invocations;
		this.run = run;
		this.function = function;
		this.lease = lease;
		this.memo = memo;
		this.finishBy = finishBy;
		this.steps = new StepReplay(run.id(), function.id(), function.maxAttempts(), openingAttempt(run, memo),
				env.json(), this);
	}

	/**
	 * The attempt the body's code sees before its next step: when this execution retries
	 * a step that failed, that step's, as Inngest counts, so that the body can prepare
	 * the step's last attempt; otherwise the body's own.
	 */
	private static int openingAttempt(RunRecord run, Map<String, StepRecord> memo) {
		int retrying = -1;
		for (StepRecord step : memo.values()) {
			if (step.status() == StepStatus.RETRYING) {
				retrying = Math.max(retrying, step.attempts());
			}
		}
		return (retrying >= 0) ? retrying : run.attempt();
	}

	@Override
	public Collection<StepRecord> recordedSteps() {
		return List.copyOf(this.memo.values());
	}

	@Override
	public @Nullable StepRecord recordedStep(String key) {
		return this.memo.get(key);
	}

	@Override
	public void storeCompletedSteps() {
		entering();
	}

	@Override
	public void nameStep(String key, String name) {
		this.names.put(key, name);
	}

	@Override
	public void timeStep(String key, Duration duration) {
		this.elsewhere.put(key, duration);
	}

	@Override
	public void countAttemptsFrom(String key, int attempt) {
		this.firstAttempts.put(key, attempt);
	}

	@Override
	public int bodyAttemptSinceLastStep() {
		if (this.run.attempt() == 0) {
			return 0;
		}
		Instant lastEnded = this.memo.values()
			.stream()
			.filter((step) -> step.status() == StepStatus.COMPLETED || step.status() == StepStatus.FAILED)
			.map(StepRecord::endedAt)
			.filter(Objects::nonNull)
			.max(Comparator.naturalOrder())
			.orElse(null);
		if (lastEnded == null) {
			return this.run.attempt();
		}
		// A failure of the body ends its execution, so the failures that followed the
		// last ended step are those stored at or after its end.
		return (int) this.env.steps()
			.attempts(runId())
			.stream()
			.filter((attempt) -> attempt.stepKey() == null && !attempt.failedAt().isBefore(lastEnded))
			.count();
	}

	/**
	 * The name a new step is stored and shown by: the one given for its key, or its id.
	 */
	private String name(StepReplay.StepCall step) {
		return this.names.getOrDefault(step.key(), step.id());
	}

	String lease() {
		return this.lease;
	}

	/** The function body's attempt this execution began with, as stored with the run. */
	int bodyAttempt() {
		return this.run.attempt();
	}

	/**
	 * Stops this execution before its next step: the run was cancelled, or its lease
	 * lost.
	 */
	void stop() {
		this.stopped = true;
	}

	@Override
	public String runId() {
		return this.steps.runId();
	}

	@Override
	public String functionId() {
		return this.steps.functionId();
	}

	@Override
	public int attempt() {
		return this.steps.attempt();
	}

	@Override
	public int maxAttempts() {
		return this.steps.maxAttempts();
	}

	boolean isSuspended() {
		return this.suspended;
	}

	/**
	 * The function's body begins, or goes on after a step.
	 */
	void functionCodeBegins() {
		this.timer.start(null);
	}

	/**
	 * The function's body stops, to end or to enter a step: the worker's thread is
	 * interrupted no more, and the engine may use the database.
	 * @return the step time-out the body overran outside its steps in this execution, if
	 * it did, else {@code null}
	 */
	@Nullable Duration functionCodeEnds() {
		Duration overran = this.timer.stop();
		if (overran != null && this.functionOverran == null) {
			this.functionOverran = overran;
		}
		return this.functionOverran;
	}

	/**
	 * Interrupts the function's own code if it has run longer than the step time-out.
	 * @param now the time, from {@link System#nanoTime()}
	 * @param timeout the step time-out
	 * @return what was interrupted, for the log, or {@code null}
	 */
	@Nullable String interruptIfOverran(long now, Duration timeout) {
		if (!this.timer.interruptIfOverran(now, timeout)) {
			return null;
		}
		String stepId = this.timer.overranStep();
		return ((stepId != null) ? "Step '" + stepId + "'"
				: "Function '" + this.function.id() + "', outside its steps,") + " in run " + runId();
	}

	/**
	 * Interrupts the function's own code, if it runs: not the engine's work around it.
	 */
	void interruptFunctionCode() {
		this.timer.interrupt();
	}

	/** Enters a step from the function's body: fails the attempt if the body overran. */
	@Override
	public void stepBegins() {
		Duration overran = functionCodeEnds();
		if (overran != null) {
			throw StepTimeoutException.ofFunction(this.function.id(), overran, null);
		}
	}

	@Override
	public void run(String id, StepBody body) {
		this.steps.run(id, body);
	}

	@Override
	public <T> @Nullable T run(String id, Class<T> type, Callable<@Nullable T> body) {
		return this.steps.run(id, type, body);
	}

	@Override
	public <T> @Nullable T run(String id, ParameterizedTypeReference<T> type, Callable<@Nullable T> body) {
		return this.steps.run(id, type, body);
	}

	@Override
	public void run(String id, StepOptions options, StepBody body) {
		this.steps.run(id, options, body);
	}

	@Override
	public <T> @Nullable T run(String id, StepOptions options, Class<T> type, Callable<@Nullable T> body) {
		return this.steps.run(id, options, type, body);
	}

	@Override
	public <T> @Nullable T run(String id, StepOptions options, ParameterizedTypeReference<T> type,
			Callable<@Nullable T> body) {
		return this.steps.run(id, options, type, body);
	}

	@Override
	public void stepEnds() {
		functionCodeBegins();
	}

	@Override
	public StepReplay.@Nullable Memo memo(StepReplay.StepCall step, StepKind kind) {
		StepRecord stored = this.memo.get(step.key());
		if (stored == null) {
			return null;
		}
		if (stored.kind() != kind && stored.status() == StepStatus.COMPLETED) {
			throw reused(name(step), stored);
		}
		return switch (stored.status()) {
			case COMPLETED -> new StepReplay.Completed(stored.output());
			// Only run and send steps fail for good here; another kind of step stored as
			// failed was reused.
			case FAILED -> ((stored.kind() == StepKind.SEND) ? kind == StepKind.SEND : kind == StepKind.RUN)
					? new StepReplay.Failed(stored.error()) : null;
			default -> null;
		};
	}

	@Override
	public <T> @Nullable T newRun(StepReplay.StepCall step, StepOptions options, Type type,
			Callable<@Nullable T> body) {
		String id = name(step);
		String key = step.key();
		StepRecord stored = this.memo.get(key);
		if (stored != null && (stored.status() != StepStatus.RETRYING || stored.kind() != StepKind.RUN)) {
			throw reused(id, stored);
		}
		beforeNewStep();
		int stepAttempt = (stored != null) ? stored.attempts() : this.firstAttempts.getOrDefault(key, 0);
		Instant startedAt = (stored != null) ? stored.startedAt() : now();
		Object value = null;
		Throwable thrown = null;
		this.steps.setAttempt(stepAttempt);
		long bodyStart = System.nanoTime();
		this.timer.start(id);
		try {
			value = (this.env.interceptor() != null) ? intercepted(step, stepAttempt, type, body) : body.call();
		}
		catch (Throwable ex) {
			thrown = ex;
		}
		Duration overran = this.timer.stop();
		this.steps.setAttempt(this.run.attempt());
		Duration tookElsewhere = Objects.requireNonNullElse(this.elsewhere.remove(key), Duration.ZERO);
		if (thrown instanceof Suspension suspension) {
			throw suspension;
		}
		if (thrown != null) {
			// Whatever a body throws once interrupted for its time-out, it threw for the
			// time-out.
			Throwable failure = (overran != null) ? StepTimeoutException.ofStep(id, overran, thrown) : thrown;
			Errors.logIfFatal(failure, "Step '" + id + "' of run " + runId());
			throw stepFailed(id, key, StepKind.RUN, options, stored, stepAttempt, startedAt, failure,
					Duration.ofNanos(System.nanoTime() - bodyStart).plus(tookElsewhere));
		}
		String output;
		try {
			output = this.outputs.stepOutput(id, value);
		}
		catch (NonRetriableException ex) {
			throw stepFailed(id, key, StepKind.RUN, options, stored, stepAttempt, startedAt, ex,
					Duration.ofNanos(System.nanoTime() - bodyStart).plus(tookElsewhere));
		}
		// Stored when the next step begins or the run ends, with the run's completion if
		// it was the last step: until then, only the body's own code between steps runs.
		this.pendingStored = stored;
		this.pending = new StepRecord(runId(), key, id, StepKind.RUN, StepStatus.COMPLETED, stepAttempt + 1, output,
				null, null, startedAt, now());
		this.memo.put(key, this.pending);
		this.stepExecuted = true;
		this.outcomes.stepAttempted(this.run, this.function, id,
				Duration.ofNanos(System.nanoTime() - bodyStart).plus(tookElsewhere), RunOutcomes.StepOutcome.COMPLETED);
		return this.env.json().read(output, type);
	}

	private @Nullable Object intercepted(StepReplay.StepCall step, int stepAttempt, Type type, Callable<?> body)
			throws Exception {
		return this.env.interceptor()
			.intercept(new StepInterceptor.StepInvocation(runId(), this.function.id(), name(step), step.key(),
					stepAttempt, type), body);
	}

	/**
	 * Stores a failed attempt: returns the exception for the body when the step has
	 * failed for good, or suspends the run until its next attempt. The step's own
	 * options, if it has them, set its retries and back-off.
	 */
	private StepFailedException stepFailed(String id, String key, StepKind kind, StepOptions options,
			@Nullable StepRecord stored, int stepAttempt, Instant startedAt, Throwable ex, Duration duration) {
		ErrorInfo error = Errors.of(ex);
		Instant now = now();
		AttemptRecord failedAttempt = new AttemptRecord(runId(), key, stepAttempt, error, now);
		boolean exhausted = ex instanceof NonRetriableException
				|| stepAttempt >= StepReplay.retries(options, this.function.retries());
		if (exhausted) {
			StepRecord failed = new StepRecord(runId(), key, id, kind, StepStatus.FAILED, stepAttempt + 1, null, error,
					null, startedAt, now);
			this.env.transactions().executeWithoutResult((status) -> {
				this.env.steps().recordAttempt(failedAttempt);
				save(stored, failed);
			});
			this.outcomes.stepAttempted(this.run, this.function, id, duration, RunOutcomes.StepOutcome.FAILED);
			return new StepFailedException(id, error);
		}
		Instant retryAt = backoff(options).nextAttemptAt(stepAttempt, ex, now);
		StepRecord retrying = new StepRecord(runId(), key, id, kind, StepStatus.RETRYING, stepAttempt + 1, null, error,
				retryAt, startedAt, null);
		Suspension suspension = suspend(RunStatus.QUEUED, retryAt, () -> {
			this.env.steps().recordAttempt(failedAttempt);
			save(stored, retrying);
		});
		this.outcomes.stepAttempted(this.run, this.function, id, duration, RunOutcomes.StepOutcome.RETRYING);
		if (logger.isDebugEnabled()) {
			logger.debug("Run " + runId() + " of function '" + this.function.id() + "': step '" + Errors.logged(id)
					+ "' attempt " + (stepAttempt + 1) + " failed, retrying at " + retryAt + ": " + error.name() + ": "
					+ Errors.logged(error.message()));
		}
		throw suspension;
	}

	/** The step's own back-off, if its options set one, else the engine's. */
	private RetryBackoff backoff(StepOptions options) {
		return (options.backoffInitial() != null) ? RetryBackoff.ofStep(options) : this.env.backoff();
	}

	@Override
	public void sleep(String id, Duration duration) {
		this.steps.sleep(id, duration);
	}

	@Override
	public void sleepUntil(String id, Instant until) {
		this.steps.sleepUntil(id, until);
	}

	@Override
	public void newSleep(StepReplay.StepCall step, @Nullable Duration duration, @Nullable Instant until) {
		String id = name(step);
		sleepStep(step.key(), id, (duration != null) ? () -> now().plus(StepReplay.checkedSleep(id, duration)) : () -> {
			StepReplay.checkedSleep(id, Duration.between(now(), until));
			return until;
		});
	}

	private void sleepStep(String key, String id, Supplier<Instant> wakeAt) {
		StepRecord stored = this.memo.get(key);
		if (stored != null && stored.status() != StepStatus.SLEEPING) {
			throw reused(id, stored);
		}
		Instant now = now();
		Instant wake = (stored != null) ? stored.wakeAt() : wakeAt.get();
		if (!now.isBefore(wake)) {
			// Ended when it was due, however late the run resumed: steps awaited together
			// with it are ordered by when they ended, as the SDK replays them.
			Instant startedAt = (stored != null) ? stored.startedAt() : now;
			StepRecord done = new StepRecord(runId(), key, id, StepKind.SLEEP, StepStatus.COMPLETED, 1, null, null,
					wake, startedAt, wake.isBefore(startedAt) ? startedAt : wake);
			save(stored, done);
			return;
		}
		if (stored != null) {
			throw suspend(RunStatus.SLEEPING, wake, NOTHING);
		}
		StepRecord sleeping = new StepRecord(runId(), key, id, StepKind.SLEEP, StepStatus.SLEEPING, 1, null, null, wake,
				now, null);
		throw suspend(RunStatus.SLEEPING, wake, () -> save(null, sleeping));
	}

	@Override
	public Optional<Event> waitForEvent(String id, WaitForEvent wait) {
		return this.steps.waitForEvent(id, wait);
	}

	@Override
	public Optional<Event> newWait(StepReplay.StepCall step, WaitForEvent wait) {
		String id = name(step);
		String key = step.key();
		StepRecord stored = this.memo.get(key);
		if (stored != null && stored.status() != StepStatus.WAITING) {
			throw reused(id, stored);
		}
		if (stored != null) {
			StepRecord resolved = awaitOrTimeOut(stored, (now) -> stored.completed(null, 1, now));
			return Optional.ofNullable(this.env.json().readEvent(resolved.output()));
		}
		Instant now = now();
		StepReplay.checkWait(id, wait, (condition) -> this.env.expressions().get(condition));
		Instant expiresAt = now.plus(wait.timeout());
		String matchValue = (wait.match() != null) ? this.env.json().matchValue(this.run.event(), wait.match()) : null;
		StepRecord waiting = new StepRecord(runId(), key, id, StepKind.WAIT, StepStatus.WAITING, 1, null, null,
				expiresAt, now, null);
		WaitRecord record = new WaitRecord(runId(), key, WaitRecord.Kind.WAIT, wait.eventName(), wait.match(),
				matchValue, wait.condition(), expiresAt);
		throw suspend(RunStatus.WAITING, expiresAt, () -> {
			save(null, waiting);
			this.env.waits().insert(List.of(record));
		});
	}

	@Override
	public List<String> sendEvent(String id, Event... events) {
		return this.steps.sendEvent(id, events);
	}

	@Override
	public List<String> newSend(StepReplay.StepCall step, List<Event> events) {
		String id = name(step);
		String key = step.key();
		StepRecord stored = this.memo.get(key);
		if (stored != null && (stored.status() != StepStatus.RETRYING || stored.kind() != StepKind.SEND)) {
			throw reused(id, stored);
		}
		beforeNewStep();
		int stepAttempt = (stored != null) ? stored.attempts() : this.firstAttempts.getOrDefault(key, 0);
		Instant startedAt = (stored != null) ? stored.startedAt() : now();
		long sendStart = System.nanoTime();
		this.stepExecuted = true;
		try {
			List<String> ids = this.env.transactions().execute((status) -> {
				List<String> sent = this.ingestor.send(events);
				save(stored, new StepRecord(runId(), key, id, StepKind.SEND, StepStatus.COMPLETED, stepAttempt + 1,
						this.env.json().write(sent), null, null, startedAt, now()));
				return sent;
			});
			// Counted as its failed attempts are, so that a send step's failure ratio
			// holds.
			this.outcomes.stepAttempted(this.run, this.function, id, Duration.ofNanos(System.nanoTime() - sendStart),
					RunOutcomes.StepOutcome.COMPLETED);
			return ids;
		}
		catch (RuntimeException ex) {
			// Nothing was stored: the attempt failed as a run step's body would.
			throw stepFailed(id, key, StepKind.SEND, StepOptions.defaults(), stored, stepAttempt, startedAt,
					StepReplay.sendFailure(id, ex), Duration.ofNanos(System.nanoTime() - sendStart));
		}
	}

	@Override
	public void invoke(String key, FunctionInvocation invocation) {
		invokeStep(key, invocation);
	}

	@Override
	public void awaitInvoked(String key) {
		invokeStep(key, null);
	}

	/**
	 * Begins an invoke step, or goes on with one stored before: a new one starts the
	 * invoked run and suspends this one until that run ends (which resumes the step in
	 * its own transaction) or the timeout passes; one still waiting suspends the run
	 * again, or fails as timed out once its timeout passed; one that ended is left as it
	 * is.
	 */
	private void invokeStep(String key, @Nullable FunctionInvocation invocation) {
		stepBegins();
		try {
			entering();
			String id = this.names.getOrDefault(key, key);
			StepRecord stored = this.memo.get(key);
			if (stored != null) {
				if (stored.kind() != StepKind.INVOKE) {
					throw reused(id, stored);
				}
				if (stored.status() == StepStatus.WAITING) {
					invokeWaiting(stored);
				}
				return;
			}
			if (invocation == null) {
				throw new IllegalStateException("Step '" + id + "' of run " + runId() + " is not an invoke step");
			}
			newInvoke(key, id, invocation);
		}
		finally {
			stepEnds();
		}
	}

	private void newInvoke(String key, String id, FunctionInvocation invocation) {
		Instant now = now();
		FunctionDefinition target = this.invocations.find(invocation.functionId()).orElse(null);
		if (target == null) {
			// As Inngest does: the step fails, and the function's code may catch it.
			save(null,
					new StepRecord(runId(), key, id, StepKind.INVOKE, StepStatus.FAILED, 1, null,
							new ErrorInfo("Error", "could not find function with ID: " + invocation.functionId(), null),
							null, now, now));
			return;
		}
		Instant expiresAt = now.plus(invocation.timeout());
		String correlationId = runId() + "." + key;
		StepRecord waiting = new StepRecord(runId(), key, id, StepKind.INVOKE, StepStatus.WAITING, 1, null, null,
				expiresAt, now, null);
		WaitRecord wait = new WaitRecord(runId(), key, WaitRecord.Kind.INVOKE, Invocations.FINISHED, Invocations.MATCH,
				Invocations.matchValue(this.env.json(), correlationId), null, expiresAt);
		throw suspend(RunStatus.WAITING, expiresAt, () -> {
			save(null, waiting);
			this.env.waits().insert(List.of(wait));
			this.invocations.start(target, invocation, correlationId, expiresAt, this.run, this.function);
		});
	}

	private void invokeWaiting(StepRecord waiting) {
		awaitOrTimeOut(waiting, (now) -> new StepRecord(runId(), waiting.key(), waiting.stepId(), StepKind.INVOKE,
				StepStatus.FAILED, 1, null, Invocations.TIMED_OUT, waiting.wakeAt(), waiting.startedAt(), now));
	}

	/**
	 * Goes on with a step that waits (for an event or an invoked run): suspends the run
	 * again until its time-out, or, once that passed, ends the wait, unless what it
	 * waited for arrived first and resolved it: whoever removes the wait resolves it.
	 * @param waiting the step waiting
	 * @param timedOut the step as the time-out ends it at a time
	 * @return the step as stored, ended by the time-out or by what arrived
	 */
	private StepRecord awaitOrTimeOut(StepRecord waiting, Function<Instant, StepRecord> timedOut) {
		Instant now = now();
		if (now.isBefore(waiting.wakeAt())) {
			throw suspend(RunStatus.WAITING, waiting.wakeAt(), NOTHING);
		}
		StepRecord ended = timedOut.apply(now);
		StepRecord resolved = this.env.transactions().execute((status) -> {
			// The run first, as a cancellation takes it (RunStore.lock).
			this.env.runs().lock(runId());
			if (this.env.waits().delete(runId(), waiting.key())) {
				save(waiting, ended);
				return ended;
			}
			// What it waited for arrived while it timed out: it won.
			return this.env.steps()
				.findByRun(runId())
				.stream()
				.filter((step) -> step.key().equals(waiting.key()))
				.findFirst()
				.orElseThrow(() -> Suspension.leaseLost(runId()));
		});
		this.memo.put(resolved.key(), resolved);
		return resolved;
	}

	@Override
	public void entering() {
		// With nothing pending, a lease read is left only by storeCompletedSteps, made as
		// it stored the step before: this step's check uses it rather than read again.
		if (this.pending != null) {
			this.leaseRead = null;
			storePendingStep();
		}
		if (this.suspended || this.stopped) {
			throw Suspension.suspended(runId(), null);
		}
		if (overdue()) {
			this.canceller.cancel(this.run, RunTimeouts.finishExceeded(this.function));
			throw Suspension.suspended(runId(), null);
		}
	}

	/**
	 * Whether the run is past its finish deadline.
	 */
	boolean overdue() {
		return this.finishBy != null && !now().isBefore(this.finishBy);
	}

	/**
	 * Stores the step completed in this execution and not stored yet, if there is one.
	 * @throws Suspension if another instance took the run over and stored the step
	 */
	void storePendingStep() {
		StepRecord step = this.pending;
		if (step == null) {
			return;
		}
		this.pending = null;
		if (this.pendingStored != null) {
			save(this.pendingStored, step);
			return;
		}
		try {
			// Stored with a read of the lease, for the check before the next step.
			this.leaseRead = this.env.runs().storeStep(step, this.lease);
		}
		catch (DuplicateKeyException ex) {
			throw stepStoredElsewhere();
		}
		this.memo.put(step.key(), step);
		if (this.leaseRead.isEmpty()) {
			this.stopped = true;
		}
	}

	/**
	 * Takes the step completed in this execution and not stored yet, to be stored with
	 * the run's completion; a step stored before, for an earlier attempt, is stored here
	 * instead.
	 * @return the step to insert, or {@code null}
	 * @throws Suspension if another instance took the run over and stored the step
	 */
	@Nullable StepRecord takePendingNewStep() {
		if (this.pendingStored != null) {
			storePendingStep();
			return null;
		}
		StepRecord step = this.pending;
		this.pending = null;
		return step;
	}

	private void save(@Nullable StepRecord stored, StepRecord step) {
		try {
			if (stored == null) {
				this.env.steps().insert(step);
			}
			else if (!this.env.steps().update(step.resolution())) {
				throw Suspension.leaseLost(runId());
			}
		}
		catch (DuplicateKeyException ex) {
			throw stepStoredElsewhere();
		}
		this.memo.put(step.key(), step);
	}

	/**
	 * Another execution of the run stored the step first: the one that held the run
	 * before this one took it over. Outside a transaction, which the database may have
	 * failed, the run is queued again, due now, to be replayed with that step rather than
	 * wait for this execution's lease to expire.
	 * @return the suspension that ends this execution
	 */
	Suspension stepStoredElsewhere() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			this.env.runs().suspend(runId(), this.lease, RunStatus.QUEUED, now(), bodyAttempt());
		}
		return Suspension.leaseLost(runId());
	}

	/**
	 * Before a step body executes: stops if the run was cancelled here meanwhile, and, if
	 * an earlier step executed in this execution, if it was cancelled on another instance
	 * or its lease was taken over. The claim checked the lease for the first step. The
	 * check reads it, mostly with the step before as it is stored, and changes nothing:
	 * the engine renews the leases of executing runs every third of their duration, and a
	 * step renews its run's lease itself only when that renewal is late, with less than a
	 * third of the lease left.
	 */
	private void beforeNewStep() {
		if (this.stepExecuted) {
			checkLease();
		}
		// Read again last: a cancellation here that committed after the lease was read
		// stops this execution once committed, and no step begins after the cancellation
		// returned.
		if (this.stopped) {
			throw Suspension.suspended(runId(), null);
		}
	}

	private void checkLease() {
		Optional<Instant> heldUntil = (this.leaseRead != null) ? this.leaseRead
				: this.env.runs().leaseExpiry(runId(), this.lease);
		this.leaseRead = null;
		Instant now = now();
		boolean held = heldUntil.isPresent();
		if (held && Duration.between(now, heldUntil.get()).compareTo(this.env.leaseDuration().dividedBy(3)) < 0) {
			held = this.env.runs().renew(Map.of(runId(), this.lease), now.plus(this.env.leaseDuration())).isEmpty();
		}
		if (!held) {
			this.stopped = true;
			throw Suspension.suspended(runId(), null);
		}
	}

	private Suspension suspend(RunStatus status, Instant wakeAt, Runnable stepWrites) {
		if (this.deferred != null) {
			Deferred step = new Deferred(status, wakeAt, stepWrites, Suspension.suspended(runId(), wakeAt));
			this.deferred.add(step);
			return step.suspension();
		}
		Instant dueAt = RunTimeouts.dueBy(wakeAt, this.finishBy);
		this.env.transactions().executeWithoutResult((tx) -> {
			// The run before its step and wait, as a cancellation takes it
			// (RunStore.lock).
			if (!this.env.runs().suspend(runId(), this.lease, status, dueAt, this.run.attempt())) {
				throw Suspension.leaseLost(runId());
			}
			stepWrites.run();
		});
		this.suspended = true;
		return Suspension.suspended(runId(), dueAt);
	}

	@Override
	public boolean awaitTogether(List<Runnable> begin, Collection<String> awaited, boolean suspend) {
		List<Deferred> begun = new ArrayList<>();
		boolean ended = false;
		this.deferred = begun;
		try {
			for (Runnable step : begin) {
				int before = begun.size();
				try {
					step.run();
					ended = true;
				}
				catch (Suspension ex) {
					// Only the suspension the step asked for waits: a cancellation, a
					// lost lease or a time-out ends the execution.
					if (begun.size() == before || begun.get(begun.size() - 1).suspension() != ex) {
						throw ex;
					}
				}
			}
		}
		finally {
			this.deferred = null;
		}
		if (ended || !suspend) {
			if (begun.stream().anyMatch((step) -> step.writes() != NOTHING)) {
				this.env.transactions().executeWithoutResult((tx) -> {
					// The run first, as a cancellation takes it (RunStore.lock).
					this.env.runs().lock(runId());
					if (this.env.runs().leaseExpiry(runId(), this.lease).isEmpty()) {
						throw Suspension.leaseLost(runId());
					}
					begun.forEach((step) -> step.writes().run());
				});
			}
			return ended;
		}
		throw suspendOnFirst(begun, awaited);
	}

	/**
	 * Suspends the run until the first of the awaited steps ends, storing the steps just
	 * begun in the same transaction. A wait resolved while the run executed could not
	 * wake it, not waiting then: its wait is gone, and the run is due at once instead.
	 */
	private Suspension suspendOnFirst(List<Deferred> begun, Collection<String> awaited) {
		Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
		Instant wakeAt = null;
		Set<String> waiting = new HashSet<>();
		for (Deferred step : begun) {
			statuses.add(step.status());
			wakeAt = (wakeAt == null || step.wakeAt().isBefore(wakeAt)) ? step.wakeAt() : wakeAt;
		}
		for (String key : awaited) {
			StepRecord stored = this.memo.get(key);
			RunStatus status = (stored != null && stored.wakeAt() != null) ? awaitedAs(stored.status()) : null;
			if (status != null) {
				statuses.add(status);
				if (status == RunStatus.WAITING) {
					waiting.add(key);
				}
				wakeAt = (wakeAt == null || stored.wakeAt().isBefore(wakeAt)) ? stored.wakeAt() : wakeAt;
			}
		}
		if (wakeAt == null) {
			throw new IllegalStateException("Run " + runId() + " awaits steps " + awaited + ", none of which waits");
		}
		// Waiting for an event if one step does, so that the event wakes it; queued only
		// when every step awaits its retry.
		RunStatus suspendedAs = statuses.contains(RunStatus.WAITING) ? RunStatus.WAITING
				: statuses.contains(RunStatus.SLEEPING) ? RunStatus.SLEEPING : RunStatus.QUEUED;
		Instant dueAt = RunTimeouts.dueBy(wakeAt, this.finishBy);
		Instant due = this.env.transactions().execute((tx) -> {
			if (!this.env.runs().suspend(runId(), this.lease, suspendedAs, dueAt, this.run.attempt())) {
				throw Suspension.leaseLost(runId());
			}
			begun.forEach((step) -> step.writes().run());
			if (!waiting.isEmpty() && !this.env.waits().waitingSteps(runId()).containsAll(waiting)) {
				Instant now = now();
				this.env.runs().wake(runId(), now);
				return now;
			}
			return dueAt;
		});
		this.suspended = true;
		return Suspension.suspended(runId(), due);
	}

	/**
	 * The status a run awaiting a stored step is suspended with, or {@code null} if the
	 * step awaits nothing.
	 */
	private static @Nullable RunStatus awaitedAs(StepStatus status) {
		return switch (status) {
			case WAITING -> RunStatus.WAITING;
			case SLEEPING -> RunStatus.SLEEPING;
			case RETRYING -> RunStatus.QUEUED;
			default -> null;
		};
	}

	@Override
	public boolean leavesWaits() {
		return this.memo.values().stream().anyMatch((step) -> step.status() == StepStatus.WAITING);
	}

	private IllegalStateException reused(String id, StepRecord stored) {
		return new IllegalStateException("Step '" + id + "' of run " + runId() + " was stored as a " + stored.kind()
				+ " step (" + stored.status() + "); step ids must name the same kind of step on " + "every replay");
	}

	private Instant now() {
		return this.env.clock().instant();
	}

	/**
	 * A step begun by {@link #awaitTogether} that would have suspended the run.
	 *
	 * @param status the status it would have suspended the run with
	 * @param wakeAt when it ends unless what it waits for comes first
	 * @param writes what stores it
	 * @param suspension the suspension the step threw
	 */
	private record Deferred(RunStatus status, Instant wakeAt, Runnable writes, Suspension suspension) {

	}

}
