package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.RunStatus;
import org.jspecify.annotations.Nullable;

/**
 * Stores the links between runs and the runs that run them again, and bulk replays with
 * their progress.
 */
public interface ReplayStore {

	/**
	 * Links a new run to the ended run it runs again, in the transaction that creates it.
	 * @param runId the new run's id
	 * @param rerunOf the id of the run it runs again
	 * @param replayId the bulk replay that started it, or {@code null}
	 * @param now the current time
	 */
	void link(String runId, String rerunOf, @Nullable String replayId, Instant now);

	/**
	 * The links of some runs, in both directions.
	 * @param runIds the run ids
	 * @return for each of those runs that is a rerun or has reruns, its links
	 */
	Map<String, Links> links(Collection<String> runIds);

	/**
	 * The ids of the ended runs of a function created in a time range, in some states, by
	 * id.
	 * @param functionId the function id
	 * @param createdAfter created at or after this time
	 * @param createdBefore created before this time
	 * @param statuses the states, final ones
	 * @param afterId only runs with a greater id, or {@code null}
	 * @param limit the most ids to return
	 * @return the run ids, in order
	 */
	List<String> findEnded(String functionId, Instant createdAfter, Instant createdBefore, Set<RunStatus> statuses,
			@Nullable String afterId, int limit);

	/**
	 * Stores a new bulk replay.
	 * @param replay the replay
	 */
	void insert(BulkReplay replay);

	/**
	 * A bulk replay by id.
	 * @param id the id
	 * @return the replay, if stored
	 */
	Optional<BulkReplay> find(String id);

	/**
	 * Bulk replays, newest first.
	 * @param limit the most to return
	 * @param beforeId only replays with a smaller id, or {@code null}
	 * @return the replays
	 */
	List<BulkReplay> list(int limit, @Nullable String beforeId);

	/**
	 * The bulk replays still running.
	 * @return the running replays, by id
	 */
	List<BulkReplay> findRunning();

	/**
	 * The id of the last run a running replay has handled.
	 * @param id the replay id
	 * @return the run id, or {@code null} before the first
	 */
	@Nullable String lastRunId(String id);

	/**
	 * Records progress of a running replay, raising its {@code matched} to at least what
	 * it has replayed: only if the last run it handled is still the one its batch started
	 * after, so that of two instances processing the same batch, one records it.
	 * @param id the replay id
	 * @param previousLastRunId the last run handled before the batch, or {@code null}
	 * @param replayed how many more runs it replayed
	 * @param lastRunId the id of the last run it handled, or {@code null}
	 * @param completed whether it has handled every run
	 * @param now the current time
	 * @return {@code false} if it was no longer running, or another batch was recorded
	 */
	boolean progress(String id, @Nullable String previousLastRunId, long replayed, @Nullable String lastRunId,
			boolean completed, Instant now);

	/**
	 * Stops a running replay.
	 * @param id the replay id
	 * @param now the current time
	 * @return {@code false} if it was not running
	 */
	boolean stop(String id, Instant now);

	/**
	 * The links of one run.
	 *
	 * @param rerunOf the id of the run it runs again, or {@code null}
	 * @param reruns the ids of the runs that run it again, oldest first
	 */
	record Links(@Nullable String rerunOf, List<String> reruns) {

	}

}
