package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import org.jspecify.annotations.Nullable;

/**
 * Stores runs and hands out the due ones. Each method that changes a run's state stores
 * the {@link dev.durable.inngest.engine.RunLifecycle.Transition transition} of its name,
 * under that transition's guard, in one conditional write: every change a worker makes is
 * conditional on the lease it holds, so that a worker that lost its lease changes
 * nothing.
 */
public interface RunStore {

	/**
	 * Creates runs: {@link dev.durable.inngest.engine.RunLifecycle.Transition#CREATE
	 * CREATE}, queued and due at once, or
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#CREATE_LEASED
	 * CREATE_LEASED} (see {@link NewRun#lease()}).
	 * @param runs the runs
	 */
	void create(List<NewRun> runs);

	/**
	 * Takes the lease of those of the given runs that are due, in as few statements as
	 * the database allows:
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#CLAIM CLAIM}, or
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#TAKE_OVER TAKE_OVER} of a
	 * run whose lease expired.
	 * @param runIds the run ids
	 * @param lease the lease token
	 * @param now the current time
	 * @param leaseUntil when the lease expires unless renewed
	 * @return the runs claimed; not those that were not due or that another worker holds
	 */
	List<RunRecord> claim(Collection<String> runIds, String lease, Instant now, Instant leaseUntil);

	/**
	 * The ids of runs of some functions due now, the longest due first. Runs of other
	 * functions are left where they are, due, for an instance that declares them.
	 * @param now the current time
	 * @param limit the most ids to return
	 * @param functionIds the functions whose runs to find, those this instance declares
	 * @return the run ids
	 */
	List<String> findDue(Instant now, int limit, Collection<String> functionIds);

	/**
	 * The ids of runs of some functions that are queued and have never started, created
	 * before a time: the runs a start timeout has passed for. The longest due first,
	 * among a bounded number of the runs due the longest of the functions an instance
	 * declares, so that a backlog of other runs does not make each call read all of it,
	 * and runs that no instance executes do not hide the others.
	 * @param createdBefore created before this time
	 * @param among the functions whose runs due the longest are looked at
	 * @param scanned how many of their runs due the longest, by that time, to look at
	 * @param functionIds the functions whose runs to find, among those
	 * @param limit the most ids to return
	 * @return the run ids
	 */
	List<String> findUnstarted(Instant createdBefore, Collection<String> among, int scanned,
			Collection<String> functionIds, int limit);

	/**
	 * The ids of runs of some functions that are executing ({@code RUNNING}) and started
	 * before a time: the runs a finish timeout has passed for while a step, or the code
	 * between steps, runs. The earliest created first.
	 * @param startedBefore started before this time
	 * @param functionIds the functions whose runs to find
	 * @param limit the most ids to return
	 * @return the run ids
	 */
	List<String> findRunningStartedBefore(Instant startedBefore, Collection<String> functionIds, int limit);

	/**
	 * Stores a step that completed in this execution and reads whether its run is still
	 * held under the lease, without renewing it: in one statement where the database
	 * allows it. The step is stored even when the lease was lost, as a step that
	 * completes is always kept.
	 * @param step the step, new to the store
	 * @param lease the lease token
	 * @return when the lease expires, or empty if it is no longer held (the run
	 * cancelled, or taken over by another instance)
	 * @throws org.springframework.dao.DuplicateKeyException if the step was stored
	 * already, by an instance that took the run over
	 */
	Optional<Instant> storeStep(StepRecord step, String lease);

	/**
	 * Reads whether a run is still held under a lease, without renewing it.
	 * @param runId the run id
	 * @param lease the lease token
	 * @return when the lease expires, or empty if it is no longer held (the run
	 * cancelled, or taken over by another instance)
	 */
	Optional<Instant> leaseExpiry(String runId, String lease);

	/**
	 * Ends a run as completed
	 * ({@link dev.durable.inngest.engine.RunLifecycle.Transition#COMPLETE COMPLETE}),
	 * with its last step if that step completed in this execution and is not stored yet:
	 * one statement, which keeps the step in the run's row. If the run was not ended (its
	 * lease was lost, or another instance that took it over stored that step first), the
	 * step is stored in a row of its own, as a step that completes is always kept.
	 * @param completion the run, its lease, its output and its last step
	 * @return {@code false} if the lease was lost
	 * @throws org.springframework.dao.DuplicateKeyException if the step was stored
	 * already, by an instance that took the run over
	 */
	boolean complete(Completion completion);

	/**
	 * Ends several runs as completed
	 * ({@link dev.durable.inngest.engine.RunLifecycle.Transition#COMPLETE COMPLETE}),
	 * each as {@link #complete} does, in as few statements as the database allows. Called
	 * in a transaction, so that they are committed together.
	 * @param completions the completions
	 * @return for each completion, in order, {@code false} if its lease was lost
	 * @throws org.springframework.dao.DuplicateKeyException if one of the steps was
	 * stored already, by an instance that took its run over
	 */
	default boolean[] completeAll(List<Completion> completions) {
		boolean[] held = new boolean[completions.size()];
		for (int i = 0; i < held.length; i++) {
			held[i] = complete(completions.get(i));
		}
		return held;
	}

	/**
	 * Ends a run as failed:
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#FAIL FAIL}.
	 * @param runId the run id
	 * @param lease the lease token
	 * @param error the error
	 * @param now the current time
	 * @return {@code false} if the lease was lost
	 */
	boolean fail(String runId, String lease, ErrorInfo error, Instant now);

