package dev.durable.inngest.engine;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.CancelResult;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;

/**
 * Finds and cancels the runs of the engine.
 */
public final class EngineInngestRuns implements InngestRuns {

	private static final RunView.Cancellation BY_API = new RunView.Cancellation("api", "Cancelled through the API");

	private final RunStore runs;

	private final CancellationStore cancellations;

	private final RunCanceller canceller;

	private final BulkCancellations bulk;

	private final JsonCodec json;

	/**
	 * Creates the runs.
	 * @param runs the run store
	 * @param cancellations the bulk cancellation store
	 * @param canceller cancels single runs
	 * @param bulk starts and stops bulk cancellations
	 * @param json reads outputs
	 */
	public EngineInngestRuns(RunStore runs, CancellationStore cancellations, RunCanceller canceller,
			BulkCancellations bulk, JsonCodec json) {
		this.runs = runs;
		this.cancellations = cancellations;
		this.canceller = canceller;
		this.bulk = bulk;
		this.json = json;
	}

	@Override
	public Optional<RunView> find(String runId) {
		return this.runs.find(runId).map(this::view);
	}

	@Override
	public RunPage list(RunQuery query) {
		List<RunRecord> records = this.runs.list(query);
		boolean more = records.size() > query.limit();
		List<RunRecord> page = more ? records.subList(0, query.limit()) : records;
		return new RunPage(page.stream().map(this::view).toList(), more ? page.get(page.size() - 1).id() : null);
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
	public List<BulkCancellation> cancellations(int limit, String cursor) {
		if (limit < 1 || limit > RunQuery.MAX_LIMIT) {
			throw new IllegalArgumentException(
					"limit must be between 1 and " + RunQuery.MAX_LIMIT + ", but was " + limit);
		}
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

	private RunView view(RunRecord run) {
		return new RunView(run.id(), run.functionId(), run.status(), run.event(), run.attempt(), run.createdAt(),
				run.startedAt(), run.endedAt(), this.json.read(run.output(), Object.class), run.error(),
				run.cancellation());
	}

}
