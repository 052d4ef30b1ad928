package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventTooLargeException;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewEvents;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepResolution;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitRecord;
import dev.durable.inngest.engine.store.WaitStore;
import dev.durable.inngest.function.CancelRule;
import dev.durable.inngest.function.Expression;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.StringUtils;

/**
 * Takes events in, for the {@link EventIngestor} and the {@link RunEndEvents}: stores
 * them, starts a run of every function they trigger and resumes the runs waiting for
 * them, all in one transaction (the caller's, if one is active). The runs it makes due
 * are handed to the {@link RunQueue} once that transaction commits. As many of the runs
 * it starts as this instance's workers can be expected to start soon are created already
 * leased to this instance and held for them ({@link LeasedRuns}), so that a worker starts
 * each without a claim; except those of functions with timeouts, whose start and finish
 * are measured from a worker's claim.
 * <p>
 * Where the store can ({@link EventStore#insertsAtOnce()}), events that no run waits for
 * are stored with their runs in one statement: in the caller's transaction if one is
 * active, and otherwise committing on its own, without a transaction's round trips.
 * <p>
 * The runs that an event cancels (by a {@link dev.durable.inngest.CancelOn} rule) are
 * cancelled through the {@link Cancels} the caller passes, in the same transaction: the
 * cancellation of a run takes in a system event itself, so the intake holds no canceller
 * of its own.
 */
public final class EventIntake {

	/** The prefix of the names of system events, which the application cannot send. */
	public static final String RESERVED_PREFIX = "inngest/";

	/**
	 * The earliest time an event sent with its own {@code ts} may carry, as Inngest's
	 * event API.
	 */
	private static final long EARLIEST_TS = Instant.parse("1980-01-01T00:00:00Z").toEpochMilli();

	/**
	 * The latest time an event sent with its own {@code ts} may carry, as Inngest's event
	 * API.
	 */
	private static final long LATEST_TS = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

	/** The bytes an event's JSON gains with the id it is given: 28 in place of null. */
	private static final long GIVEN_ID_BYTES = 28 - 4;

	/** The bytes an event's JSON gains with the time it is given: 13 digits for 0. */
	private static final long GIVEN_TS_BYTES = 13 - 1;

	/**
	 * Inngest's deduplication window of event ids: an event sent with the id of one
	 * received within it before starts no run.
	 */
	public static final Duration DEDUPLICATION_WINDOW = Duration.ofHours(24);

	private static final String CANCEL_RULE_KEY = "cancel-on:";

	private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

	private final EventStore events;

	private final RunStore runs;

	private final StepStore steps;

	private final WaitStore waits;

	private final TransactionOperations transactions;

	private final Clock clock;

	private final JsonCodec json;

	private final Ids ids;

	private final ExpressionCache expressions;

	private final Duration leaseDuration;

	private final RunSignals signals;

	private final Supplier<FunctionRegistry> registry;

	private final RunQueue queue;

	private final LeasedRuns executing;

	private final InputLimits limits;

	/**
	 * Creates the intake.
	 * @param events the event store
	 * @param runs the run store
	 * @param steps the step store
	 * @param waits the wait store
	 * @param transactions runs work in one transaction
	 * @param clock the clock
	 * @param json the JSON codec
	 * @param ids makes ids
	 * @param expressions compiles CEL conditions given at run time
	 * @param leaseDuration how long a claimed run stays leased unless renewed
	 * @param signals tells the other instances of runs made due or cancelled
	 * @param registry the functions
	 * @param queue where due runs are handed off
	 * @param executing holds the runs created leased to this instance
	 * @param limits the largest events it takes in
	 */
	public EventIntake(EventStore events, RunStore runs, StepStore steps, WaitStore waits,
			TransactionOperations transactions, Clock clock, JsonCodec json, Ids ids, ExpressionCache expressions,
			Duration leaseDuration, RunSignals signals, Supplier<FunctionRegistry> registry, RunQueue queue,
			LeasedRuns executing, InputLimits limits) {
		this.events = events;
		this.runs = runs;
		this.steps = steps;
		this.waits = waits;
		this.transactions = transactions;
		this.clock = clock;
		this.json = json;
		this.ids = ids;
		this.expressions = expressions;
		this.leaseDuration = leaseDuration;
		this.signals = signals;
		this.registry = registry;
		this.queue = queue;
		this.executing = executing;
		this.limits = limits;
	}

