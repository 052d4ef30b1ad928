package dev.durable.inngest.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.DueRuns;
import dev.durable.inngest.engine.EventIngestor;
import dev.durable.inngest.engine.EventIntake;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.RunQueue;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.memory.InMemoryInngestStore;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Drives the engine of an {@link InngestTest @InngestTest} from the test's thread: sends
 * events, moves the clock, stands in for steps, and reads runs and the events published
 * of them. Nothing executes between two calls: each call returns once every run it made
 * due has executed to its end or its next suspension (a sleep, a wait, a retry later than
 * now). Runs execute on one engine thread, which the calling thread waits for, so that
 * steps see none of the test's thread-bound state, as on the engine's workers.
 * <pre class="code">
 * inngest.mockStep("charge").failOnAttempts(1, 2);
 * String runId = inngest.send(Event.of("shop/order.placed", order)).runId();
 * inngest.advance(Duration.ofMinutes(5));
 * assertThat(inngest.awaitEnd(runId)).isCompleted().step("charge").hasAttempts(3);
 * </pre>
 */
public final class InngestTestEnvironment {

	/**
	 * How many rounds of execution one call may take before it gives up on the engine
	 * going idle.
	 */
	private static final int MAX_ROUNDS = 10_000;

	/**
	 * How far the clock moves after each round of execution: the engine tells a run's
	 * first execution from the next ones by their instants, so no two rounds share one.
	 */
	private static final Duration ROUND_TIME = Duration.ofMillis(1);

	/** The name of the event that starts a run {@link #invoke(String, Map)} starts. */
	private static final String INVOKED = "inngest/function.invoked";

	/** The most events of a name {@link #events(String)} reads. */
	private static final int MAX_EVENTS = 10_000;

	private final InngestTestClock clock;

	private final DueRuns dueRuns;

	private final InngestClient client;

	private final InngestRuns inngestRuns;

	private final RunStore runs;

	private final StepStore steps;

	private final EventStore eventStore;

	private final EventIngestor ingestor;

	/** The hand-off to workers, which a test never starts: emptied before each test. */
	private final RunQueue queue;

	private final JsonCodec json;

	private final MockedSteps mocks;

	private final CapturedEvents events;

	/**
	 * The store, to empty before each test; {@code null} for a store that is not in
	 * memory.
	 */
	private final @Nullable InMemoryInngestStore store;

	private final Supplier<FunctionRegistry> functions;

	private final EngineThread engine;

	InngestTestEnvironment(InngestTestClock clock, DueRuns dueRuns, InngestClient client, InngestRuns inngestRuns,
			RunStore runs, StepStore steps, EventStore eventStore, EventIngestor ingestor, RunQueue queue,
			JsonCodec json, MockedSteps mocks, CapturedEvents events, @Nullable InMemoryInngestStore store,
			Supplier<FunctionRegistry> functions, EngineThread engine) {
		this.clock = clock;
		this.dueRuns = dueRuns;
		this.client = client;
		this.inngestRuns = inngestRuns;
		this.runs = runs;
		this.steps = steps;
		this.eventStore = eventStore;
		this.ingestor = ingestor;
		this.queue = queue;
		this.json = json;
		this.mocks = mocks;
		this.events = events;
		this.store = store;
		this.functions = functions;
		this.engine = engine;
		JsonValues.writeWith(json);
	}

	/**
	 * The engine's time, which stands still until {@link #advance(Duration)} moves it
	 * (and moves a millisecond with each round of execution).
	 * @return the instant
	 */
	public Instant now() {
		return this.clock.instant();
	}

