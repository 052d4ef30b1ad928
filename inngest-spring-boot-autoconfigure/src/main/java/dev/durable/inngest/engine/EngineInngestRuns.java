package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.CancelResult;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStats;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.ReplayStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStatsStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.Expression;
import dev.durable.inngest.function.FunctionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Finds, cancels and runs again the runs of the engine.
 */
public final class EngineInngestRuns implements InngestRuns {

	/** The longest window of {@link #stats}, so that a count stays bounded. */
	private static final Duration MAX_WINDOW = Duration.ofDays(31);

	/** The most reruns and replays of an event's runs followed. */
	private static final int MAX_RUNS_OF_EVENT = 1000;

	private static final RunView.Cancellation BY_API = new RunView.Cancellation("api", "Cancelled through the API");

	private final RunStore runs;

	private final CancellationStore cancellations;

	private final RunCanceller canceller;

	private final BulkCancellations bulk;

	private final JsonCodec json;

	private final ReplayStore replayStore;

	private final RunReplays replays;

	private final RunTimelines timelines;

	private final RunStatsStore stats;

	private final EventStore events;

	/**
	 * Creates the runs.
	 * @param runs the run store
	 * @param cancellations the bulk cancellation store
	 * @param canceller cancels single runs
	 * @param bulk starts and stops bulk cancellations
	 * @param json reads outputs
	 * @param replayStore the links of reruns and the bulk replays
	 * @param replays runs ended runs again
	 * @param steps the step store, for timelines
	 * @param registry the functions, for the handlers of a run on its timeline
	 * @param stats counts what runs did, for charts
	 * @param events the event store, for the runs an event started
	 */
	public EngineInngestRuns(RunStore runs, CancellationStore cancellations, RunCanceller canceller,
			BulkCancellations bulk, JsonCodec json, ReplayStore replayStore, RunReplays replays, StepStore steps,
			Supplier<FunctionRegistry> registry, RunStatsStore stats, EventStore events) {
		this.runs = runs;
		this.cancellations = cancellations;
		this.canceller = canceller;
		this.bulk = bulk;
		this.json = json;
		this.replayStore = replayStore;
		this.replays = replays;
		this.timelines = new RunTimelines(steps, json, registry);
		this.stats = stats;
		this.events = events;
	}

	@Override
	public List<RunView> runsOf(String eventId) {
		Optional<Instant> received = this.events.receivedAt(eventId);
		if (received.isEmpty()) {
			return List.of();
		}
		// The runs an event started were created when it was received, to the
		// microsecond, with ids of that millisecond: a page or two of the primary key.
		Instant at = received.get();
		Map<String, RunRecord> found = new TreeMap<>();
		String cursor = null;
		boolean more;
		do {
			List<RunRecord> page = this.runs
				.list(new RunQuery(null, null, at, at.plusNanos(1000), RunQuery.MAX_LIMIT, cursor));
			more = page.size() > RunQuery.MAX_LIMIT;
			List<RunRecord> kept = more ? page.subList(0, RunQuery.MAX_LIMIT) : page;
			kept.stream().filter((run) -> eventId.equals(run.event().id())).forEach((run) -> found.put(run.id(), run));
			cursor = kept.isEmpty() ? null : kept.get(kept.size() - 1).id();
		}
		while (more && cursor != null);
		// Their reruns and replays, and theirs, started later with the same event.
		Map<String, ReplayStore.Links> links = new HashMap<>();
		List<String> toLink = new ArrayList<>(found.keySet());
		while (!toLink.isEmpty() && found.size() < MAX_RUNS_OF_EVENT) {
			Map<String, ReplayStore.Links> read = this.replayStore.links(toLink);
			links.putAll(read);
			toLink = new ArrayList<>();
			for (ReplayStore.Links link : read.values()) {
				for (String rerun : link.reruns()) {
					if (!found.containsKey(rerun)) {
						this.runs.find(rerun).ifPresent((run) -> found.put(run.id(), run));
						toLink.add(rerun);
					}
				}
			}
		}
		links.putAll(this.replayStore.links(toLink));
		return found.values().stream().map((run) -> view(run, links)).toList();
	}