	/**
	 * Releases a run's lease, suspending it until it is due again:
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#SUSPEND SUSPEND}.
	 * @param runId the run id
	 * @param lease the lease token
	 * @param status the new state: queued, sleeping or waiting
	 * @param dueAt when it is due again
	 * @param attempt the body's attempt from now on
	 * @return {@code false} if the lease was lost
	 * @throws IllegalArgumentException if the state is not one a suspension reaches
	 * ({@link dev.durable.inngest.engine.RunLifecycle.Transition#requireTarget
	 * requireTarget})
	 */
	boolean suspend(String runId, String lease, RunStatus status, Instant dueAt, int attempt);

	/**
	 * Locks a run's row until the caller's transaction ends. Every transaction that
	 * changes a run's waits or steps while another may, an event that ends a wait, a
	 * wait's time-out, a suspension and a cancellation, first locks or changes the run,
	 * so that none holds a wait or a step while it waits for another's run. A store whose
	 * transactions exclude each other as a whole needs nothing here.
	 * @param runId the run id
	 */
	default void lock(String runId) {
	}

	/**
	 * Makes a waiting run due at once, after its awaited event arrived:
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#WAKE WAKE}.
	 * @param runId the run id
	 * @param now the current time
	 * @return {@code false} if the run was not waiting
	 */
	boolean wake(String runId, Instant now);

	/**
	 * Extends leases that are still held:
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#RENEW RENEW}.
	 * @param leases lease tokens by run id
	 * @param leaseUntil the new expiry
	 * @return the ids of the runs whose lease is no longer held (taken over, or the run
	 * cancelled)
	 */
	Set<String> renew(Map<String, String> leases, Instant leaseUntil);

	/**
	 * Gives back runs created leased that no worker has started, claimed first by an
	 * instance that does not declare their function, or claimed first and refused by the
	 * workers as they shut down
	 * ({@link dev.durable.inngest.engine.RunLifecycle.Transition#GIVE_BACK GIVE_BACK}):
	 * each is queued again, not started, for any instance to claim, and due since it was
	 * created: it keeps its place among the runs queued after it, and its start timeout
	 * counts from its creation.
	 * @param leases lease tokens by run id
	 * @param now the current time
	 * @return the ids of the runs given back; not those whose lease was no longer held
	 */
	Set<String> giveBack(Map<String, String> leases, Instant now);

	/**
	 * Ends a run as cancelled, whether or not a worker holds it:
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#CANCEL CANCEL}.
	 * @param runId the run id
	 * @param cancellation who cancels it and why
	 * @param now the current time
	 * @return {@code true} if this call cancelled it; {@code false} if it had ended
	 */
	boolean cancel(String runId, RunView.Cancellation cancellation, Instant now);

	/**
	 * Ends a run as cancelled if it is still queued and has never started, as a start
	 * timeout does:
	 * {@link dev.durable.inngest.engine.RunLifecycle.Transition#CANCEL_UNSTARTED
	 * CANCEL_UNSTARTED}.
	 * @param runId the run id
	 * @param cancellation who cancels it and why
	 * @param now the current time
	 * @return {@code true} if this call cancelled it; {@code false} if it had started or
	 * ended
	 */
	boolean cancelUnstarted(String runId, RunView.Cancellation cancellation, Instant now);

	/**
	 * A page of runs, newest first.
	 * @param query the filters and the page
	 * @return the runs, one more than the limit if there is a next page
	 */
	List<RunRecord> list(RunQuery query);

	/**
	 * The runs of a function created in a time range that have not ended, by id.
	 * @param functionId the function id
	 * @param createdAfter created at or after this time
	 * @param createdBefore created before this time
	 * @param afterId only runs with a greater id, or {@code null}
	 * @param limit the most runs to return
	 * @return the runs, by id
	 */
	List<RunRecord> findUnended(String functionId, Instant createdAfter, Instant createdBefore,
			@Nullable String afterId, int limit);

	/**
	 * A run by id.
	 * @param runId the run id
	 * @return the run, if stored
	 */
	Optional<RunRecord> find(String runId);

	/**
	 * The key a run's event is stored under: the event's id, or the key of its own that
	 * an event sent again with an id after the deduplication window is stored under
	 * ({@link EventStore#insertAgain}). A run started again with the same event names it.
	 * @param runId the run id
	 * @return the key, if the run is stored
	 */
	Optional<String> eventKey(String runId);

	/**
	 * How many runs each function has in each state.
	 * @return counts by function id and state
	 */
	Map<String, Map<RunStatus, Long>> countByFunction();

	/**
	 * How many runs of each function have not ended (queued, running, sleeping or
	 * waiting).
	 * @return counts by function id, of functions with such runs only
	 */
	Map<String, Long> countUnendedByFunction();

	/**
	 * The work that is due and not taken.
	 * @param now the current time
	 * @return the backlog
	 */
	Backlog backlog(Instant now);

	/**
	 * The work that is due and not taken.
	 *
	 * @param due how many runs are due (queued, or woken) and not held by a worker
	 * @param oldestDueAt when the longest-waiting of them became due, or {@code null}
	 * @param expiredLeases how many runs are held by a worker whose lease has expired
	 */
	record Backlog(long due, @Nullable Instant oldestDueAt, long expiredLeases) {

	}

	/**
	 * A run's completion.
	 *
	 * @param runId the run id
	 * @param lease the lease token
	 * @param output the output as JSON, or {@code null}
	 * @param now the current time
	 * @param lastStep the step to store with the run: new, run once and completed; or
	 * {@code null}
	 */
	record Completion(String runId, String lease, @Nullable String output, Instant now, @Nullable StepRecord lastStep) {

	}

}
