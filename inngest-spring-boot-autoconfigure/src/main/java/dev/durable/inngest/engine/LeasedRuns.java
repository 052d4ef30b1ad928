package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import dev.durable.inngest.engine.store.RunRecord;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The runs leased to this instance: those executing here, so that a cancellation, or a
 * lease found lost, stops an execution at its next step instead of letting it go on; and
 * those created here already leased, held until a worker here starts them or they are
 * given back.
 */
public class LeasedRuns {

	private static final Log logger = LogFactory.getLog(LeasedRuns.class);

	private final Map<String, RunExecution> executions = new ConcurrentHashMap<>();

	private final Map<String, RunExecutor.Claim> held = new ConcurrentHashMap<>();

	/** The runs claimed or taken from holding here whose execution has not begun. */
	private final Set<String> starting = ConcurrentHashMap.newKeySet();

	/** Those of them stopped meanwhile, to stop their executions as they begin. */
	private final Set<String> stoppedStarting = ConcurrentHashMap.newKeySet();

	private final String owner = UUID.randomUUID().toString();

	private final AtomicLong leases = new AtomicLong();

	/**
	 * How many runs this instance can expect to start soon, or {@code null} if it holds
	 * none.
	 */
	private volatile @Nullable IntSupplier holdCapacity;

	/**
	 * Makes a new lease token, unique to this instance.
	 * @return the token
	 */
	public String newLease() {
		return this.owner + "#" + this.leases.incrementAndGet();
	}

	/**
	 * Notes that runs were claimed, or taken from holding, to be executed here: a
	 * cancellation before their executions begin stops those at once.
	 */
	void starting(Collection<String> runIds) {
		this.starting.addAll(runIds);
	}

	/**
	 * Notes that a run was taken from holding to be executed here, as
	 * {@link #starting(Collection)} notes claimed runs.
	 */
	void starting(String runId) {
		this.starting.add(runId);
	}

	/**
	 * Forgets a run noted as starting that is not executed after all.
	 */
	void notStarted(String runId) {
		this.starting.remove(runId);
		this.stoppedStarting.remove(runId);
	}

	void started(RunExecution execution) {
		// Registered before the look at the stops, which register their stop before
		// looking for the execution: either sees the other.
		this.executions.put(execution.runId(), execution);
		this.starting.remove(execution.runId());
		if (this.stoppedStarting.remove(execution.runId())) {
			execution.stop();
		}
	}

	void ended(RunExecution execution) {
		// The stop of a run claimed again meanwhile is the new execution's, and stays.
		this.executions.remove(execution.runId(), execution);
	}

	/**
	 * Stops the executions of these runs before their next step, if they execute here or
	 * were claimed here to be, and forgets them if they are held here, so that no worker
	 * starts them unclaimed.
	 * @param runIds the run ids
	 */
	public void stop(Collection<String> runIds) {
		for (String runId : runIds) {
			this.held.remove(runId);
			if (this.starting.contains(runId)) {
				this.stoppedStarting.add(runId);
				if (!this.starting.contains(runId)) {
					// Its execution began, or it was not executed, meanwhile: the
					// look for the execution below stops it, and the mark would only
					// stay behind.
					this.stoppedStarting.remove(runId);
				}
			}
			RunExecution execution = this.executions.get(runId);
			if (execution != null) {
				execution.stop();
			}
		}
	}

	/**
	 * Interrupts the function code that has run longer than the step time-out: a step's
	 * body, or a function's body outside its steps. An attempt so interrupted fails for
	 * its time-out once the code throws; code that ignores the interrupt keeps its worker
	 * until it returns.
	 * @param timeout the step time-out
	 */
	public void interruptOverran(Duration timeout) {
		long now = System.nanoTime();
		for (RunExecution execution : this.executions.values()) {
			String interrupted = execution.interruptIfOverran(now, timeout);
			if (interrupted != null) {
				logger.warn(interrupted + " has run for longer than the step time-out of "
						+ StepTimeoutException.format(timeout) + " (" + StepTimeoutException.PROPERTY + "); its "
						+ "thread was interrupted. The attempt fails once it throws; if it ignores the interrupt, it "
						+ "keeps its worker until it returns");
			}
		}
	}

	/**
	 * Interrupts the function code that runs here, when the engine stops: not the
	 * engine's own work around it, which may be in the database.
	 */
	public void interruptFunctionCode() {
		this.executions.values().forEach(RunExecution::interruptFunctionCode);
	}

	/**
	 * The runs claimed or taken from holding here whose execution has not begun.
	 * @return a copy of their ids
	 */
	Set<String> startingRuns() {
		return Set.copyOf(this.starting);
	}

	/**
	 * The executions under way here.
	 * @return a copy of them
	 */
	List<RunExecution> executions() {
		return new ArrayList<>(this.executions.values());
	}

	/**
	 * The leases held by the executions here, by run id, for renewal.
	 * @return the leases
	 */
	public Map<String, String> leases() {
		Map<String, String> leases = new HashMap<>();
		this.executions.forEach((runId, execution) -> leases.put(runId, execution.lease()));
		return leases;
	}

	/**
	 * Sets how many runs created here may be created leased and held for the workers here
	 * at once: as many as they can be expected to start soon, and only while they take
	 * runs.
	 * @param capacity how many runs may be held, less those held already; {@code null} to
	 * hold none
	 */
	public void holdWithin(@Nullable IntSupplier capacity) {
		this.holdCapacity = capacity;
	}

	/**
	 * How many more runs may be held now.
	 * @return the count, zero if none
	 */
	int holdable() {
		IntSupplier capacity = this.holdCapacity;
		return (capacity != null) ? Math.max(0, capacity.getAsInt() - this.held.size()) : 0;
	}

	void hold(Collection<RunExecutor.Claim> claims) {
		for (RunExecutor.Claim claim : claims) {
			this.held.put(claim.run().id(), claim);
		}
	}

	/**
	 * Takes a run held here, for a worker to start it without claiming it.
	 * @param runId the run id
	 * @param createdAfter the oldest creation time a held run may have to be taken; an
	 * older one stays held until it is given back, as its lease may expire before it is
	 * renewed
	 * @return the claim made when the run was created, or {@code null} if it is not held
	 * here or is too old
	 */
	public RunExecutor.@Nullable Claim takeHeld(String runId, Instant createdAfter) {
		RunExecutor.Claim claim = this.held.get(runId);
		if (claim == null || !claim.run().createdAt().isAfter(createdAfter)) {
			return null;
		}
		return this.held.remove(runId, claim) ? claim : null;
	}

	/**
	 * Takes the runs held here that were created at or before a time, to give them back.
	 * @param createdBy the latest creation time of the runs to take
	 * @return their claims
	 */
	public List<RunExecutor.Claim> takeHeldCreatedBy(Instant createdBy) {
		List<RunExecutor.Claim> taken = new ArrayList<>();
		for (RunExecutor.Claim claim : this.held.values()) {
			if (!claim.run().createdAt().isAfter(createdBy) && this.held.remove(claim.run().id(), claim)) {
				taken.add(claim);
			}
		}
		return taken;
	}

	/**
	 * The runs held here.
	 * @return the runs, as they were when created
	 */
	List<RunRecord> heldRuns() {
		return this.held.values().stream().map(RunExecutor.Claim::run).toList();
	}

}