	/**
	 * Takes in events sent by the application, all or none.
	 * @param events the events
	 * @param cancels cancels the runs the events cancel
	 * @return their ids, in order
	 * @throws InvalidEventException when an event is invalid; nothing is stored then
	 */
	public List<String> send(List<Event> events, Cancels cancels) {
		validate(events);
		return sendValid(events, cancels);
	}

	/**
	 * Checks events that the application sends.
	 * @param events the events
	 * @throws InvalidEventException when an event is invalid
	 */
	public void validate(List<Event> events) {
		for (int i = 0; i < events.size(); i++) {
			validate(i, events.get(i));
		}
	}

	/**
	 * Takes in events sent by the application and checked already
	 * ({@link #validate(List)}), all or none.
	 * @param events the events
	 * @param cancels cancels the runs the events cancel
	 * @return their ids, in order
	 */
	public List<String> sendValid(List<Event> events, Cancels cancels) {
		return ingest(events, this::triggered, cancels).stream().map(Event::id).toList();
	}

	/**
	 * Takes in a system event, such as {@code inngest/function.failed}, starting the
	 * functions it triggers and, besides them, the given ones.
	 * @param event the event
	 * @param alsoStart functions to start whatever their triggers, such as a failure
	 * handler
	 * @param cancels cancels the runs the event cancels
	 * @return the stored event
	 */
	public Event sendSystem(Event event, List<FunctionDefinition> alsoStart, Cancels cancels) {
		return ingest(List.of(event), (stored) -> {
			List<FunctionDefinition> targets = new ArrayList<>(triggered(stored));
			targets.addAll(alsoStart);
			return targets;
		}, cancels).get(0);
	}

	/**
	 * Takes in an event that starts runs of the given functions only, such as a cron
	 * tick.
	 * @param event the event
	 * @param functions the functions to start
	 * @param cancels cancels the runs the event cancels
	 * @return the stored event
	 */
	public Event startRuns(Event event, List<FunctionDefinition> functions, Cancels cancels) {
		return ingest(List.of(event), (stored) -> functions, cancels).get(0);
	}

