package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.durable.inngest.BulkCancellation;
import org.jspecify.annotations.Nullable;

/**
 * Stores bulk cancellations and their progress.
 */
public interface CancellationStore {

	/**
	 * Stores a new cancellation.
	 * @param cancellation the cancellation
	 */
	void insert(BulkCancellation cancellation);

	/**
	 * A cancellation by id.
	 * @param id the id
	 * @return the cancellation, if stored
	 */
	Optional<BulkCancellation> find(String id);

	/**
	 * Cancellations, newest first.
	 * @param limit the most to return
	 * @param beforeId only cancellations with a smaller id, or {@code null}
	 * @return the cancellations
	 */
	List<BulkCancellation> list(int limit, @Nullable String beforeId);

	/**
	 * The cancellations still running.
	 * @return the running cancellations
	 */
	List<BulkCancellation> findRunning();

	/**
	 * The id of the last run a running cancellation has handled.
	 * @param id the cancellation id
	 * @return the run id, or {@code null} before the first
	 */
	@Nullable String lastRunId(String id);

	/**
	 * Records progress of a running cancellation, raising its {@code matched} to at least
	 * what it has cancelled, as it was counted only in part when the count ran out of
	 * time. The runs cancelled are counted even if it was stopped or completed meanwhile,
	 * since they were cancelled all the same; only its state, its last run and its time
	 * of update are left as they were then.
	 * @param id the cancellation id
	 * @param cancelled how many more runs it cancelled
	 * @param lastRunId the id of the last run it handled
	 * @param completed whether it has handled every run
	 * @param now the current time
	 * @return {@code false} if it was no longer running
	 */
	boolean progress(String id, long cancelled, @Nullable String lastRunId, boolean completed, Instant now);

	/**
	 * Stops a running cancellation.
	 * @param id the cancellation id
	 * @param now the current time
	 * @return {@code false} if it was not running
	 */
	boolean stop(String id, Instant now);

}
