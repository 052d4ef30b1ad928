package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.RunLifecycle;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.memory.InMemoryInngestStore.RowKey;
import dev.durable.inngest.memory.InMemoryInngestStore.StoredEvent;
import org.jspecify.annotations.Nullable;

import static dev.durable.inngest.memory.InMemoryInngestStore.stored;

/**
 * The runs of an {@link InMemoryInngestStore}. A run's due time says, as in the JDBC
 * store, when a worker should next look at it: when it is queued, when its sleep or wait
 * ends, or, while it runs, when its lease expires; a run that has ended has none.
 */
final class InMemoryRunStore implements RunStore {

	private final InMemoryInngestStore store;

	InMemoryRunStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public void create(List<NewRun> runs) {
		this.store.locked(() -> {
			Set<String> ids = new HashSet<>();
			for (NewRun run : runs) {
				if (!ids.add(run.id()) || this.store.runs.contains(run.id())) {
					throw InMemoryInngestStore.duplicate("runs", run.id());
				}
			}
			for (NewRun run : runs) {
				Instant createdAt = stored(run.createdAt());
				RunRow row = new RunRow(run.id(), run.functionId(), run.eventId(), run.status(), createdAt);
				row.dueAt = stored(run.dueAt());
				row.startedAt = stored(run.startedAt());
				row.lease = run.lease();
				this.store.runs.put(row.id, row);
			}
		});
	}

	@Override
	public List<RunRecord> claim(Collection<String> runIds, String lease, Instant now, Instant leaseUntil) {
		return this.store.locked(() -> {
			List<RunRecord> claimed = new ArrayList<>();
			for (String id : new TreeSet<>(runIds)) {
				RunRow run = this.store.runs.get(id);
				// Due: queued, woken, or held under a lease that expired.
				if (run != null && run.dueAt != null && !run.dueAt.isAfter(now)) {
					RunRow taken = run.copy();
					taken.status = RunStatus.RUNNING;
					taken.lease = lease;
					taken.dueAt = stored(leaseUntil);
					taken.startedAt = (run.startedAt != null) ? run.startedAt : stored(now);
					this.store.runs.put(id, taken);
					record(taken).ifPresent(claimed::add);
				}
			}
			return claimed;
		});
	}

	@Override
	public List<String> findDue(Instant now, int limit, Collection<String> functionIds) {
		Set<String> functions = new HashSet<>(functionIds);
		return this.store.locked(() -> {
			List<String> due = new ArrayList<>();
			for (RunRow run : this.store.runsDue) {
				if (due.size() >= limit || run.dueAt.isAfter(now)) {
					break;
				}
				if (functions.contains(run.functionId)) {
					due.add(run.id);
				}
			}
			return due;
		});
	}

	@Override
	public List<String> findRunningStartedBefore(Instant startedBefore, Collection<String> functionIds, int limit) {
		Set<String> functions = new HashSet<>(functionIds);
		return this.store.locked(() -> this.store.runs.rows()
			.values()
			.stream()
			.filter((run) -> run.status == RunStatus.RUNNING && run.startedAt != null
					&& run.startedAt.isBefore(startedBefore) && functions.contains(run.functionId))
			.sorted(Comparator.comparing((RunRow run) -> run.createdAt).thenComparing((run) -> run.id))
			.limit(limit)
			.map((run) -> run.id)
			.toList());
	}

	@Override
	public List<String> findUnstarted(Instant createdBefore, Collection<String> among, int scanned,
			Collection<String> functionIds, int limit) {
		Set<String> declared = new HashSet<>(among);
		Set<String> functions = new HashSet<>(functionIds);
		return this.store.locked(() -> {
			// A run that never started has been due since it was created, or since it was
			// given back, as in the JDBC store.
			List<String> unstarted = new ArrayList<>();
			int read = 0;
			for (RunRow run : this.store.runsDue) {
				if (unstarted.size() >= limit || read >= scanned || run.dueAt.isAfter(createdBefore)) {
					break;
				}
				if (!declared.contains(run.functionId)) {
					continue;
				}
				read++;
				if (functions.contains(run.functionId) && run.status == RunStatus.QUEUED && run.startedAt == null
						&& run.createdAt.isBefore(createdBefore)) {
					unstarted.add(run.id);
				}
			}
			return unstarted;
		});
	}

	@Override
	public Optional<Instant> storeStep(StepRecord step, String lease) {
		return this.store.locked(() -> {
			// The step is kept whether or not the run is still held.
			InMemoryStepStore.insert(this.store, step);
			return leaseExpiry(step.runId(), lease);
		});
	}

