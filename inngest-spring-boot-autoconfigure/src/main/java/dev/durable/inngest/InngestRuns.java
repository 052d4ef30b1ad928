package dev.durable.inngest;

import java.util.List;
import java.util.Optional;

/**
 * Finds and cancels runs. Also offered over HTTP, shaped like Inngest's REST API, and
 * through the {@code inngest} Actuator endpoint. <pre class="code">
 * runs.cancel(runId);
 * runs.cancelAll(new BulkCancelRequest("bad deploy", "process-order",
 *         Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T11:00:00Z"),
 *         "event.data.amount &gt; 1000"));
 * </pre>
 */
public interface InngestRuns {

	/**
	 * A run by id.
	 * @param runId the run id
	 * @return the run, if it exists
	 */
	Optional<RunView> find(String runId);

	/**
	 * A page of runs, newest first.
	 * @param query the filters and the page
	 * @return the page
	 */
	RunPage list(RunQuery query);

	/**
	 * Cancels one run: a queued, sleeping or waiting run stops at once; a step that is
	 * executing completes and no further step runs. A run that has ended is left as it
	 * is.
	 * @param runId the run id
	 * @return what was done
	 * @throws java.util.NoSuchElementException if there is no such run
	 */
	CancelResult cancel(String runId);

	/**
	 * How many runs a bulk cancellation would cancel now, counted for no longer than
	 * {@code inngest.limits.bulk-count-timeout} (and over no more runs than
	 * {@code inngest.limits.bulk-count-scanned}, when set). A count that stops early, or
	 * whose thread is interrupted, answers with what it counted so far and says it is a
	 * lower bound.
	 * @param request the cancellation
	 * @return the number of matching runs that have not ended, and whether it is exact
	 * @throws IllegalArgumentException if the request is invalid
	 */
	MatchCount previewCancelAll(BulkCancelRequest request);

	/**
	 * How many runs a bulk cancellation would cancel now, as {@link #previewCancelAll}: a
	 * lower bound when the count ran out of time.
	 * @param request the cancellation
	 * @return the number of matching runs that have not ended, at least
	 * @throws IllegalArgumentException if the request is invalid
	 */
	default long countMatching(BulkCancelRequest request) {
		return previewCancelAll(request).matching();
	}

	/**
	 * Starts a bulk cancellation, processed in the background. It is recorded after a
	 * count bounded as {@link #previewCancelAll}'s, not after counting every run: when
	 * that count stops early, {@link BulkCancellation#matched()} is a lower bound, raised
	 * as it cancels more.
	 * @param request the cancellation
	 * @return the recorded cancellation
	 * @throws IllegalArgumentException if the request is invalid or, counted to the end,
	 * matches no run
	 */
	BulkCancellation cancelAll(BulkCancelRequest request);

	/**
	 * The bulk cancellations, newest first.
	 * @param limit the most to return, from 1 to 100
	 * @param cursor the id of the last cancellation of the page before, or {@code null}
	 * @return the cancellations
	 */
	List<BulkCancellation> cancellations(int limit, String cursor);

	/**
	 * A bulk cancellation by id.
	 * @param id the id
	 * @return the cancellation, if it exists
	 */
	Optional<BulkCancellation> findCancellation(String id);

	/**
	 * Stops a bulk cancellation; runs it cancelled stay cancelled.
	 * @param id the id
	 * @return the cancellation, stopped
	 * @throws java.util.NoSuchElementException if there is no such cancellation
	 */
	BulkCancellation stopCancellation(String id);

}