	@Override
	public RunStats stats(@Nullable String functionId, Instant from, Instant to) {
		if (from == null || to == null || !from.isBefore(to)) {
			throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
		}
		Duration window = Duration.between(from, to);
		if (window.compareTo(MAX_WINDOW) > 0) {
			throw new IllegalArgumentException(
					"The window from " + from + " to " + to + " is longer than the longest allowed, " + MAX_WINDOW);
		}
		Duration bucket = (window.compareTo(Duration.ofHours(2)) <= 0) ? Duration.ofMinutes(1)
				: (window.compareTo(Duration.ofDays(2)) <= 0) ? Duration.ofMinutes(15) : Duration.ofHours(2);
		Instant start = Instant
			.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), bucket.toSeconds()) * bucket.toSeconds());
		return this.stats.stats(functionId, start, to, bucket);
	}

	@Override
	public Optional<RunTimeline> timeline(String runId) {
		return find(runId).map((run) -> this.timelines.of(run, this::list));
	}

	@Override
	public Optional<RunView> find(String runId) {
		return this.runs.find(runId).map((run) -> view(run, this.replayStore.links(List.of(runId))));
	}

	@Override
	public RunPage list(RunQuery query) {
		Expression condition = this.bulk.condition(query.condition());
		if (condition != null) {
			return search(query, condition);
		}
		List<RunRecord> records = this.runs.list(query);
		boolean more = records.size() > query.limit();
		List<RunRecord> page = more ? records.subList(0, query.limit()) : records;
		return page(page, more ? page.get(page.size() - 1).id() : null);
	}

	/**
	 * Reads the runs the other filters select, a batch at a time, until a page of those
	 * the condition holds for is full, none are left, or the count budget is spent.
	 */
	private RunPage search(RunQuery query, Expression condition) {
		long started = System.nanoTime();
		long scanned = 0;
		List<RunRecord> found = new ArrayList<>();
		String cursor = query.cursor();
		while (true) {
			RunQuery batch = new RunQuery(query.functionId(), query.status(), query.createdAfter(),
					query.createdBefore(), RunQuery.MAX_LIMIT, cursor);
			List<RunRecord> records = this.runs.list(batch);
			boolean more = records.size() > RunQuery.MAX_LIMIT;
			List<RunRecord> read = more ? records.subList(0, RunQuery.MAX_LIMIT) : records;
			for (int i = 0; i < read.size(); i++) {
				if (scanned > 0 && this.bulk.outOfBudget(started, scanned)) {
					// Searched this far: the next page searches on from the last run
					// read,
					// and each page reads one run at least.
					return page(found, cursor);
				}
				RunRecord run = read.get(i);
				scanned++;
				cursor = run.id();
				if (this.bulk.matchesWithinCost(condition, run)) {
					found.add(run);
					if (found.size() == query.limit()) {
						return page(found, (more || i < read.size() - 1) ? cursor : null);
					}
				}
			}
			if (!more) {
				return page(found, null);
			}
		}
	}

	private RunPage page(List<RunRecord> page, @Nullable String nextCursor) {
		Map<String, ReplayStore.Links> links = this.replayStore.links(page.stream().map(RunRecord::id).toList());
		return new RunPage(page.stream().map((run) -> view(run, links)).toList(), nextCursor);
	}

	@Override
	public RunView rerun(String runId) {
		String newRunId = this.replays.rerun(runId);
		return find(newRunId).orElseThrow();
	}

	@Override
	public MatchCount previewReplayAll(BulkReplayRequest request) {
		return this.replays.countMatching(request);
	}

	@Override
	public BulkReplay replayAll(BulkReplayRequest request) {
		return this.replays.start(request);
	}

	@Override
	public List<BulkReplay> replays(int limit, @Nullable String cursor) {
		RunQuery.checkLimit(limit);
		return this.replayStore.list(limit, cursor);
	}

	@Override
	public Optional<BulkReplay> findReplay(String id) {
		return this.replayStore.find(id);
	}

	@Override
	public BulkReplay stopReplay(String id) {
		if (this.replayStore.find(id).isEmpty()) {
			throw new NoSuchElementException("No bulk replay " + id);
		}
		return this.replays.stop(id);
	}

	@Override
	public CancelResult cancel(String runId) {
		RunRecord run = this.runs.find(runId).orElseThrow(() -> new NoSuchElementException("No run " + runId));
		if (run.status().isFinal()) {
			return new CancelResult(runId, false, run.status());
		}
		boolean cancelled = this.canceller.cancel(run, BY_API);
		return new CancelResult(runId, cancelled, this.runs.find(runId).orElseThrow().status());
	}

	@Override
	public MatchCount previewCancelAll(BulkCancelRequest request) {
		return this.bulk.countMatching(request);
	}

	@Override
	public BulkCancellation cancelAll(BulkCancelRequest request) {
		return this.bulk.start(request);
	}

	@Override
	public List<BulkCancellation> cancellations(int limit, @Nullable String cursor) {
		RunQuery.checkLimit(limit);
		return this.cancellations.list(limit, cursor);
	}

	@Override
	public Optional<BulkCancellation> findCancellation(String id) {
		return this.cancellations.find(id);
	}

	@Override
	public BulkCancellation stopCancellation(String id) {
		if (this.cancellations.find(id).isEmpty()) {
			throw new NoSuchElementException("No bulk cancellation " + id);
		}
		return this.bulk.stop(id);
	}

	private RunView view(RunRecord run, Map<String, ReplayStore.Links> links) {
		ReplayStore.Links link = links.get(run.id());
		return new RunView(run.id(), run.functionId(), run.status(), run.event(), run.attempt(), run.createdAt(),
				run.startedAt(), run.endedAt(), this.json.read(run.output(), Object.class), run.error(),
				run.cancellation(), (link != null) ? link.rerunOf() : null, (link != null) ? link.reruns() : List.of());
	}

}