	@Override
	public Optional<Instant> leaseExpiry(String runId, String lease) {
		return this.store.locked(() -> {
			RunRow run = this.store.runs.get(runId);
			return (run != null && run.heldUnder(lease)) ? Optional.ofNullable(run.dueAt) : Optional.empty();
		});
	}

	@Override
	public boolean complete(Completion completion) {
		return this.store.locked(() -> {
			StepRecord step = completion.lastStep();
			RunRow run = this.store.runs.get(completion.runId());
			boolean stepStored = step != null && this.store.steps.contains(new RowKey(completion.runId(), step.key()));
			if (run != null && run.heldUnder(completion.lease()) && !stepStored) {
				RunRow completed = run.copy();
				completed.status = RunStatus.COMPLETED;
				completed.output = completion.output();
				completed.endedAt = stored(completion.now());
				completed.dueAt = null;
				completed.lease = null;
				completed.lastStep = (step != null) ? asKeptWithRun(step) : null;
				this.store.runs.put(completed.id, completed);
				return true;
			}
			// A step that completes is always kept, even when the lease was lost.
			if (step != null) {
				InMemoryStepStore.insert(this.store, step);
			}
			return false;
		});
	}

	/**
	 * The step as the run's row keeps it: what a step that ran once and completed needs.
	 */
	private static StepRecord asKeptWithRun(StepRecord step) {
		return new StepRecord(step.runId(), step.key(), step.stepId(), StepKind.RUN, StepStatus.COMPLETED, 1,
				step.output(), null, null, stored(step.startedAt()), stored(step.endedAt()));
	}

	@Override
	public boolean fail(String runId, String lease, ErrorInfo error, Instant now) {
		return change(runId, lease, (failed) -> {
			failed.status = RunStatus.FAILED;
			failed.error = error;
			failed.endedAt = stored(now);
			failed.dueAt = null;
			failed.lease = null;
		});
	}

	@Override
	public boolean suspend(String runId, String lease, RunStatus status, Instant dueAt, int attempt) {
		RunLifecycle.Transition.SUSPEND.requireTarget(status);
		return change(runId, lease, (suspended) -> {
			suspended.status = status;
			suspended.dueAt = stored(dueAt);
			suspended.attempt = attempt;
			suspended.lease = null;
		});
	}

	@Override
	public boolean wake(String runId, Instant now) {
		return this.store.locked(() -> {
			RunRow run = this.store.runs.get(runId);
			if (run == null || run.status != RunStatus.WAITING) {
				return false;
			}
			RunRow woken = run.copy();
			woken.status = RunStatus.QUEUED;
			woken.dueAt = stored(now);
			this.store.runs.put(runId, woken);
			return true;
		});
	}

	@Override
	public Set<String> renew(Map<String, String> leases, Instant leaseUntil) {
		return this.store.locked(() -> {
			Set<String> lost = new HashSet<>();
			leases.forEach((runId, lease) -> {
				if (!change(runId, lease, (renewed) -> renewed.dueAt = stored(leaseUntil))) {
					lost.add(runId);
				}
			});
			return lost;
		});
	}

	@Override
	public Set<String> giveBack(Map<String, String> leases, Instant now) {
		return this.store.locked(() -> {
			Set<String> givenBack = new HashSet<>();
			leases.forEach((runId, lease) -> {
				if (change(runId, lease, (queued) -> {
					queued.status = RunStatus.QUEUED;
					queued.dueAt = stored(queued.createdAt.isBefore(now) ? queued.createdAt : now);
					queued.startedAt = null;
					queued.lease = null;
				})) {
					givenBack.add(runId);
				}
			});
			return givenBack;
		});
	}

	/** Changes a run held under a lease; {@code false} if it is not held under it. */
	private boolean change(String runId, String lease, Consumer<RunRow> change) {
		return this.store.locked(() -> {
			RunRow run = this.store.runs.get(runId);
			if (run == null || !run.heldUnder(lease)) {
				return false;
			}
			RunRow changed = run.copy();
			change.accept(changed);
			this.store.runs.put(runId, changed);
			return true;
		});
	}

	@Override
	public boolean cancel(String runId, RunView.Cancellation cancellation, Instant now) {
		return cancel(runId, cancellation, now, (run) -> !run.ended());
	}

	@Override
	public boolean cancelUnstarted(String runId, RunView.Cancellation cancellation, Instant now) {
		// Not if a worker claimed it meanwhile: a claim sets when it started.
		return cancel(runId, cancellation, now, (run) -> run.status == RunStatus.QUEUED && run.startedAt == null);
	}

