package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.CronStore.CronTick;
import dev.durable.inngest.function.CronSchedule;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionOperations;

/**
 * Fires cron triggers: each tick starts one run of its function with an
 * {@code inngest/scheduled.timer} event, whose data holds the schedule ({@code cron}),
 * the time the tick was due ({@code scheduledAt}) and the time it fired ({@code fireAt}),
 * both in RFC 3339 and UTC. The next fire time of each trigger is stored, and a tick
 * fires on the instance that moves it on, so several instances fire it once. Ticks missed
 * while no instance ran fire once, not once per missed tick. The schedules are registered
 * again whenever the functions change, as when an app synced to the executor adds or
 * removes a schedule.
 */
public final class CronScheduler {

	/** The name of the event a cron tick sends. */
	public static final String SCHEDULED_EVENT = "inngest/scheduled.timer";

	private final CronStore store;

	private final Supplier<FunctionRegistry> registry;

	private final EventIngestor ingestor;

	private final Clock clock;

	private final TransactionOperations transactions;

	/**
	 * Whether this instance fires ticks: off, it leaves the stored ones to the others.
	 */
	private final boolean enabled;

	/** The functions whose schedules were registered last. */
	private volatile @Nullable FunctionRegistry registered;

	/**
	 * Creates a scheduler.
	 * @param store stores the next fire times
	 * @param registry the functions
	 * @param ingestor starts the runs
	 * @param clock the clock
	 * @param transactions fires each tick in one transaction with moving it on
	 */
	public CronScheduler(CronStore store, Supplier<FunctionRegistry> registry, EventIngestor ingestor, Clock clock,
			TransactionOperations transactions) {
		this(store, registry, ingestor, clock, transactions, true);
	}

	/**
	 * Creates a scheduler that may leave the ticks to other instances.
	 * @param store stores the next fire times
	 * @param registry the functions
	 * @param ingestor starts the runs
	 * @param clock the clock
	 * @param transactions fires each tick in one transaction with moving it on
	 * @param enabled whether this instance registers the schedules and fires their ticks;
	 * when {@code false} it neither reads nor changes the stored ticks, and starts no run
	 * from a schedule
	 */
	public CronScheduler(CronStore store, Supplier<FunctionRegistry> registry, EventIngestor ingestor, Clock clock,
			TransactionOperations transactions, boolean enabled) {
		this.enabled = enabled;
		this.store = store;
		this.registry = registry;
		this.ingestor = ingestor;
		this.clock = clock;
		this.transactions = transactions;
	}

	/**
	 * Stores the next fire time of every cron trigger not stored yet, and deletes the
	 * stored triggers of schedules that a function here no longer declares, or of
	 * functions served by an app that no longer serves them. Triggers of functions this
	 * application does not know, which another application sharing the database may
	 * declare, are kept.
	 */
	public void register() {
		register(this.registry.get());
	}

	private synchronized void register(FunctionRegistry functions) {
		if (!this.enabled) {
			return;
		}
		FunctionRegistry previous = this.registered;
		Instant now = this.clock.instant();
		for (FunctionDefinition function : functions.all()) {
			for (CronSchedule cron : function.crons()) {
				Instant next = cron.next(now);
				if (next != null) {
					this.store.insertIfAbsent(new CronTick(function.id(), cron.expression(), next));
				}
			}
		}
		for (CronTick tick : this.store.findAll()) {
			FunctionDefinition function = functions.find(tick.functionId()).orElse(null);
			boolean stale = (function != null) ? declared(function, tick) == null
					: previous != null && previous.find(tick.functionId()).isPresent();
			if (stale) {
				this.store.delete(tick.functionId(), tick.expression());
			}
		}
		this.registered = functions;
	}

	/**
	 * When the next tick of a schedule a function declares falls due, if one does by the
	 * given instant.
	 * @param by the latest instant of interest
	 * @return the earliest tick, or empty if none falls due by then
	 */
	public Optional<Instant> nextTickBy(Instant by) {
		if (!this.enabled) {
			return Optional.empty();
		}
		return this.store.findDue(by)
			.stream()
			.filter((tick) -> declared(tick) != null)
			.map(CronTick::nextFireAt)
			.min(Comparator.naturalOrder());
	}

	/**
	 * Fires the ticks that are due.
	 * @return how many runs were started
	 */
	public int fireDue() {
		if (!this.enabled) {
			return 0;
		}
		FunctionRegistry functions = this.registry.get();
		if (functions != this.registered) {
			register(functions);
		}
		Instant now = this.clock.instant();
		int fired = 0;
		for (CronTick tick : this.store.findDue(now)) {
			FunctionDefinition function = this.registry.get().find(tick.functionId()).orElse(null);
			CronSchedule cron = (function != null) ? declared(function, tick) : null;
			if (cron == null) {
				continue;
			}
			Instant next = cron.next(now);
			boolean fire = next != null && Boolean.TRUE.equals(this.transactions.execute((status) -> {
				if (!this.store.advance(tick, next)) {
					return false;
				}
				this.ingestor.startRuns(scheduled(tick, now), List.of(function));
				return true;
			}));
			if (fire) {
				fired++;
			}
		}
		return fired;
	}

	/**
	 * The event of a tick: its schedule, the time it was due and the time it fired, which
	 * differ by more than a poll's delay for a tick missed while no instance ran.
	 */
	private static Event scheduled(CronTick tick, Instant now) {
		return Event.of(SCHEDULED_EVENT, Map.of("cron", tick.expression(), "scheduledAt", tick.nextFireAt().toString(),
				"fireAt", now.truncatedTo(ChronoUnit.MILLIS).toString()));
	}

	/**
	 * The schedule of a stored tick, if its function still declares it: a tick stored for
	 * a schedule since changed or removed, or by another application, never fires here,
	 * so it is never due here either.
	 */
	private @Nullable CronSchedule declared(CronTick tick) {
		return this.registry.get().find(tick.functionId()).map((function) -> declared(function, tick)).orElse(null);
	}

	private static @Nullable CronSchedule declared(FunctionDefinition function, CronTick tick) {
		return function.crons()
			.stream()
			.filter((candidate) -> candidate.expression().equals(tick.expression()))
			.findFirst()
			.orElse(null);
	}

}
