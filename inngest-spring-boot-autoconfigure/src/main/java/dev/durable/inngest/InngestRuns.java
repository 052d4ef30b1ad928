package dev.durable.inngest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Finds and cancels runs. Also offered over HTTP, shaped like Inngest's REST API, and
 * through the {@code inngest} Actuator endpoint. <pre class="code">
 * runs.cancel(runId);
 * runs.cancelAll(new BulkCancelRequest("bad deploy", "process-order",
 *         Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T11:00:00Z"),
 *         "event.data.amount &gt; 1000"));
 * </pre> Ended runs can be run again: one at a time ({@link #rerun}) or those of a
 * function that failed in a time range ({@link #replayAll}), each as a new run with the
 * same trigger event, linked to the run it replays ({@link RunView#rerunOf()}). The
 * methods on reruns and replays are not supported by every implementation: they throw
 * {@link UnsupportedOperationException} where they are not. In remote mode neither are
 * {@link #list}, {@link #previewCancelAll} and {@link #findCancellation}, which the
 * platform's REST API does not offer, and a run found there carries only what that API
 * answers (the remote implementation's Javadoc says which values are left out).
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
	 * @throws IllegalArgumentException if the limit is out of that range
	 */
	List<BulkCancellation> cancellations(int limit, @Nullable String cursor);

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

	/**
	 * The runs an event started, as Inngest's {@code GET /v1/events/{eventId}/runs}
	 * answers: those it started when it was received, and their reruns and replays,
	 * oldest first. An id sent again after Inngest's deduplication window of 24 hours
	 * names the latest event sent with it.
	 * @param eventId the event's id, as the send answered it
	 * @return the runs, none if no stored event has that id
	 * @throws UnsupportedOperationException if this implementation cannot find runs by
	 * event
	 */
	default List<RunView> runsOf(String eventId) {
		throw new UnsupportedOperationException("Runs by event are not supported by " + getClass().getName());
	}

	/**
	 * Runs an ended run again from the start: a new run of the same function with the
	 * same trigger event, which records the run it replays in {@link RunView#rerunOf()};
	 * the ended run lists it in {@link RunView#reruns()}.
	 * @param runId the id of the ended run
	 * @return the new run, queued
	 * @throws java.util.NoSuchElementException if there is no such run
	 * @throws IllegalStateException if the run has not ended, or its function is not
	 * declared by this application
	 * @throws UnsupportedOperationException if this implementation cannot rerun runs
	 */
	default RunView rerun(String runId) {
		throw new UnsupportedOperationException("Rerunning runs is not supported by " + getClass().getName());
	}

	/**
	 * How many runs a bulk replay would replay now, counted within the same bounds as
	 * {@link #previewCancelAll}.
	 * @param request the replay
	 * @return the number of matching ended runs, and whether it is exact
	 * @throws IllegalArgumentException if the request is invalid
	 * @throws UnsupportedOperationException if this implementation cannot replay runs
	 */
	default MatchCount previewReplayAll(BulkReplayRequest request) {
		throw new UnsupportedOperationException("Replaying runs is not supported by " + getClass().getName());
	}

	/**
	 * Starts a bulk replay, processed in the background: each matching ended run is run
	 * again as {@link #rerun} does. It is recorded after a bounded count, as a bulk
	 * cancellation is.
	 * @param request the replay
	 * @return the recorded replay
	 * @throws IllegalArgumentException if the request is invalid or, counted to the end,
	 * matches no run ({@link NoMatchingRunsException})
	 * @throws UnsupportedOperationException if this implementation cannot replay runs
	 */
	default BulkReplay replayAll(BulkReplayRequest request) {
		throw new UnsupportedOperationException("Replaying runs is not supported by " + getClass().getName());
	}

	/**
	 * The bulk replays, newest first.
	 * @param limit the most to return, from 1 to 100
	 * @param cursor the id of the last replay of the page before, or {@code null}
	 * @return the replays
	 * @throws IllegalArgumentException if the limit is out of that range
	 * @throws UnsupportedOperationException if this implementation cannot replay runs
	 */
	default List<BulkReplay> replays(int limit, @Nullable String cursor) {
		throw new UnsupportedOperationException("Replaying runs is not supported by " + getClass().getName());
	}

	/**
	 * A bulk replay by id.
	 * @param id the id
	 * @return the replay, if it exists
	 * @throws UnsupportedOperationException if this implementation cannot replay runs
	 */
	default Optional<BulkReplay> findReplay(String id) {
		throw new UnsupportedOperationException("Replaying runs is not supported by " + getClass().getName());
	}

	/**
	 * Stops a bulk replay; the runs it started go on.
	 * @param id the id
	 * @return the replay, stopped
	 * @throws java.util.NoSuchElementException if there is no such replay
	 * @throws UnsupportedOperationException if this implementation cannot replay runs
	 */
	default BulkReplay stopReplay(String id) {
		throw new UnsupportedOperationException("Replaying runs is not supported by " + getClass().getName());
	}

	/**
	 * A run on a time axis: while it was queued, its steps with their failed attempts,
	 * sleeps and waits, how it ended and the handler runs that followed.
	 * @param runId the run id
	 * @return the timeline, if the run exists
	 * @throws UnsupportedOperationException if this implementation cannot read the steps
	 * of a run
	 */
	default Optional<RunTimeline> timeline(String runId) {
		throw new UnsupportedOperationException("Run timelines are not supported by " + getClass().getName());
	}

	/**
	 * What the runs of one function, or of all of them, did in a time window, for charts:
	 * the runs started, completed, failed and cancelled and the failed attempts in each
	 * bucket (a minute for a window of up to two hours, a quarter of an hour up to two
	 * days, two hours beyond), and the end-to-end and queue latency percentiles of the
	 * runs that ended in the window, however long before it they were created.
	 * @param functionId the function, or {@code null} for all
	 * @param from the start of the window, rounded down to a bucket
	 * @param to the end of the window
	 * @return the stats
	 * @throws IllegalArgumentException if the window is empty or longer than 31 days
	 * @throws UnsupportedOperationException if this implementation cannot count runs
	 */
	default RunStats stats(@Nullable String functionId, Instant from, Instant to) {
		throw new UnsupportedOperationException("Run stats are not supported by " + getClass().getName());
	}

}