	/** Cancels a run under a guard. */
	private boolean cancel(String runId, RunView.Cancellation cancellation, Instant now, Predicate<RunRow> guard) {
		return this.store.locked(() -> {
			RunRow run = this.store.runs.get(runId);
			if (run == null || !guard.test(run)) {
				return false;
			}
			// Whether or not a worker holds it: that worker's next change finds it not
			// running.
			RunRow cancelled = run.copy();
			cancelled.status = RunStatus.CANCELLED;
			cancelled.endedAt = stored(now);
			cancelled.dueAt = null;
			cancelled.cancellation = cancellation;
			ErrorInfo error = FunctionCancelledEvent.ERROR;
			cancelled.error = new ErrorInfo(error.name(), error.message(),
					(run.error != null) ? run.error.stack() : null);
			this.store.runs.put(runId, cancelled);
			return true;
		});
	}

	@Override
	public List<RunRecord> list(RunQuery query) {
		String highest = null;
		if (query.createdBefore() != null) {
			highest = Ids.lowest(query.createdBefore().plusMillis(1));
		}
		if (query.cursor() != null && (highest == null || query.cursor().compareTo(highest) < 0)) {
			highest = query.cursor();
		}
		String lowest = (query.createdAfter() != null) ? Ids.lowest(query.createdAfter()) : null;
		String below = highest;
		return this.store.locked(() -> {
			NavigableMap<String, RunRow> range = (below != null) ? this.store.runs.rows().headMap(below, false)
					: this.store.runs.rows();
			List<RunRecord> page = new ArrayList<>();
			for (RunRow run : range.descendingMap().values()) {
				if (page.size() > query.limit() || (lowest != null && run.id.compareTo(lowest) < 0)) {
					break;
				}
				if (matches(run, query)) {
					record(run).ifPresent(page::add);
				}
			}
			return page;
		});
	}

	private static boolean matches(RunRow run, RunQuery query) {
		return (query.functionId() == null || query.functionId().equals(run.functionId))
				&& (query.status() == null || query.status() == run.status)
				&& (query.createdAfter() == null || !run.createdAt.isBefore(query.createdAfter()))
				&& (query.createdBefore() == null || run.createdAt.isBefore(query.createdBefore()));
	}

	@Override
	public List<RunRecord> findUnended(String functionId, Instant createdAfter, Instant createdBefore,
			@Nullable String afterId, int limit) {
		return this.store.locked(() -> this.store
			.runsCreatedBetween(functionId, createdAfter, createdBefore, afterId, limit,
					(run) -> !run.ended() && this.store.events.get(run.eventId) != null)
			.stream()
			.flatMap((run) -> record(run).stream())
			.toList());
	}

	@Override
	public Optional<RunRecord> find(String runId) {
		return this.store.locked(() -> {
			RunRow run = this.store.runs.get(runId);
			return (run != null) ? record(run) : Optional.empty();
		});
	}

	@Override
	public Optional<String> eventKey(String runId) {
		return this.store.locked(() -> {
			RunRow run = this.store.runs.get(runId);
			return (run != null) ? Optional.of(run.eventId) : Optional.empty();
		});
	}

	@Override
	public Map<String, Map<RunStatus, Long>> countByFunction() {
		return this.store.locked(() -> {
			Map<String, Map<RunStatus, Long>> counts = new TreeMap<>();
			for (RunRow run : this.store.runs.rows().values()) {
				counts.computeIfAbsent(run.functionId, (id) -> new EnumMap<>(RunStatus.class))
					.merge(run.status, 1L, Long::sum);
			}
			return counts;
		});
	}

	@Override
	public Map<String, Long> countUnendedByFunction() {
		return this.store.locked(() -> {
			Map<String, Long> counts = new TreeMap<>();
			for (RunRow run : this.store.runsDue) {
				counts.merge(run.functionId, 1L, Long::sum);
			}
			return counts;
		});
	}

	@Override
	public Backlog backlog(Instant now) {
		return this.store.locked(() -> {
			long due = 0;
			long expired = 0;
			Instant oldest = null;
			for (RunRow run : this.store.runsDue) {
				if (run.dueAt.isAfter(now)) {
					break;
				}
				if (run.status == RunStatus.RUNNING) {
					expired++;
				}
				else {
					due++;
					if (oldest == null) {
						oldest = run.dueAt;
					}
				}
			}
			return new Backlog(due, oldest, expired);
		});
	}

	/**
	 * The run with its trigger event; none if the event is not stored, as a join finds
	 * none.
	 */
	private Optional<RunRecord> record(RunRow run) {
		StoredEvent stored = this.store.events.get(run.eventId);
		if (stored == null) {
			return Optional.empty();
		}
		Event event = InMemoryEventStore.read(this.store.json(), stored);
		return Optional.of(new RunRecord(run.id, run.functionId, event, run.status, run.attempt, run.createdAt,
				run.startedAt, run.endedAt, run.dueAt, run.output, run.error, run.cancellation));
	}

}
