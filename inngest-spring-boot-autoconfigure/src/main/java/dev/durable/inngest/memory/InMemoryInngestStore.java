package dev.durable.inngest.memory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.ReplayStore;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.engine.store.RetentionStore.EventPosition;
import dev.durable.inngest.engine.store.RunStatsStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitRecord;
import dev.durable.inngest.engine.store.WaitStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every store of the local engine in the JVM's memory, with the transactions that make a
 * unit of work atomic: for tests, and for applications whose runs need not outlive the
 * process. It honours the conditions the JDBC store does (leases, due times, runs that
 * have not ended, duplicate keys) and keeps what one store writes readable through the
 * others, as the tables of a database do.
 * <p>
 * Everything is guarded by one lock. Each call of a store takes it for that call, and a
 * transaction of {@link #transactionManager()} takes it from its start until it commits
 * or rolls back, so that transactions are serializable: one runs at a time, and no call
 * outside them sees their changes before they commit. A rollback undoes every change the
 * transaction made. The lock is held while the transaction's callback runs, so a
 * transaction should not wait for another thread that uses the store. Inside a
 * transaction of the application's own transaction manager, the store's transactions take
 * part in it, as the engine's work does on a database (see
 * {@link #transactionManager()}).
 * <p>
 * What a database gives and this store does not: nothing survives the process, several
 * instances of an application cannot share it (each has a store of its own), and times
 * are kept to the microsecond, as the database columns keep them. Events are kept as JSON
 * and read back from it, so that a run sees its event as it sees one read from a
 * database.
 */
public final class InMemoryInngestStore {

	private final ReentrantLock lock = new ReentrantLock();

	private final ThreadLocal<@Nullable UndoLog> undo = new ThreadLocal<>();

	private final JsonCodec json;

	/** Events by id; {@link #eventsReceived} orders them by when they were received. */
	final Table<String, StoredEvent> events;

	final NavigableSet<EventPosition> eventsReceived = new TreeSet<>(
			Comparator.comparing(EventPosition::receivedAt).thenComparing(EventPosition::id));

	/**
	 * Ids sent again after the deduplication window, by id: the key of the latest event
	 * of each.
	 */
	final Table<String, ResentEvent> resent;

	/** Runs by id; {@link #runsDue} orders those with a due time by it. */
	final Table<String, RunRow> runs;

	final NavigableSet<RunRow> runsDue = new TreeSet<>(
			Comparator.comparing((RunRow run) -> run.dueAt).thenComparing((run) -> run.id));

	/** How many stored runs each event triggers. */
	final Map<String, Integer> triggers = new HashMap<>();

	/**
	 * Steps in rows of their own, as {@code JdbcStepStore} keeps them: not a run's last
	 * step.
	 */
	final Table<RowKey, StepRecord> steps;

	final Table<AttemptKey, AttemptRecord> attempts;

	final Table<RowKey, WaitRecord> waits;

	final Table<String, CancellationRow> cancellations;

	/** The links of reruns, by the rerun's id. */
	final Table<String, RerunRow> reruns;

	final Table<String, ReplayRow> replays;

	final Table<RowKey, CronStore.CronTick> crons;

	private final InMemoryRunStore runStore;

	private final InMemoryStepStore stepStore;

	private final InMemoryWaitStore waitStore;

	private final InMemoryEventStore eventStore;

	private final InMemoryCancellationStore cancellationStore;

	private final InMemoryCronStore cronStore;

	private final InMemoryReplayStore replayStore;

	private final InMemoryRunStatsStore statsStore;

	private final InMemoryRetentionStore retentionStore;

	private final InMemoryTransactionManager transactionManager;

	/**
	 * Creates an empty store that writes events with a default JSON mapper.
	 */
	public InMemoryInngestStore() {
		this(new JsonCodec(JsonMapper.builder().build()));
	}

	/**
	 * Creates an empty store.
	 * @param json writes and reads events, as the JDBC store does
	 */
	public InMemoryInngestStore(JsonCodec json) {
		this.json = json;
		this.events = new Table<>(this, null, (before, after) -> {
			if (before != null) {
				this.eventsReceived.remove(before.position());
			}
			if (after != null) {
				this.eventsReceived.add(after.position());
			}
		});
		this.resent = new Table<>(this, null);
		this.runs = new Table<>(this, null, this::indexRun);
		this.steps = new Table<>(this, RowKey.ORDER);
		this.attempts = new Table<>(this, AttemptKey.ORDER);
		this.waits = new Table<>(this, RowKey.ORDER);
		this.cancellations = new Table<>(this, null);
		this.crons = new Table<>(this, RowKey.ORDER);
		this.reruns = new Table<>(this, null);
		this.replays = new Table<>(this, null);
		this.runStore = new InMemoryRunStore(this);
		this.stepStore = new InMemoryStepStore(this);
		this.waitStore = new InMemoryWaitStore(this);
		this.eventStore = new InMemoryEventStore(this);
		this.cancellationStore = new InMemoryCancellationStore(this);
		this.cronStore = new InMemoryCronStore(this);
		this.replayStore = new InMemoryReplayStore(this);
		this.statsStore = new InMemoryRunStatsStore(this);
		this.retentionStore = new InMemoryRetentionStore(this);
		this.transactionManager = new InMemoryTransactionManager(this);
	}

	private void indexRun(@Nullable RunRow before, @Nullable RunRow after) {
		if (before != null) {
			if (before.dueAt != null) {
				this.runsDue.remove(before);
			}
			this.triggers.computeIfPresent(before.eventId, (id, count) -> (count > 1) ? count - 1 : null);
		}
		if (after != null) {
			if (after.dueAt != null) {
				this.runsDue.add(after);
			}
			this.triggers.merge(after.eventId, 1, Integer::sum);
		}
	}

	/**
	 * The run store.
	 * @return the run store
	 */
	public RunStore runs() {
		return this.runStore;
	}

	/**
	 * The step store.
	 * @return the step store
	 */
	public StepStore steps() {
		return this.stepStore;
	}

	/**
	 * The wait store.
	 * @return the wait store
	 */
	public WaitStore waits() {
		return this.waitStore;
	}

	/**
	 * The event store.
	 * @return the event store
	 */
	public EventStore events() {
		return this.eventStore;
	}

	/**
	 * The store of bulk cancellations.
	 * @return the cancellation store
	 */
	public CancellationStore cancellations() {
		return this.cancellationStore;
	}

	/**
	 * The store of reruns and bulk replays.
	 * @return the replay store
	 */
	public ReplayStore replays() {
		return this.replayStore;
	}

	/**
	 * The counts of what runs did, for charts.
	 * @return the stats store
	 */
	public RunStatsStore stats() {
		return this.statsStore;
	}

	/**
	 * The store of cron triggers.
	 * @return the cron store
	 */
	public CronStore crons() {
		return this.cronStore;
	}

	/**
	 * The retention's deletions.
	 * @return the retention store
	 */
	public RetentionStore retention() {
		return this.retentionStore;
	}

	/**
	 * The transaction manager of this store: a transaction holds the store's lock until
	 * it ends, and its rollback undoes its changes. It joins a transaction the thread has
	 * already begun, suspends it for {@code REQUIRES_NEW}, and supports transaction
	 * synchronizations; it does not support nested transactions (savepoints). In a
	 * transaction of another manager, a transaction that does not require a new one takes
	 * part in it: the thread keeps the store locked until that transaction ends, which
	 * keeps or undoes the store's changes.
	 * @return the transaction manager
	 */
	public PlatformTransactionManager transactionManager() {
		return this.transactionManager;
	}

	/**
	 * Runs work in a transaction of {@link #transactionManager()}.
	 * @return the transaction operations
	 */
	public TransactionOperations transactions() {
		return new TransactionTemplate(this.transactionManager);
	}

	JsonCodec json() {
		return this.json;
	}

	/**
	 * Forgets every event, run, step, attempt, wait, cancellation, rerun, replay and cron
	 * tick stored: for tests that share one store, as those of one cached application
	 * context do, and start each from empty.
	 */
	public void clear() {
		locked(() -> {
			clear(this.events);
			clear(this.resent);
			clear(this.runs);
			clear(this.steps);
			clear(this.attempts);
			clear(this.waits);
			clear(this.cancellations);
			clear(this.reruns);
			clear(this.replays);
			clear(this.crons);
		});
	}

	private static <K> void clear(Table<K, ?> table) {
		// Row by row, so that the indexes derived from the rows follow.
		for (K key : List.copyOf(table.rows().keySet())) {
			table.remove(key);
		}
	}

	/**
	 * Runs a call of a store under the lock, in the transaction of the thread, if any.
	 */
	<T> T locked(Supplier<T> call) {
		this.lock.lock();
		try {
			return call.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The runs of a function created in a time range, by id from after a run, that a
	 * filter keeps, at most a limit; read through the range of run ids the time range
	 * spans, as the database reads its primary key.
	 * @param functionId the function
	 * @param createdAfter runs created at or after this time
	 * @param createdBefore runs created before this time
	 * @param afterId the run the range starts after, or {@code null} for its start
	 * @param limit the most runs returned
	 * @param keep which runs are returned
	 * @return the runs, by id
	 */
	List<RunRow> runsCreatedBetween(String functionId, Instant createdAfter, Instant createdBefore,
			@Nullable String afterId, int limit, Predicate<RunRow> keep) {
		String lowest = Ids.lowest(createdAfter);
		if (afterId != null && afterId.compareTo(lowest) >= 0) {
			lowest = afterId + '\0';
		}
		String to = Ids.lowest(createdBefore.plusMillis(1));
		String from = lowest;
		return locked(() -> {
			List<RunRow> found = new ArrayList<>();
			if (from.compareTo(to) >= 0) {
				return found;
			}
			for (RunRow run : this.runs.range(from, to).values()) {
				if (found.size() >= limit) {
					break;
				}
				if (run.functionId.equals(functionId) && !run.createdAt.isBefore(createdAfter)
						&& run.createdAt.isBefore(createdBefore) && keep.test(run)) {
					found.add(run);
				}
			}
			return found;
		});
	}

	void locked(Runnable call) {
		locked(() -> {
			call.run();
			return null;
		});
	}

	ReentrantLock lock() {
		return this.lock;
	}

	/** The undo log of the thread's transaction, or {@code null} outside one. */
	@Nullable UndoLog currentUndoLog() {
		return this.undo.get();
	}

	void bindUndoLog(@Nullable UndoLog log) {
		if (log != null) {
			this.undo.set(log);
		}
		else {
			this.undo.remove();
		}
	}

	void logUndo(Runnable action) {
		UndoLog log = this.undo.get();
		if (log != null) {
			log.add(action);
		}
	}

	static DuplicateKeyException duplicate(String table, Object key) {
		return new DuplicateKeyException("Duplicate key in " + table + ": " + key);
	}

	/** A time as a database column keeps it: to the microsecond. */
	static @Nullable Instant stored(@Nullable Instant time) {
		return (time != null) ? time.truncatedTo(ChronoUnit.MICROS) : null;
	}

	/** The changes of a transaction, undone in reverse order on rollback. */
	static final class UndoLog {

		private final List<Runnable> actions = new ArrayList<>();

		private boolean rollbackOnly;

		void add(Runnable action) {
			this.actions.add(action);
		}

		void undo() {
			for (int i = this.actions.size() - 1; i >= 0; i--) {
				this.actions.get(i).run();
			}
			this.actions.clear();
		}

		void forget() {
			this.actions.clear();
		}

		boolean isRollbackOnly() {
			return this.rollbackOnly;
		}

		void setRollbackOnly() {
			this.rollbackOnly = true;
		}

	}

	/**
	 * The key of a row that belongs to another: a step or a wait of a run, a cron
	 * trigger.
	 */
	record RowKey(String owner, String key) {

		static final Comparator<RowKey> ORDER = Comparator.comparing(RowKey::owner).thenComparing(RowKey::key);

		/** The first key of an owner's rows. */
		static RowKey first(String owner) {
			return new RowKey(owner, "");
		}

		/**
		 * The first key after an owner's rows: no string lies between a string and itself
		 * with a NUL.
		 */
		static RowKey after(String owner) {
			return new RowKey(owner + '\0', "");
		}

	}

	/** The key of a failed attempt: the body's are stored with an empty step key. */
	record AttemptKey(String runId, String stepKey, int attempt) {

		static final Comparator<AttemptKey> ORDER = Comparator.comparing(AttemptKey::runId)
			.thenComparing(AttemptKey::stepKey)
			.thenComparingInt(AttemptKey::attempt);

		/** The first key of a run's attempts. */
		static AttemptKey first(String runId) {
			return new AttemptKey(runId, "", Integer.MIN_VALUE);
		}

		/** The first key after a run's attempts (see {@link RowKey#after}). */
		static AttemptKey after(String runId) {
			return first(runId + '\0');
		}

	}

	/**
	 * An event as stored: its data and user fields as JSON; an event sent again with an
	 * id after the deduplication window is kept under a key of its own, with the id it
	 * was sent with.
	 */
	record StoredEvent(String id, @Nullable String sentId, String name, String data, @Nullable String user, long ts,
			@Nullable String v, Instant receivedAt) {

		EventPosition position() {
			return new EventPosition(this.receivedAt, this.id);
		}

	}

	/** Where the latest event of an id sent again is kept. */
	record ResentEvent(String eventKey, Instant receivedAt) {

	}

	/** A rerun's link to the run it runs again. */
	record RerunRow(String runId, String rerunOf, @Nullable String replayId, Instant createdAt) {

	}

	/** A bulk replay and the last run it handled. */
	record ReplayRow(BulkReplay replay, @Nullable String lastRunId) {

	}

	/** A bulk cancellation and the last run it handled. */
	record CancellationRow(BulkCancellation cancellation, @Nullable String lastRunId) {

	}

}