	/**
	 * Starts a run of a function for an event stored before, such as the trigger of a run
	 * that is run again: queued, with the function's {@code @CancelOn} rules, and handed
	 * to the queue once the transaction (the caller's, if one is active) commits.
	 * @param function the function
	 * @param stored the event, as stored
	 * @param eventKey the key the event is stored under ({@link RunStore#eventKey})
	 * @return the new run's id
	 */
	public String startAgain(FunctionDefinition function, Event stored, String eventKey) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		return this.transactions.execute((status) -> {
			NewRun run = new NewRun(this.ids.next(now), function.id(), eventKey, now);
			this.runs.create(List.of(run));
			List<WaitRecord> cancelRules = new ArrayList<>();
			addCancelRules(run, function, stored, cancelRules);
			this.waits.insert(cancelRules);
			handOffAfterCommit(List.of(run.id()), List.of());
			return run.id();
		});
	}

	private void validate(int index, Event event) {
		if (event == null) {
			throw new InvalidEventException("Event " + index + " is null");
		}
		if (!StringUtils.hasText(event.name())) {
			throw new InvalidEventException(
					"Event " + index + " has no name; every event needs one, such as " + "\"shop/order.placed\"");
		}
		longest(index, "name", event.name(), this.limits.eventNameLength(), "inngest.limits.event-name-length");
		if (event.name().startsWith(RESERVED_PREFIX)) {
			throw new InvalidEventException("Event " + index + " is named '" + Errors.abbreviate(event.name())
					+ "', but names starting with '" + RESERVED_PREFIX + "' are reserved for system events");
		}
		if (event.id() != null) {
			if (event.id().isBlank()) {
				throw new InvalidEventException("Event " + index + " has a blank id; leave the id out to have one "
						+ "made, or give one with text in it");
			}
			longest(index, "id", event.id(), this.limits.eventIdLength(), "inngest.limits.event-id-length");
		}
		if (event.v() != null) {
			longest(index, "v", event.v(), InputLimits.VERSION_COLUMN, null);
		}
		if (event.ts() != 0 && (event.ts() < EARLIEST_TS || event.ts() >= LATEST_TS)) {
			throw new InvalidEventException("Event " + index + ": ts is " + event.ts() + ", but it must be "
					+ "milliseconds since the epoch between 1980 and 2100 (" + EARLIEST_TS + " to " + (LATEST_TS - 1)
					+ "), or 0 for the time it is received");
		}
		boolean tooLarge;
		try {
			// Measured as it is stored, with the id and the time it is given if it has
			// none, without copying it: an id of 26 characters in quotes where it has
			// null, and 13 digits where it has 0.
			long given = ((event.id() == null) ? GIVEN_ID_BYTES : 0) + ((event.ts() == 0) ? GIVEN_TS_BYTES : 0);
			tooLarge = this.json.exceeds(event, this.limits.eventSize() - given);
		}
		catch (JacksonException ex) {
			throw new InvalidEventException("Event " + index + " cannot be written as JSON: " + ex.getOriginalMessage(),
					ex);
		}
		if (tooLarge) {
			throw new EventTooLargeException("Event " + index + " takes more than " + this.limits.eventSize()
					+ " bytes as JSON; the largest allowed is " + this.limits.eventSize()
					+ " bytes (inngest.limits.event-size)");
		}
	}

	private static void longest(int index, String field, String value, int limit, @Nullable String property) {
		if (value.indexOf('\0') >= 0) {
			// The column is text, and PostgreSQL cannot store a NUL character in text.
			throw new InvalidEventException("Event " + index + ": " + field + " holds a NUL character (\\u0000), "
					+ "which an event's " + field + " may not hold");
		}
		if (value.length() > limit) {
			throw new InvalidEventException(
					"Event " + index + ": " + field + " has " + value.length() + " characters; the longest allowed is "
							+ limit + ((property != null) ? " (" + property + ")" : ""));
		}
	}

	private List<Event> ingest(List<Event> events, Function<Event, List<FunctionDefinition>> targets, Cancels cancels) {
		try {
			return ingestOnce(events, targets, cancels);
		}
		catch (DuplicateKeyException ex) {
			// Another instance stored an event of an id the sender chose meanwhile, and
			// the database refused this one once the other committed: taken in again,
			// the event is found sent before. In the caller's transaction, which the
			// database has failed, that is the caller's to do.
			if (TransactionSynchronizationManager.isActualTransactionActive()
					|| events.stream().allMatch((event) -> event.id() == null)) {
				throw ex;
			}
			return ingestOnce(events, targets, cancels);
		}
	}

	private List<Event> ingestOnce(List<Event> events, Function<Event, List<FunctionDefinition>> targets,
			Cancels cancels) {
		// To the microsecond, as the databases store it: a run's id is made of its
		// creation time.
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		List<Event> stamped = new ArrayList<>(events.size());
		// Only ids the sender chose can have been sent before; fresh ones cannot.
		List<String> givenIds = new ArrayList<>();
		for (Event event : events) {
			if (event.id() != null) {
				givenIds.add(event.id());
			}
			Event withId = (event.id() != null) ? event : event.withId(this.ids.next());
			stamped.add((withId.ts() != 0) ? withId : withId.withTs(now.toEpochMilli()));
		}
		NewRuns planned = null;
		if (this.events.insertsAtOnce()) {
			NewRuns started = new NewRuns(now);
			List<Event> unique = unique(stamped, Set.of());
			started.add(unique, targets);
			if (this.events
				.insertUnlessAwaited(new NewEvents(unique, givenIds, started.runs, started.cancelRules, now))) {
				handOffAfterCommit(started.queued(), started.held);
				return stamped;
			}
			// A run waits for one of these events, or one was sent before.
			planned = started;
		}
		ingestOneByOne(stamped, givenIds, now, targets, cancels, planned);
		return stamped;
	}

	/**
	 * Stores events statement by statement, in one transaction: resumes the waits they
	 * match, and leaves out the events whose ids were received within the deduplication
	 * window.
	 * @param planned the runs planned for all the events, kept if none was sent before
	 */
	private void ingestOneByOne(List<Event> stamped, List<String> givenIds, Instant now,
			Function<Event, List<FunctionDefinition>> targets, Cancels cancels, @Nullable NewRuns planned) {
		this.transactions.executeWithoutResult((status) -> {
			Instant windowStart = now.minus(DEDUPLICATION_WINDOW);
			Set<String> sentBefore = new HashSet<>();
			Set<String> sentLongBefore = new HashSet<>();
			this.events.lastReceived(givenIds)
				.forEach((id, received) -> (received.isBefore(windowStart) ? sentLongBefore : sentBefore).add(id));
			List<Event> fresh = unique(stamped, sentBefore);
			// An id last received before the window starts runs again: its event is kept
			// under a key of its own, which its runs name.
			Map<String, String> keys = new HashMap<>();
			List<Event> firsts = new ArrayList<>(fresh.size());
			for (Event event : fresh) {
				if (sentLongBefore.contains(event.id())) {
					String key = this.ids.next(now);
					this.events.insertAgain(event, key, now, windowStart);
					keys.put(event.id(), key);
				}
				else {
					firsts.add(event);
				}
			}
			this.events.insert(firsts, now);
			NewRuns started = planned;
			if (started == null || !sentBefore.isEmpty() || !keys.isEmpty()) {
				started = new NewRuns(now, keys);
				started.add(fresh, targets);
			}
			List<String> due = new ArrayList<>();
			Map<String, Set<String>> waited = this.waits
				.waitedFor(fresh.stream().map(Event::name).collect(Collectors.toSet()));
			for (Event event : fresh) {
				Set<String> paths = waited.get(event.name());
				if (paths != null) {
					due.addAll(resumeWaits(event, paths, now, cancels));
				}
			}
			this.runs.create(started.runs);
			// Stored after the batch's own events were matched: only later events cancel
			// a run.
			this.waits.insert(started.cancelRules);
			due.addAll(started.queued());
			handOffAfterCommit(due, started.held);
		});
	}

	/**
	 * The events whose ids are not among those stored already nor taken by an event
	 * before them.
	 */
	private static List<Event> unique(List<Event> events, Set<String> stored) {
		List<Event> unique = new ArrayList<>(events.size());
		Set<String> seen = new HashSet<>(stored);
		for (Event event : events) {
			if (seen.add(event.id())) {
				unique.add(event);
			}
		}
		return unique;
	}

	private List<FunctionDefinition> triggered(Event event) {
		List<FunctionDefinition> candidates = this.registry.get().triggeredBy(event.name());
		if (!anyConditional(candidates)) {
			return candidates;
		}
		Map<String, Object> view = Expression.toMap(event);
		return candidates.stream()
			.filter((function) -> function.condition() == null || function.condition().matches(view, null))
			.toList();
	}

	/**
	 * Whether any of the functions has a condition: only a condition needs the event as a
	 * map, and the expression language, which a send then does not load.
	 */
	private static boolean anyConditional(List<FunctionDefinition> functions) {
		for (FunctionDefinition function : functions) {
			if (function.condition() != null) {
				return true;
			}
		}
		return false;
	}

	private void addCancelRules(NewRun run, FunctionDefinition function, Event event, List<WaitRecord> rules) {
		for (int i = 0; i < function.cancelOn().size(); i++) {
			CancelRule rule = function.cancelOn().get(i);
			String matchValue = (rule.match() != null) ? this.json.matchValue(event, rule.match()) : null;
			Instant expiresAt = rule.expiresAt(run.createdAt());
			rules.add(new WaitRecord(run.id(), CANCEL_RULE_KEY + i, WaitRecord.Kind.CANCEL, rule.event(), rule.match(),
					matchValue, (rule.condition() != null) ? rule.condition().source() : null,
					(expiresAt != null) ? expiresAt : NEVER));
		}
	}

	private List<String> resumeWaits(Event event, Set<String> paths, Instant now, Cancels cancels) {
		List<WaitRecord> candidates = new ArrayList<>();
		for (String path : paths) {
			if (WaitStore.UNMATCHED.equals(path)) {
				candidates.addAll(this.waits.findUnmatched(event.name(), now));
				continue;
			}
			String value = this.json.matchValue(event, path);
			if (value != null) {
				candidates.addAll(this.waits.findByMatch(event.name(), path, value, now));
			}
		}
		List<String> resumed = new ArrayList<>();
		String eventJson = null;
		for (WaitRecord wait : candidates) {
			RunRecord run = (wait.condition() != null || wait.kind() == WaitRecord.Kind.CANCEL)
					? this.runs.find(wait.runId()).orElse(null) : null;
			if (wait.condition() != null && (run == null || !conditionHolds(wait, run, event))) {
				continue;
			}
			if (wait.kind() == WaitRecord.Kind.CANCEL) {
				if (run != null) {
					cancels.cancel(run, new RunView.Cancellation("event",
							"Cancelled by event '" + event.name() + "' (" + event.id() + ") matching a @CancelOn rule"),
							event.id());
				}
				continue;
			}
			// The run first, as a cancellation takes it (RunStore.lock).
			this.runs.lock(wait.runId());
			if (!this.waits.delete(wait.runId(), wait.stepKey())) {
				continue;
			}
			if (wait.kind() == WaitRecord.Kind.INVOKE) {
				// The invoked run ended: the step takes its output or its error.
				this.steps.update(Invocations.resolution(wait, event, this.json, now));
			}
			else {
				if (eventJson == null) {
					eventJson = this.json.write(event);
				}
				this.steps.update(StepResolution.eventReceived(wait.runId(), wait.stepKey(), eventJson, now));
			}
			if (this.runs.wake(wait.runId(), now)) {
				resumed.add(wait.runId());
			}
		}
		return resumed;
	}

	private boolean conditionHolds(WaitRecord wait, RunRecord run, Event event) {
		return this.expressions.get(wait.condition()).matches(Expression.toMap(run.event()), Expression.toMap(event));
	}

	/**
	 * Hands due runs to the queue once the transaction commits, and the runs created
	 * leased to this instance to its holding and then to the queue. Only the due runs
	 * that this instance's free workers will not start at once are signalled to the other
	 * instances: they cannot claim a leased run, and would only race this one for the
	 * others. The free workers counted for these runs are not counted for another send
	 * until the runs are queued, or the transaction rolls back.
	 */
	private void handOffAfterCommit(List<String> due, List<RunExecutor.Claim> held) {
		if (due.isEmpty() && held.isEmpty()) {
			return;
		}
		int counted = this.queue.promise(held.size() + due.size());
		int startedHere = Math.max(0, counted - held.size());
		if (startedHere < due.size()) {
			this.signals.due(due.subList(startedHere, due.size()));
		}
		List<String> runIds = new ArrayList<>(due);
		held.forEach((claim) -> runIds.add(claim.run().id()));
		Runnable handOff = () -> {
			this.executing.hold(held);
			this.queue.offerNow(runIds);
		};
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new HandOffOnCommit(handOff, counted));
		}
		else {
			try {
				handOff.run();
			}
			finally {
				this.queue.release(counted);
			}
		}
	}

	/**
	 * Whether the calling thread's transaction took in events that start or resume runs,
	 * and has not ended: until it commits, no worker, on this instance or another, can
	 * see those runs.
	 * @return {@code true} if runs wait for the calling thread's transaction to commit
	 */
	public static boolean runsAwaitCallersCommit() {
		return TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.getSynchronizations()
					.stream()
					.anyMatch(HandOffOnCommit.class::isInstance);
	}

	/**
	 * Hands the runs of events taken in a caller's transaction to the queue once it
	 * commits.
	 */
	private final class HandOffOnCommit implements TransactionSynchronization {

		private final Runnable handOff;

		private final int counted;

		HandOffOnCommit(Runnable handOff, int counted) {
			this.handOff = handOff;
			this.counted = counted;
		}

		@Override
		public void afterCommit() {
			this.handOff.run();
		}

		@Override
		public void afterCompletion(int status) {
			EventIntake.this.queue.release(this.counted);
		}

	}

	/**
	 * Cancels a run that an event cancels.
	 */
	@FunctionalInterface
	public interface Cancels {

		/**
		 * Cancels a run that has not ended, in the caller's transaction.
		 * @param run the run as last read
		 * @param cancellation who cancels it and why
		 * @param causeId the id of the event that cancels it, or {@code null}
		 * @return {@code true} if this call cancelled it; {@code false} if it had ended
		 */
		boolean cancel(RunRecord run, RunView.Cancellation cancellation, @Nullable String causeId);

	}

	/**
	 * The runs an ingestion creates, with their cancel rules: leased to this instance,
	 * one lease for all, as many as it may hold; queued otherwise, and for functions with
	 * timeouts.
	 */
	private final class NewRuns {

		private final Instant now;

		private int holdable = EventIntake.this.executing.holdable();

		private final List<NewRun> runs = new ArrayList<>();

		private final List<WaitRecord> cancelRules = new ArrayList<>();

		private final List<RunExecutor.Claim> held = new ArrayList<>();

		private @Nullable String lease;

		private @Nullable Event stored;

		/** The keys of the events stored under keys of their own, by their ids. */
		private final Map<String, String> keys;

		NewRuns(Instant now) {
			this(now, Map.of());
		}

		NewRuns(Instant now, Map<String, String> keys) {
			this.now = now;
			this.keys = keys;
		}

		/**
		 * Creates a run of every function each event starts, with its cancel rules.
		 */
		void add(List<Event> events, Function<Event, List<FunctionDefinition>> targets) {
			for (Event event : events) {
				for (FunctionDefinition function : targets.apply(event)) {
					NewRun run = create(function, event);
					this.runs.add(run);
					addCancelRules(run, function, event, this.cancelRules);
				}
			}
		}

		/**
		 * The ids of the runs created queued.
		 */
		List<String> queued() {
			return this.runs.stream().filter((run) -> !run.leased()).map(NewRun::id).toList();
		}

		private NewRun create(FunctionDefinition function, Event event) {
			String id = EventIntake.this.ids.next(this.now);
			String eventKey = this.keys.getOrDefault(event.id(), event.id());
			if (this.holdable == 0 || function.timeouts().start() != null || function.timeouts().finish() != null) {
				return new NewRun(id, function.id(), eventKey, this.now);
			}
			this.holdable--;
			if (this.lease == null) {
				this.lease = EventIntake.this.executing.newLease();
			}
			if (this.stored == null || !this.stored.id().equals(event.id())) {
				this.stored = EventIntake.this.json.asStored(event);
			}
			Instant leaseUntil = this.now.plus(EventIntake.this.leaseDuration);
			RunRecord run = new RunRecord(id, function.id(), this.stored, RunStatus.RUNNING, 0, this.now, this.now,
					null, leaseUntil, null, null, null);
			this.held.add(new RunExecutor.Claim(run, this.lease, true));
			return new NewRun(id, function.id(), eventKey, this.now, this.lease, leaseUntil);
		}

	}

}