	/**
	 * Sends events, as {@link InngestClient#send(Event...)} does, and executes the runs
	 * they start, and whatever those make due, until nothing is due.
	 * @param events the events
	 * @return the events' ids and the runs they started
	 */
	public SentEvents send(Event... events) {
		// From the engine's thread too, as from outside the application: in a transaction
		// of its own, not in one of the test's thread, which would keep the events from
		// the engine until the test ends.
		return executing(() -> {
			Set<String> sentBefore = sentBefore(events);
			List<String> eventIds = this.client.send(events);
			executeUntilIdle();
			// The runs of an event sent before are that send's, not this one's; an id
			// sent
			// again more than a day later names the event sent now, and its runs only.
			List<TestRun> started = eventIds.stream()
				.distinct()
				.filter((id) -> !sentBefore.contains(id))
				.flatMap((id) -> this.inngestRuns.runsOf(id).stream())
				.sorted(Comparator.comparing(RunView::id))
				.map(this::run)
				.toList();
			return new SentEvents(eventIds, started, eventIds.stream().filter(sentBefore::contains).distinct().toList(),
					Arrays.stream(events).map(Event::name).toList());
		});
	}

	private Set<String> sentBefore(Event... events) {
		List<String> ids = Arrays.stream(events)
			.filter(Objects::nonNull)
			.map(Event::id)
			.filter(Objects::nonNull)
			.toList();
		if (ids.isEmpty()) {
			return Set.of();
		}
		Instant windowStart = now().minus(EventIntake.DEDUPLICATION_WINDOW);
		return this.eventStore.lastReceived(ids)
			.entrySet()
			.stream()
			.filter((received) -> !received.getValue().isBefore(windowStart))
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	/**
	 * Starts one run of a function, whatever its triggers, as Inngest's dashboard invokes
	 * a function: with an {@code inngest/function.invoked} event of the given data, which
	 * starts no other function. A cron function runs so without the clock moving to its
	 * next tick, and a function whose trigger has an {@code if} condition runs whatever
	 * the data. Then executes what is due, as {@link #send(Event...)} does.
	 * @param functionId the function's id
	 * @param data the event's data, given to the function as a sent event's would be
	 * @return the run as it stands once nothing is due
	 * @throws AssertionError if the application declares no function of that id, or if
	 * the id is that of an {@code @OnFailure} or {@code @OnCancel} handler, which runs
	 * when a run of its function fails or is cancelled, not from data
	 */
	public TestRun invoke(String functionId, Map<String, ?> data) {
		FunctionDefinition function = requireDeclared(functionId);
		boolean failures = function.isFailureHandler();
		if (failures || function.isCancellationHandler()) {
			throw new AssertionError("'" + functionId + "' is an " + (failures ? "@OnFailure" : "@OnCancel")
					+ " handler, which cannot be invoked: it runs when a run of its function "
					+ (failures ? "fails: fail one, for example with mockStep(stepId).alwaysFails(...)"
							: "is cancelled: cancel one, with a cancel event or InngestRuns.cancel")
					+ ", and awaitEnd the handler's run (runsOf(\"" + functionId + "\") finds it)");
		}
		return executing(() -> {
			Event started = this.ingestor.startRuns(Event.of(INVOKED, data), List.of(function));
			executeUntilIdle();
			return this.inngestRuns.runsOf(started.id())
				.stream()
				.findFirst()
				.map(this::run)
				.orElseThrow(() -> new AssertionError("Invoking '" + functionId + "' started no run"));
		});
	}

	/**
	 * Moves the clock forward and executes every run made due on the way, in the order
	 * they fall due: a run due in an hour executes at that hour, and a retry it schedules
	 * in a minute executes a minute later, if that is still within the duration.
	 * @param duration how far to move the clock, zero or more
	 * @throws IllegalArgumentException if the duration is negative
	 */
	public void advance(Duration duration) {
		Instant target = target("advance", duration);
		executing(() -> {
			advanceTo(target, () -> false);
			this.clock.advanceTo(target);
			return executeUntilIdle();
		});
	}

	/**
	 * Moves the clock forward, as {@link #advance(Duration)} does, until the run has
	 * ended, and returns it: the clock stops when it ends, at most the given duration
	 * later. A run that sleeps, waits with a time-out or retries later ends so without
	 * the test working out when.
	 * @param runId the run's id
	 * @param atMost how far the clock may move, zero or more
	 * @return the run
	 * @throws AssertionError if the run has not ended by then
	 * @throws IllegalArgumentException if the duration is negative
	 */
	public TestRun awaitEnd(String runId, Duration atMost) {
		Instant limit = target("awaitEnd", atMost);
		return executing(() -> {
			advanceTo(limit, () -> this.inngestRuns.find(runId).map((run) -> run.status().isFinal()).orElse(true));
			return ended(run(runId));
		});
	}

	private Instant target(String method, Duration duration) {
		Assert.notNull(duration, () -> method + " moves the clock forward: the duration must not be null");
		if (duration.isNegative()) {
			throw new IllegalArgumentException(
					method + " moves the clock forward: the duration must be zero or more, but was " + duration);
		}
		return this.clock.instant().plus(duration);
	}

	/**
	 * Executes what is due now, then, until done, moves the clock from one due time to
	 * the next, no further than the target, executing what falls due at each.
	 */
	private void advanceTo(Instant target, BooleanSupplier done) {
		executeUntilIdle();
		Optional<Instant> next = this.dueRuns.nextDueBy(target);
		while (next.isPresent() && !done.getAsBoolean()) {
			stopIfInterrupted();
			this.clock.advanceTo(next.get());
			if (executeUntilIdle() == 0) {
				// Due but not claimed, as a run under a lease not expired yet.
				break;
			}
			next = this.dueRuns.nextDueBy(target);
		}
	}

	/**
	 * Executes the runs that are due now, and those they make due now, until none is:
	 * such as runs started by events the application sent from the test's thread.
	 * @return how many executions there were
	 */
	public int runUntilIdle() {
		return executing(this::executeUntilIdle);
	}

	/**
	 * Executes on the engine's thread what is due now, and what that makes due now.
	 */
	private int executeUntilIdle() {
		int executed = 0;
		for (int round = 0; round < MAX_ROUNDS; round++) {
			stopIfInterrupted();
			int executedNow = this.dueRuns.executeRound();
			if (executedNow == 0) {
				return executed;
			}
			executed += executedNow;
			this.clock.advance(ROUND_TIME);
		}
		throw new IllegalStateException("Runs were still due after " + MAX_ROUNDS + " rounds of execution: does a "
				+ "function retry at once without end, or send events that start it again?");
	}

	/**
	 * Ends the work of a call that timed out, between two rounds, rather than let it go
	 * on with the clock.
	 */
	private void stopIfInterrupted() {
		if (this.engine.abandoned()) {
			throw new IllegalStateException("Stopped: the call took longer than inngest.test.engine-timeout");
		}
	}

	/**
	 * A run as it stands now, with its steps.
	 * @param runId the run's id
	 * @return the run
	 * @throws AssertionError if there is no such run
	 */
	public TestRun run(String runId) {
		return onEngine(() -> run(
				this.inngestRuns.find(runId).orElseThrow(() -> new AssertionError("There is no run " + runId))));
	}

	private TestRun run(RunView view) {
		String runId = view.id();
		Map<String, List<ErrorInfo>> failures = this.steps.attempts(runId)
			.stream()
			.filter((attempt) -> attempt.stepKey() != null)
			.sorted(Comparator.comparingInt(AttemptRecord::attempt))
			.collect(Collectors.groupingBy(AttemptRecord::stepKey,
					Collectors.mapping(AttemptRecord::error, Collectors.toList())));
		List<TestStep> runSteps = this.steps.findByRun(runId)
			.stream()
			.sorted(Comparator.comparing(StepRecord::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
				.thenComparing(StepRecord::key))
			.map((step) -> new TestStep(step.stepId(), step.key(), step.kind(), step.status(), step.attempts(),
					(step.output() != null) ? this.json.read(step.output(), Object.class) : null, step.error(),
					failures.getOrDefault(step.key(), List.of()), step.wakeAt(), step.endedAt()))
			.toList();
		return new TestRun(view.id(), view.functionId(), view.status(), view.event(), view.attempt(), view.startedAt(),
				view.endedAt(), view.output(), view.error(), view.cancellation(), runSteps);
	}

	/**
	 * Executes what is due now, then returns the run, which must have ended: a run that
	 * sleeps, waits or retries later needs the clock moved first, or
	 * {@link #awaitEnd(String, Duration)}.
	 * @param runId the run's id
	 * @return the run
	 * @throws AssertionError if the run has not ended
	 */
	public TestRun awaitEnd(String runId) {
		return executing(() -> {
			executeUntilIdle();
			return ended(run(runId));
		});
	}

	private TestRun ended(TestRun run) {
		String runId = run.id();
		if (!run.hasEnded()) {
			Instant dueAt = this.runs.find(runId).map(RunRecord::dueAt).orElse(null);
			String lastFailure = this.steps.attempts(runId)
				.stream()
				.max(Comparator.comparing(AttemptRecord::failedAt))
				.map((attempt) -> "; its last attempt failed"
						+ ((attempt.stepKey() != null) ? " in step '" + attempt.stepKey() + "'" : "") + " with "
						+ ErrorTexts.of(attempt.error()))
				.orElse("");
			throw new AssertionError("Run " + runId + " of '" + run.functionId() + "' is " + run.status() + " at "
					+ now() + ((dueAt != null) ? ", due at " + dueAt : "") + lastFailure
					+ "; move the clock with advance(...) or awaitEnd(runId, atMost), or send the event it waits "
					+ "for");
		}
		return run;
	}

	/**
	 * The runs of a function, oldest first: the runs of one {@code send} in the order of
	 * its events.
	 * @param functionId the function's id
	 * @return the runs
	 * @throws AssertionError if the application declares no function of that id
	 */
	public List<TestRun> runsOf(String functionId) {
		requireDeclared(functionId);
		return onEngine(() -> allRuns().stream()
			.filter((run) -> run.functionId().equals(functionId))
			.sorted(Comparator.comparing(RunView::id))
			.map(this::run)
			.toList());
	}

	/**
	 * The events of a name the engine took in, oldest first: those the test sent, those
	 * the application sent (from a controller, a listener, a service), those a function's
	 * {@code sendEvent} steps sent, and those the engine made itself: the
	 * {@code inngest/function.failed} and {@code inngest/function.cancelled} events of
	 * runs that failed or were cancelled, the {@code inngest/scheduled.timer} event of
	 * each cron tick, and the {@code inngest/function.invoked} event of each
	 * {@link #invoke(String, Map)}. Events taken in at one instant of the clock come in
	 * the order of their ids. The store is emptied before each test, so these are the
	 * test's own; with {@code inngest.local.store=jdbc}, the events of the tests before
	 * it too, as for {@link #runsOf(String)}.
	 * @param name the event name
	 * @return the events, each with the id it was sent with
	 * @throws AssertionError if there are more than 10,000
	 */
	public List<Event> events(String name) {
		List<Event> named = onEngine(() -> this.eventStore.findByName(name, MAX_EVENTS + 1));
		if (named.size() > MAX_EVENTS) {
			throw new AssertionError("More than " + MAX_EVENTS + " events named '" + name + "' were taken in: a test "
					+ "reads at most that many");
		}
		return named;
	}

	/**
	 * Mocks a step of every function by its id, without touching the function's bean: its
	 * attempts do what the returned mock is told to, in place of the step's body.
	 * @param stepId the step's id
	 * @return the mock, to tell what to do
	 */
	public StepMock mockStep(String stepId) {
		Assert.hasText(stepId, "The id of the step to mock must not be null or blank");
		return this.mocks.mock(null, stepId);
	}

	/**
	 * Mocks a step of one function by its id; it wins over a mock of the step of every
	 * function.
	 * @param functionId the function's id
	 * @param stepId the step's id
	 * @return the mock, to tell what to do
	 * @throws AssertionError if the application declares no function of that id
	 */
	public StepMock mockStep(String functionId, String stepId) {
		Assert.hasText(stepId, "The id of the step to mock must not be null or blank");
		requireDeclared(functionId);
		return this.mocks.mock(functionId, stepId);
	}

	private FunctionDefinition requireDeclared(String functionId) {
		FunctionRegistry registry = this.functions.get();
		return registry.find(functionId)
			.orElseThrow(() -> new AssertionError("No function '" + functionId + "' is declared; the functions are "
					+ registry.all().stream().map(FunctionDefinition::id).toList()));
	}

	/**
	 * The {@link FunctionFailedEvent}s published since the test began, oldest first.
	 * @return the events
	 */
	public List<FunctionFailedEvent> failedEvents() {
		return this.events.ofType(FunctionFailedEvent.class);
	}

	/**
	 * The {@link FunctionCancelledEvent}s published since the test began, oldest first.
	 * @return the events
	 */
	public List<FunctionCancelledEvent> cancelledEvents() {
		return this.events.ofType(FunctionCancelledEvent.class);
	}

	/**
	 * Starts afresh, as before each test: the store empty, the clock at its start, no
	 * step mocked and no event captured.
	 */
	public void reset() {
		// The next assertions compare outputs as this application's mapper writes them.
		JsonValues.writeWith(this.json);
		this.engine.renew();
		onEngine(() -> {
			if (this.store != null) {
				this.store.clear();
			}
			this.queue.clear();
			this.clock.reset();
			this.mocks.clear();
			this.events.clear();
			this.dueRuns.registerCrons();
			return null;
		});
	}

	/**
	 * Does work that executes runs, as {@link #onEngine} does, and then notes what their
	 * steps did with the mocks, however the work ended: only such work reaches steps.
	 */
	private <T> T executing(Supplier<T> work) {
		return onEngine(() -> {
			try {
				return work.get();
			}
			finally {
				noteMockedStepsOfOtherKinds();
			}
		});
	}

	/** What a test whose transaction holds the engine back can do. */
	private static final String OUTSIDE_THE_TRANSACTION = "Call the application outside the test's transaction, "
			+ "commit it first (TestTransaction.flagForCommit() and end()), or make the test not @Transactional";

	/**
	 * Does work with the engine on its thread, and waits for it.
	 */
	private <T> T onEngine(Supplier<T> work) {
		if (this.store != null && TransactionSynchronizationManager.hasResource(this.store.transactionManager())) {
			// The engine's thread would wait for the store until the test's thread let go
			// of it, at the end of its transaction.
			throw new IllegalStateException("The test's thread holds the in-memory Inngest store in a transaction "
					+ "that has not ended, as a transaction on a database holds the rows it wrote: the application "
					+ "sent events or read runs in the test's transaction (a @Transactional test?), and the "
					+ "engine's thread cannot go on until that transaction ends. " + OUTSIDE_THE_TRANSACTION);
		}
		if (EventIntake.runsAwaitCallersCommit()) {
			// On a database, the engine's thread would not see the runs: the test would
			// find none, or fewer than it sent for, with nothing to say why.
			throw new IllegalStateException("The application sent events in the test's transaction (a "
					+ "@Transactional test?), which has not ended: their runs exist only once it commits, and the "
					+ "engine's thread cannot see them before. " + OUTSIDE_THE_TRANSACTION);
		}
		T result;
		try {
			result = this.engine.call(work);
		}
		catch (RuntimeException | Error ex) {
			this.mocks.failOnMisuse(ex);
			throw ex;
		}
		this.mocks.failOnMisuse(null);
		return result;
	}

	/**
	 * Notes the steps that have mocks but are not run steps, which never consult them.
	 */
	private void noteMockedStepsOfOtherKinds() {
		if (this.mocks.isEmpty()) {
			return;
		}
		for (RunView run : allRuns()) {
			for (StepRecord step : this.steps.findByRun(run.id())) {
				this.mocks.reached(run.functionId(), step.stepId(), step.kind());
			}
		}
	}

	private List<RunView> allRuns() {
		List<RunView> all = new ArrayList<>();
		String cursor = null;
		do {
			RunPage page = this.inngestRuns.list(new RunQuery(null, null, null, null, RunQuery.MAX_LIMIT, cursor));
			all.addAll(page.runs());
			cursor = page.nextCursor();
		}
		while (cursor != null);
		return all;
	}

}
