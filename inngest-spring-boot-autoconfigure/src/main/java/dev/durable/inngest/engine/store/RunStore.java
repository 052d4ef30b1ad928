package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.RunStatus;

/**
 * Stores runs and hands out the due ones. Every change a worker makes is conditional on the
 * lease it holds, so that a worker that lost its lease changes nothing.
 */
public interface RunStore {

	/**
	 * Creates runs, queued and due at once.
	 * @param runs the runs
	 */
	void insert(List<NewRun> runs);

	/**
	 * Takes the lease of a due run.
	 * @param runId the run id
	 * @param lease the lease token
	 * @param now the current time
	 * @param leaseUntil when the lease expires unless renewed
	 * @return the run, or empty when it was not due or another worker holds it
	 */
	Optional<RunRecord> claim(String runId, String lease, Instant now, Instant leaseUntil);

	/**
	 * The ids of runs due now, the longest due first.
	 * @param now the current time
	 * @param limit the most ids to return
	 * @return the run ids
	 */
	List<String> findDue(Instant now, int limit);

	/**
	 * Ends a run as completed.
	 * @param runId the run id
	 * @param lease the lease token
	 * @param output the output as JSON, or {@code null}
	 * @param now the current time
	 * @return {@code false} if the lease was lost
	 */
	boolean complete(String runId, String lease, String output, Instant now);

	/**
	 * Ends a run as failed.
	 * @param runId the run id
	 * @param lease the lease token
	 * @param error the error
	 * @param now the current time
	 * @return {@code false} if the lease was lost
	 */
	boolean fail(String runId, String lease, ErrorInfo error, Instant now);

	/**
	 * Releases a run's lease, suspending it until it is due again.
	 * @param runId the run id
	 * @param lease the lease token
	 * @param status the new state: queued, sleeping or waiting
	 * @param dueAt when it is due again
	 * @param attempt the body's attempt from now on
	 * @return {@code false} if the lease was lost
	 */
	boolean suspend(String runId, String lease, RunStatus status, Instant dueAt, int attempt);

	/**
	 * Makes a waiting run due at once, after its awaited event arrived.
	 * @param runId the run id
	 * @param now the current time
	 * @return {@code false} if the run was not waiting
	 */
	boolean wake(String runId, Instant now);

	/**
	 * Extends leases that are still held.
	 * @param leases lease tokens by run id
	 * @param leaseUntil the new expiry
	 * @return how many leases were extended
	 */
	int renew(Map<String, String> leases, Instant leaseUntil);

	/**
	 * A run by id.
	 * @param runId the run id
	 * @return the run, if stored
	 */
	Optional<RunRecord> find(String runId);

}
