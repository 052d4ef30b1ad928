package dev.durable.inngest.executor;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.engine.FunctionInvocation;
import dev.durable.inngest.engine.RecordedSteps;
import dev.durable.inngest.engine.ReportedError;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.function.Invocation;
import dev.durable.inngest.executor.FunctionCalls.Answer;
import dev.durable.inngest.executor.FunctionCalls.AnswerTooLargeException;
import dev.durable.inngest.executor.FunctionCalls.ServedCallException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of a function that another app serves: one execution of it is a loop of call
 * requests to the app, each carrying the run's steps as the engine has stored them,
 * memoized by the SDK's hashed step ids, and each answer acted on through the engine's
 * own {@link Step}. A step the app executed is recorded as a run step with the value the
 * app returned, a step error is retried as a Java step's would be, and a sleep or a wait
 * suspends the run exactly as a Java function's does, so that leases, crash recovery,
 * cancellation, time-outs and metrics apply unchanged. An invoke suspends it the same
 * way, until the run it starts ends ({@link RecordedSteps#invoke}). Several reported at
 * once, as for a {@code Promise.all} or a {@code Promise.race}, wait together, and the
 * run goes on once the first ends ({@link RecordedSteps#awaitTogether}). Steps planned
 * together are executed at once, each in a call of its own, and those that fail are
 * retried each at its own time, the failure counted against its own retries.
 */
public final class ServedFunctionBody {

	/** The step id of a call that discovers the next step rather than executes one. */
	static final String DISCOVERY = "step";

	/** The most calls one execution makes, against an app that never ends the run. */
	static final int MAX_CALLS = 1000;

	/**
	 * The most steps planned together that are called at once; the app plans the others
	 * again in the next discovery.
	 */
	static final int MAX_CALLS_AT_ONCE = 16;

	/** The ops that report a step whose code the app executed in the call. */
	private static final Set<String> EXECUTED = Set.of("StepRun", "StepError", "StepFailed");

	/** The ops that report a failed attempt of a step. */
	private static final Set<String> FAILED = Set.of("StepError", "StepFailed");

	/** The ops that suspend the run. */
	private static final Set<String> SUSPENDING = Set.of("Sleep", "WaitForEvent", "InvokeFunction");

	/** The states of a step that has not ended: its retry, or its end, is to come. */
	private static final Set<StepStatus> PENDING = EnumSet.of(StepStatus.RETRYING, StepStatus.SLEEPING,
			StepStatus.WAITING);

	/**
	 * How long an invoke waits for its run when the op gives no timeout: a year, as
	 * Inngest. It may wait up to {@link Step#MAX_SLEEP}.
	 */
	static final Duration DEFAULT_INVOKE_TIMEOUT = Duration.ofDays(365);

	private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
	};

	/** The longest step name stored; a longer one is cut. */
	static final int MAX_STEP_NAME = 256;

	private final String appId;

	private final ServedFunction function;

	private final FunctionCalls calls;

	private final JsonMapper mapper;

	private final CallPayload payload;

	private final StepOutputLimit outputLimit;

	private final Clock clock;

	ServedFunctionBody(String appId, ServedFunction function, FunctionCalls calls, JsonMapper mapper, Clock clock) {
		this.appId = appId;
		this.function = function;
		this.calls = calls;
		this.mapper = mapper;
		this.payload = new CallPayload(mapper);
		this.outputLimit = new StepOutputLimit(mapper);
		this.clock = clock;
	}

	/**
	 * Executes the run until it ends or is suspended.
	 * @param invocation the run's execution
	 * @return the function's return value
	 */
	public Object call(Invocation invocation) {
		if (!(invocation.step() instanceof RecordedSteps recorded)) {
			throw new IllegalStateException("A served function runs on the local engine only");
		}
		return new Execution(invocation, recorded).run();
	}

	/**
	 * One execution of a run: the calls it makes to the app, each acted on before the
	 * next, and what it learns of the run's steps between them.
	 */
	private final class Execution {

		private final Invocation invocation;

		private final Step step;

		private final RecordedSteps recorded;

		/**
		 * The sleeps, waits and invokes begun in this execution, which the app reports
		 * again while they wait.
		 */
		private final Set<String> begun = new HashSet<>();

		/** The steps the app reported in this execution. */
		private final Set<String> reported = new HashSet<>();

		/** The names of the steps planned, by id, for an answer that cannot be read. */
		private final Map<String, String> plannedNames = new HashMap<>();

		/** The memos of ended steps, which never change: read once per execution. */
		private final Map<String, JsonNode> memos = new HashMap<>();

		/**
		 * The answers of the steps planned together and called at once, not acted on yet.
		 */
		private final Deque<Called> answered = new ArrayDeque<>();

		/**
		 * The failed attempts of the steps the app reported failed, stored together once
		 * every step called with them has answered: each counts against its own retries.
		 */
		private final Map<String, Runnable> failures = new LinkedHashMap<>();

		/**
		 * The attempt of the next discovery call, counted per step, as Inngest counts the
		 * attempts of a call: a discovery call after a step ended starts again at 0,
		 * whatever failed before that step.
		 */
		private int discoveryAttempt;

		/**
		 * The execution version the app said it ran the last call with, which the next
		 * calls carry, as Inngest keeps the one of a run's first answer. Until the app
		 * answers in this execution, {@code -1}: the SDK chooses, as it chose then.
		 */
		private int version = -1;

		/** Whether an answer of this execution reported several steps at once. */
		private boolean parallel;

		Execution(Invocation invocation, RecordedSteps recorded) {
			this.invocation = invocation;
			this.step = invocation.step();
			this.recorded = recorded;
			this.discoveryAttempt = recorded.bodyAttemptSinceLastStep();
		}

		Object run() {
			resumeSuspendedSteps();
			// The steps whose retry is due are called again first, each with its own
			// attempt; one retried later waits for its retry when the app plans it again.
			List<String> next = dueRetries(this.recorded);
			for (int call = 0; call < MAX_CALLS; call++) {
				Acted acted = act(answer(next));
				if (acted.ended()) {
					return acted.output();
				}
				next = acted.next();
			}
			throw new ServedCallException("Function '" + ServedFunctionBody.this.function.id() + "' took more than "
					+ MAX_CALLS + " calls in one execution without ending or waiting", null);
		}

		/**
		 * The next answer to act on: the next of the steps called together, else that of
		 * a call of the steps to call next, or of a discovery call when there are none.
		 * The failures the app reported before are stored first, unless the answer is of
		 * a step called with them that failed too.
		 */
		private Called answer(List<String> next) {
			if (!this.failures.isEmpty() && (this.answered.isEmpty() || !isFailure(this.answered.peek()))) {
				storeFailures(true);
			}
			if (!this.answered.isEmpty()) {
				return this.answered.poll();
			}
			// What the app executed before is stored first: this call may execute a step.
			this.recorded.storeCompletedSteps();
			if (next.size() > 1) {
				this.answered.addAll(callTogether(next));
				return this.answered.poll();
			}
			return read(next.isEmpty() ? callOne(DISCOVERY, this.discoveryAttempt)
					: callOne(next.get(0), attemptOf(this.recorded, next.get(0))));
		}

		/**
		 * Acts on an answer: ends the execution with the function's return value, or says
		 * which steps to call next.
		 */
		private Acted act(Called called) {
			String target = called.target();
			this.version = answeredVersion(called.answer(), this.version);
			if (called.failure() instanceof AnswerTooLargeException ex) {
				failTooLarge(ex, target, called.took());
				this.discoveryAttempt = 0;
				return Acted.DISCOVER;
			}
			RuntimeException failure = failureOutsideSteps(called);
			if (failure != null) {
				if (target.equals(DISCOVERY)) {
					throw failure;
				}
				failTarget(target, failure, called.took());
				return Acted.DISCOVER;
			}
			Answer answer = called.answer();
			JsonNode json = called.json();
			if (answer.status() == 200) {
				return Acted.ended(json);
			}
			List<JsonNode> ops = ops(json);
			this.parallel |= ops.size() > 1;
			if (ops.isEmpty()) {
				// Nothing to do on a branch of parallel steps: discover what is left. A
				// discovery call would get the same answer again.
				if (target.equals(DISCOVERY)) {
					throw new ServedCallException(
							"The app answered a discovery call with no op: it neither ended nor reported a step", null);
				}
				return Acted.DISCOVER;
			}
			JsonNode complete = ops.stream()
				.filter((op) -> op.path("op").asString("").equals("RunComplete"))
				.findFirst()
				.orElse(null);
			if (complete != null) {
				return actOnEnd(complete, ops, called, answer);
			}
			List<String> planned = new ArrayList<>();
			List<JsonNode> waits = new ArrayList<>();
			List<JsonNode> executed = new ArrayList<>();
			for (JsonNode op : ops) {
				String name = op.path("op").asString("");
				String id = op.path("id").asString("");
				if (name.equals("StepNotFound") && !target.equals(DISCOVERY)) {
					// The app did not reach the step, as when a deploy changed its code
					// meanwhile: that call is the step's attempt too.
					failTarget(target,
							new ServedCallException(
									"The app did not reach step " + id + " that it was asked to execute", null),
							called.took());
					return Acted.DISCOVER;
				}
				if (name.equals("StepPlanned")) {
					this.plannedNames.put(id, stepName(name, id, op));
					if (!planned.contains(id)) {
						planned.add(id);
					}
					continue;
				}
				// A sleep, a wait or an invoke is reported again while it waits; no step
				// once it has a result.
				boolean again = !this.reported.add(id) && !SUSPENDING.contains(name);
				if (again || isEnded(this.recorded, id)) {
					throw new ServedCallException("The app reported step " + id + " (" + op.path("name").asString("")
							+ ") again, although it has a result; its step ids must be stable", null);
				}
				(SUSPENDING.contains(name) ? waits : executed).add(op);
			}
			// A step planned again whose retry is not due yet is not called: the run
			// awaits its retry, with the waits, when nothing else is left to call.
			Instant now = ServedFunctionBody.this.clock.instant();
			List<String> retriedLater = planned.stream()
				.filter((id) -> isRetriedLater(this.recorded.recordedStep(id), now))
				.toList();
			planned.removeAll(retriedLater);
			boolean suspend = planned.isEmpty() && executed.isEmpty();
			// Before the steps the app executed, whose retry would otherwise suspend the
			// run before the waits begin: an event sent meanwhile resolves them.
			if ((!waits.isEmpty() || (suspend && !retriedLater.isEmpty()))
					&& awaitTogether(waits, retriedLater, answer, suspend)) {
				this.discoveryAttempt = 0;
			}
			executed.forEach((op) -> actOnExecuted(op, called, answer));
			// Planned steps are called at once, as Inngest executes parallel steps.
			return Acted.next(planned.subList(0, Math.min(planned.size(), MAX_CALLS_AT_ONCE)));
		}

		/**
		 * Acts on a call of a step that failed outside the step's code: an answer that is
		 * an error, or not an SDK's, or none. Inngest counts it against the step, whose
		 * call is that step's attempt, and so does this: the step is retried with its
		 * next attempt, kept to store with the other failures of the same calls; once it
		 * has had its last, or the app said not to retry, the run fails with the error.
		 */
		private void failTarget(String target, RuntimeException failure, Duration took) {
			boolean last = attemptOf(this.recorded, target) >= ServedFunctionBody.this.function.retries();
			if (failure instanceof NonRetriableException || last) {
				// The run fails, keeping the failed attempts of the steps called with
				// this one, none of which is waited for.
				storeFailures(false);
				if (failure instanceof NonRetriableException) {
					throw failure;
				}
				ErrorInfo error = (failure instanceof ReportedError reported) ? reported.errorInfo()
						: new ErrorInfo(failure.getClass().getSimpleName(), failure.getMessage(), null);
				throw ReportedFailures.of(error, true, null);
			}
			this.recorded.nameStep(target, this.plannedNames.getOrDefault(target, target));
			this.recorded.timeStep(target, took);
			this.failures.put(target, () -> failStep(this.step, target, failure));
		}

		/**
		 * Acts on a step the app executed in a call: stores its result, or keeps its
		 * failure to store with the others of the same calls.
		 */
		/**
		 * Acts on the function's end, reported with the steps a checkpointing SDK
		 * buffered: they are stored before the run ends. Any other op with it would end
		 * unheard with the run, as the work of {@code defer()} would, so the run fails
		 * naming it; and a buffered step whose output is too large fails for good, and
		 * the app gets its error in the next call, as for such a step reported alone.
		 */
		private Acted actOnEnd(JsonNode complete, List<JsonNode> ops, Called called, Answer answer) {
			for (JsonNode op : ops) {
				String name = op.path("op").asString("");
				if (!name.equals("StepRun") && !name.equals("RunComplete")) {
					throw new NonRetriableException("The app reported op " + name + " (step "
							+ op.path("id").asString("") + ") with the function's end, where this executor takes only "
							+ "the steps it ran (StepRun)");
				}
			}
			List<String> stored = new ArrayList<>();
			for (JsonNode op : ops) {
				String id = op.path("id").asString("");
				if (op.path("op").asString("").equals("StepRun") && this.reported.add(id)) {
					actOnExecuted(op, called, answer);
					stored.add(id);
				}
			}
			boolean failed = stored.stream()
				.map(this.recorded::recordedStep)
				.anyMatch((record) -> record != null && record.status() == StepStatus.FAILED);
			return failed ? Acted.DISCOVER : Acted.ended(complete.get("data"));
		}

		private void actOnExecuted(JsonNode op, Called called, Answer answer) {
			String name = op.path("op").asString("");
			String id = op.path("id").asString("");
			this.recorded.nameStep(id, stepName(name, id, op));
			if (called.target().equals(DISCOVERY) && called.attempt() > 0 && FAILED.contains(name)) {
				// Failed in the call that discovered it on a later attempt: Inngest
				// counts that call's attempt for it, and retries it with the next.
				this.recorded.countAttemptsFrom(id, called.attempt());
			}
			if (EXECUTED.contains(name)) {
				// Its duration is the call's: the app executed the step's code in it.
				this.recorded.timeStep(id, called.took());
			}
			if (FAILED.contains(name)) {
				this.failures.put(id, () -> execute(this.step, this.recorded, name, id, op, answer));
			}
			else {
				execute(this.step, this.recorded, name, id, op, answer);
			}
			// A step ended: discovering the next one is a first attempt again.
			this.discoveryAttempt = 0;
		}

		/**
		 * Makes one call, on this thread.
		 */
		private Called callOne(String target, int attempt) {
			return callOne(this.recorded.recordedSteps(), target, attempt);
		}

		private Called callOne(Collection<StepRecord> steps, String target, int attempt) {
			JsonNode body = requestBody(this.invocation, steps, this.memos, target, attempt, this.version,
					planFirst(steps));
			long start = System.nanoTime();
			try {
				return called(target, attempt, ServedFunctionBody.this.calls.call(ServedFunctionBody.this.appId,
						ServedFunctionBody.this.function.url(), target, body), null, start);
			}
			catch (RuntimeException ex) {
				return called(target, attempt, null, ex, start);
			}
		}

		/**
		 * Calls the steps planned together at once, each in a call of its own, the first
		 * on this thread, and waits for every answer. The answers that carry the result
		 * of a step come first, to be stored before an error or a retry ends the
		 * execution: the app executed those steps, and must not execute them again. The
		 * step failures come next, to be stored together, and then the answers that fail
		 * the call itself.
		 */
		private List<Called> callTogether(List<String> targets) {
			Collection<StepRecord> steps = this.recorded.recordedSteps();
			boolean planFirst = planFirst(steps);
			List<CompletableFuture<Called>> others = new ArrayList<>();
			for (String target : targets.subList(1, targets.size())) {
				int attempt = attemptOf(this.recorded, target);
				JsonNode body = requestBody(this.invocation, steps, this.memos, target, attempt, this.version,
						planFirst);
				long start = System.nanoTime();
				others.add(ServedFunctionBody.this.calls
					.callAsync(ServedFunctionBody.this.appId, ServedFunctionBody.this.function.url(), target, body)
					.handle((answer, ex) -> called(target, attempt, answer, ex, start)));
			}
			List<Called> answers = new ArrayList<>();
			answers.add(callOne(steps, targets.get(0), attemptOf(this.recorded, targets.get(0))));
			for (CompletableFuture<Called> other : others) {
				try {
					answers.add(other.get());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new ServedCallException("Interrupted while the steps planned together were called", ex);
				}
				catch (ExecutionException ex) {
					// Not thrown: each call's failure is its outcome.
					throw new IllegalStateException(ex);
				}
			}
			List<Called> results = new ArrayList<>();
			List<Called> failed = new ArrayList<>();
			List<Called> rest = new ArrayList<>();
			for (Called called : answers) {
				Called read = read(called);
				(onlyOps(read, Set.of("StepRun")) ? results : isFailure(read) ? failed : rest).add(read);
			}
			// In the order the app executed them, which the calls after list them in and
			// the SDK resolves a race of them by.
			results.sort(Comparator.comparingLong(Called::ended));
			results.addAll(failed);
			results.addAll(rest);
			return results;
		}

		/**
		 * Stores the failed attempts of steps reported failed, together: each counts
		 * against its own step's retries. Unless told not to, the run then waits for the
		 * first of their retries; the function's code gets the errors of those that
		 * failed for good when the run goes on. When none is to be retried, the run goes
		 * on at once.
		 */
		private void storeFailures(boolean suspend) {
			if (this.failures.isEmpty()) {
				return;
			}
			List<Runnable> begin = List.copyOf(this.failures.values());
			List<String> keys = List.copyOf(this.failures.keySet());
			this.failures.clear();
			this.recorded.awaitTogether(begin, withPending(keys), suspend);
			// One failed for good, so the run was not suspended: it still waits for the
			// others' retries, as a step is executed once in an execution.
			List<String> retried = keys.stream().filter((key) -> isRetrying(this.recorded.recordedStep(key))).toList();
			if (suspend && !retried.isEmpty()) {
				this.recorded.awaitTogether(List.of(), withPending(retried), true);
			}
		}

		/**
		 * Awaits the sleeps, waits and invokes an answer reported, together, as Inngest
		 * does for those of a {@code Promise.all} or a {@code Promise.race}: each begins
		 * once, the first time an execution meets it, and the run goes on once the first
		 * of them ends, or the retry of a step planned beside them, not due yet, is due.
		 * @return whether one of them ended
		 */
		private boolean awaitTogether(List<JsonNode> waits, List<String> retriedLater, Answer answer, boolean suspend) {
			List<Runnable> begin = new ArrayList<>();
			List<String> keys = new ArrayList<>(retriedLater);
			for (JsonNode op : waits) {
				String name = op.path("op").asString("");
				String id = op.path("id").asString("");
				keys.add(id);
				if (this.begun.add(id)) {
					this.recorded.nameStep(id, stepName(name, id, op));
					begin.add(() -> execute(this.step, this.recorded, name, id, op, answer));
				}
			}
			return this.recorded.awaitTogether(begin, withPending(keys), suspend);
		}

		/**
		 * Whether the app is to plan a step it finds before it executes it, in a call of
		 * its own ({@code disable_immediate_execution}), rather than execute it in the
		 * discovery call that found it: once the app reported steps in parallel, as
		 * Inngest sets it, and while a step of the run is pending, so that a step whose
		 * retry is not due is not executed before it, by a call that another step's end
		 * made, as a first attempt again.
		 */
		private boolean planFirst(Collection<StepRecord> steps) {
			return this.parallel || steps.stream().anyMatch((record) -> PENDING.contains(record.status()));
		}

		/**
		 * The steps a run suspended now awaits: these, and every other step of the run
		 * still pending, a retry, a sleep, a wait or an invoke begun before. The run goes
		 * on when the first of them ends, as Inngest calls the app again whenever one of
		 * a run's steps ends: a wait raced against a step whose retry is not due wins the
		 * race once its event comes, not at that retry.
		 */
		private Collection<String> withPending(Collection<String> keys) {
			Set<String> awaited = new LinkedHashSet<>(keys);
			for (StepRecord record : this.recorded.recordedSteps()) {
				if (PENDING.contains(record.status())) {
					awaited.add(record.key());
				}
			}
			return awaited;
		}

		/**
		 * Acts on an answer too long to read: it is the step's outcome, which a new
		 * attempt would only repeat, so the step whose output it was carrying fails for
		 * good, as Inngest fails a step whose output is over its limit. When the step
		 * cannot be told, the run fails for good.
		 */
		private void failTooLarge(AnswerTooLargeException ex, String target, Duration took) {
			JsonNode op = (ex.status() == 206) ? ServedFunctionBody.this.outputLimit.cutStep(ex.start()) : null;
			String id = (op != null) ? op.path("id").asString() : (target.equals(DISCOVERY) ? null : target);
			if (id == null || !this.reported.add(id) || isEnded(this.recorded, id)) {
				throw new NonRetriableException(ex.getMessage() + ", and no step whose output it carries can be "
						+ "told from it: the run fails, as every attempt would answer the same. Return less data from "
						+ "the function (at most " + StepOutputLimit.MAX_BYTES + " bytes from a step)");
			}
			String name = (op != null) ? stepName("StepRun", id, op) : this.plannedNames.getOrDefault(id, id);
			this.recorded.nameStep(id, name);
			this.recorded.timeStep(id, took);
			failStep(this.step, id, ReportedFailures.of(StepOutputLimit.tooLongToRead(name), true, null));
		}

		/**
		 * Resolves the run's sleeps, waits and invokes that were pending when it was
		 * suspended, before the app is called with them: a sleep whose time came
		 * completes, a wait or an invoke whose time-out passed ends as timed out, and one
		 * still pending goes on waiting, to be awaited again when the app reports it.
		 */
		private void resumeSuspendedSteps() {
			List<Runnable> begin = new ArrayList<>();
			for (StepRecord record : this.recorded.recordedSteps()) {
				if (record.status() != StepStatus.SLEEPING && record.status() != StepStatus.WAITING) {
					continue;
				}
				this.begun.add(record.key());
				if (record.kind() == StepKind.SLEEP) {
					begin.add(() -> this.step.sleep(record.key(), Duration.ZERO));
				}
				else if (record.kind() == StepKind.INVOKE) {
					begin.add(() -> this.recorded.awaitInvoked(record.key()));
				}
				else {
					// Stored already: the engine reads the wait from its record.
					begin.add(() -> this.step.waitForEvent(record.key(),
							WaitForEvent.event("pending").timeout(Duration.ofSeconds(1))));
				}
			}
			if (!begin.isEmpty() && this.recorded.awaitTogether(begin, List.of(), false)) {
				// A sleep, a wait or an invoke ended: the next discovery call is a
				// first attempt, as Inngest counts, whatever failed before it.
				this.discoveryAttempt = 0;
			}
		}

	}

	/**
	 * What acting on an answer came to: the execution ended with the function's return
	 * value, or goes on with a call of the steps to call next, or a discovery call when
	 * there are none.
	 *
	 * @param ended whether the execution ended
	 * @param output the function's return value, once it ended
	 * @param next the steps to call next
	 */
	private record Acted(boolean ended, @Nullable JsonNode output, List<String> next) {

		static final Acted DISCOVER = next(List.of());

		static Acted ended(@Nullable JsonNode output) {
			return new Acted(true, output, List.of());
		}

		static Acted next(List<String> steps) {
			return new Acted(false, null, steps);
		}

	}

	private Called called(String target, int attempt, @Nullable Answer answer, @Nullable Throwable thrown, long start) {
		Throwable cause = (thrown instanceof CompletionException) ? thrown.getCause() : thrown;
		RuntimeException failure = (cause == null || cause instanceof RuntimeException) ? (RuntimeException) cause
				: new ServedCallException("The call of step " + target + " failed", cause);
		long ended = System.nanoTime();
		return new Called(target, attempt, answer, null, failure, Duration.ofNanos(ended - start), ended);
	}

	/**
	 * A call with its answer's JSON read, once, for an answer of ops from an SDK; the
	 * call as it is when the answer cannot be read, which acting on it reports.
	 */
	private Called read(Called called) {
		Answer answer = called.answer();
		if (answer == null || (answer.status() != 200 && answer.status() != 206) || answer.sdk() == null) {
			return called;
		}
		try {
			return new Called(called.target(), called.attempt(), answer, json(answer), null, called.took(),
					called.ended());
		}
		catch (RuntimeException ex) {
			return called;
		}
	}

	/**
	 * The ops of an answer of 206 that {@link #malformedOps} found well formed: one, or
	 * an array of them.
	 */
	private static List<JsonNode> ops(JsonNode json) {
		List<JsonNode> ops = new ArrayList<>();
		(json.isArray() ? json : List.of(json)).forEach(ops::add);
		return ops;
	}

	/**
	 * Why a call, read, failed outside the steps it may have executed: no answer, an
	 * answer that is an error, one that does not come from an SDK, or one that is not
	 * JSON; {@code null} if it did not, or if its answer was too large to read.
	 */
	private @Nullable RuntimeException failureOutsideSteps(Called called) {
		if (called.failure() != null) {
			return (called.failure() instanceof AnswerTooLargeException) ? null : called.failure();
		}
		Answer answer = called.answer();
		if (answer.status() != 200 && answer.status() != 206) {
			return failed(answer);
		}
		if (answer.sdk() == null) {
			return new ServedCallException("The answer of " + this.function.url() + " (HTTP " + answer.status()
					+ ") has no X-Inngest-SDK header: it does not come from an Inngest SDK", null);
		}
		JsonNode json = called.json();
		if (json == null) {
			try {
				json = json(answer);
			}
			catch (ServedCallException ex) {
				return ex;
			}
		}
		return (answer.status() == 206) ? malformedOps(json) : null;
	}

	/**
	 * Why the JSON of an answer of 206 is not ops to act on: neither an op nor an array
	 * of them, or an op, other than the function's return value, without an id;
	 * {@code null} if it is.
	 */
	private @Nullable ServedCallException malformedOps(JsonNode json) {
		if (!json.isArray() && !json.isObject()) {
			return new ServedCallException("The answer of " + this.function.url()
					+ " (HTTP 206) is neither an op nor an array of ops: " + Errors.abbreviate(json.toString()), null);
		}
		for (JsonNode op : json.isArray() ? json : List.of(json)) {
			if (!op.path("op").asString("").equals("RunComplete") && op.path("id").asString("").isEmpty()) {
				return new ServedCallException(
						"An op of " + this.function.url() + " has no id: " + Errors.abbreviate(op.toString()), null);
			}
		}
		return null;
	}

	/**
	 * Whether a call failed a step: the app reported it failed, or the call of the step
	 * failed outside its code or did not reach it.
	 */
	private boolean isFailure(Called called) {
		return onlyOps(called, FAILED) || (!called.target().equals(DISCOVERY)
				&& (failureOutsideSteps(called) != null || onlyOps(called, Set.of("StepNotFound"))));
	}

	/** Whether an answer, read, carries ops of these kinds only. */
	private static boolean onlyOps(Called called, Set<String> kinds) {
		JsonNode json = called.json();
		if (json == null) {
			return false;
		}
		List<JsonNode> ops = ops(json);
		return !ops.isEmpty() && ops.stream().allMatch((op) -> kinds.contains(op.path("op").asString("")));
	}

	/**
	 * The steps that failed and whose retry is due, in the order of their keys, at most
	 * {@link #MAX_CALLS_AT_ONCE}.
	 */
	private List<String> dueRetries(RecordedSteps recorded) {
		Instant now = this.clock.instant();
		return recorded.recordedSteps()
			.stream()
			.filter((record) -> isRetrying(record) && !isRetriedLater(record, now))
			.map(StepRecord::key)
			.sorted()
			.limit(MAX_CALLS_AT_ONCE)
			.toList();
	}

	/** The attempt a call of a step carries: its next, if it failed before, else 0. */
	private static int attemptOf(RecordedSteps recorded, String key) {
		StepRecord record = recorded.recordedStep(key);
		return isRetrying(record) ? record.attempts() : 0;
	}

	/** Whether a step failed and is to be retried. */
	private static boolean isRetrying(@Nullable StepRecord record) {
		return record != null && record.status() == StepStatus.RETRYING;
	}

	/** Whether a step failed and its retry is not due yet. */
	private static boolean isRetriedLater(@Nullable StepRecord record, Instant now) {
		return isRetrying(record) && record.wakeAt() != null && record.wakeAt().isAfter(now);
	}

	/**
	 * A call made: its answer, or why it has none.
	 *
	 * @param target the step it targeted, or {@link #DISCOVERY}
	 * @param attempt the attempt it carried
	 * @param answer its answer, or {@code null}
	 * @param json the answer's JSON, if read already, or {@code null}
	 * @param failure why it has none, or {@code null}
	 * @param took how long it took
	 * @param ended when it ended, in {@link System#nanoTime()}
	 */
	private record Called(String target, int attempt, @Nullable Answer answer, @Nullable JsonNode json,
			@Nullable RuntimeException failure, Duration took, long ended) {

	}

	/**
	 * The name the developer gave a step, to store and show it by: the op's
	 * {@code displayName}, else the step's unhashed id, else its {@code name}, which a
	 * sleep or a wait may use for its duration or event instead.
	 */
	private static String stepName(String op, String id, JsonNode node) {
		String name = node.path("displayName").asString("");
		if (name.isBlank()) {
			name = node.path("userland").path("id").asString("");
		}
		if (name.isBlank() && !op.equals("Sleep") && !op.equals("WaitForEvent")) {
			name = node.path("name").asString("");
		}
		if (name.isBlank()) {
			return id;
		}
		// Within the width of the column it is stored in, which an SDK does not bound.
		return (name.length() > MAX_STEP_NAME) ? name.substring(0, MAX_STEP_NAME) : name;
	}

	private void execute(Step step, RecordedSteps recorded, String name, String id, JsonNode op, Answer answer) {
		switch (name) {
			case "StepRun" -> {
				ErrorInfo tooLarge = this.outputLimit.check(stepName(name, id, op), op.get("data"),
						answer.body().length);
				if (tooLarge != null) {
					failStep(step, id, ReportedFailures.of(tooLarge, true, null));
				}
				else {
					step.run(id, JsonNode.class, () -> op.get("data"));
				}
			}
			case "StepError", "StepFailed" -> {
				ErrorInfo error = error(op.get("error"), "Step " + op.path("name").asString(id) + " failed");
				boolean noRetry = name.equals("StepFailed") || "true".equalsIgnoreCase(answer.noRetry());
				failStep(step, id, ReportedFailures.of(error, noRetry,
						ReportedFailures.retryAt(answer.retryAfter(), this.clock.instant())));
			}
			case "Sleep" -> sleep(step, id, op);
			case "WaitForEvent" -> {
				JsonNode opts = op.path("opts");
				String event = opts.path("event").asString(null);
				String timeout = opts.path("timeout").asString(null);
				// An empty timeout expires at once; the engine's waits take at least a
				// millisecond.
				Duration waitFor = timeout(timeout, "WaitForEvent " + id + " timeout");
				WaitForEvent wait = WaitForEvent.event((event != null) ? event : op.path("name").asString(""))
					.timeout(waitFor.isZero() ? Duration.ofMillis(1) : waitFor);
				String condition = opts.path("if").asString(null);
				step.waitForEvent(id, (condition != null) ? wait.condition(condition) : wait);
			}
			case "InvokeFunction" -> recorded.invoke(id, invocation(id, op.path("opts")));
			case "StepNotFound" -> throw new ServedCallException(
					"The app did not reach step " + id + " that it was asked to execute", null);
			default -> throw unsupported(name, id);
		}
	}

	private static NonRetriableException unsupported(String op, String id) {
		return new NonRetriableException(
				"The app asked for op " + op + " (step " + id + "), which this executor does not support");
	}

	/**
	 * Records a step's failed attempt: the run is suspended until the step's retry, or,
	 * once the step has failed for good, goes on, and the next call memoizes its error,
	 * which the app throws into the function's code.
	 */
	private static void failStep(Step step, String id, RuntimeException failure) {
		try {
			step.run(id, JsonNode.class, () -> {
				throw failure;
			});
		}
		catch (StepFailedException ex) {
			// Failed for good: the function's code gets the error.
		}
	}

	/**
	 * Reads an {@code InvokeFunction} op's options: the function's full id, the payload
	 * of the event that starts its run, and how long to wait, a year unless given.
	 */
	private FunctionInvocation invocation(String id, JsonNode opts) {
		String functionId = opts.path("function_id").asString("");
		if (functionId.isBlank()) {
			throw new NonRetriableException("InvokeFunction " + id + " names no function_id");
		}
		JsonNode payload = opts.path("payload");
		String timeout = opts.path("timeout").asString(null);
		Duration wait = (timeout != null && !timeout.isBlank()) ? timeout(timeout, "InvokeFunction " + id + " timeout")
				: DEFAULT_INVOKE_TIMEOUT;
		if (wait.isNegative() || wait.isZero() || wait.compareTo(Step.MAX_SLEEP) > 0) {
			throw new NonRetriableException("InvokeFunction " + id + " timeout " + timeout
					+ " must be positive and at most " + Step.MAX_SLEEP.toDays() + " days");
		}
		JsonNode v = payload.get("v");
		return new FunctionInvocation(functionId, object(payload.get("data")), object(payload.get("user")),
				(v != null && v.isString() && !v.asString().isBlank()) ? v.asString() : null, wait);
	}

	private Map<String, Object> object(@Nullable JsonNode node) {
		if (node == null || !node.isObject()) {
			return Map.of();
		}
		return this.mapper.convertValue(node, OBJECT);
	}

	private void sleep(Step step, String id, JsonNode op) {
		String value = op.path("opts").path("duration").asString(null);
		if (value == null) {
			value = op.path("name").asString(null);
		}
		Instant until = WireDurations.instant(value);
		if (until != null) {
			step.sleepUntil(id, until);
			return;
		}
		step.sleep(id, duration(value, "Sleep " + id));
	}

	/**
	 * An op's timeout, as the server reads it: a duration, or an RFC 3339 instant, as the
	 * official SDK sends a {@code Date}, which leaves the time until then (at least a
	 * millisecond); missing or empty, zero.
	 */
	private Duration timeout(@Nullable String value, String what) {
		Instant until = WireDurations.instant(value);
		if (until == null) {
			return duration(value, what);
		}
		Duration left = Duration.between(this.clock.instant(), until);
		return (left.compareTo(Duration.ofMillis(1)) < 0) ? Duration.ofMillis(1) : left;
	}

	/**
	 * An op's duration, as the server reads it; missing or empty, zero.
	 */
	private static Duration duration(@Nullable String value, String what) {
		try {
			return (value != null) ? WireDurations.parse(value) : Duration.ZERO;
		}
		catch (IllegalArgumentException ex) {
			throw new NonRetriableException(what + ": " + ex.getMessage());
		}
	}

	private static boolean isEnded(RecordedSteps recorded, String id) {
		StepRecord record = recorded.recordedStep(id);
		return record != null && (record.status() == StepStatus.COMPLETED || record.status() == StepStatus.FAILED);
	}

	/**
	 * The execution version an answer says the app ran its call with, if it says one;
	 * else the one known before.
	 */
	private static int answeredVersion(@Nullable Answer answer, int known) {
		String header = (answer != null) ? answer.requestVersion() : null;
		if (header != null && header.trim().matches("[12]")) {
			return Integer.parseInt(header.trim());
		}
		return known;
	}

	private JsonNode requestBody(Invocation invocation, Collection<StepRecord> recorded, Map<String, JsonNode> memos,
			String target, int attempt, int version, boolean planFirst) {
		List<StepRecord> ended = CallPayload.ended(recorded);
		ObjectNode body = this.mapper.createObjectNode();
		JsonNode event = this.payload.event(invocation.event());
		body.set("event", event);
		body.set("events", this.payload.events(event));
		body.set("steps", this.payload.steps(ended, memos));
		ObjectNode ctx = body.putObject("ctx");
		ArrayNode stack = ctx.putObject("stack").putArray("stack");
		ended.forEach((record) -> stack.add(record.key()));
		((ObjectNode) ctx.get("stack")).put("current", stack.size());
		ctx.put("run_id", invocation.run().runId());
		ctx.put("fn_id", UUID.nameUUIDFromBytes(this.function.id().getBytes(StandardCharsets.UTF_8)).toString());
		ctx.put("step_id", target);
		ctx.put("attempt", attempt);
		ctx.put("max_attempts", this.function.retries() + 1);
		ctx.put("disable_immediate_execution", planFirst);
		ctx.put("use_api", false);
		ctx.put("env", "");
		body.put("use_api", false);
		body.put("version", version);
		return body;
	}

	private JsonNode json(Answer answer) {
		if (answer.body().length == 0) {
			return this.mapper.nullNode();
		}
		try {
			return this.mapper.readTree(answer.body());
		}
		catch (JacksonException ex) {
			throw new ServedCallException("The answer of " + this.function.url() + " (HTTP " + answer.status()
					+ ") is not JSON: " + Errors.abbreviate(new String(answer.body(), StandardCharsets.UTF_8)), ex);
		}
	}

	private RuntimeException failed(Answer answer) {
		JsonNode body;
		try {
			body = (answer.body().length > 0) ? this.mapper.readTree(answer.body()) : null;
		}
		catch (JacksonException ex) {
			body = null;
		}
		String text = new String(answer.body(), StandardCharsets.UTF_8);
		ErrorInfo error = error(body, "HTTP " + answer.status() + " from " + this.function.url()
				+ (text.isBlank() ? "" : ": " + Errors.abbreviate(text)));
		return ReportedFailures.of(error, "true".equalsIgnoreCase(answer.noRetry()),
				ReportedFailures.retryAt(answer.retryAfter(), this.clock.instant()));
	}

	/**
	 * An error as an SDK serializes it: {@code name}, {@code message}, {@code stack}.
	 */
	private static ErrorInfo error(@Nullable JsonNode node, String otherwise) {
		if (node == null || !node.isObject() || !node.has("message")) {
			return new ErrorInfo("Error", otherwise, null);
		}
		String name = node.path("name").asString("");
		return new ErrorInfo(name.isEmpty() ? "Error" : name, node.path("message").asString(""),
				node.path("stack").asString(null));
	}

	@Override
	public String toString() {
		return "function '" + this.function.id() + "' served at " + this.function.url();
	}

}
