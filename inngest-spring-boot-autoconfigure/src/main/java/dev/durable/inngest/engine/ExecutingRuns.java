package dev.durable.inngest.engine;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs executing in this instance, so that a cancellation, or a lease found lost, stops an
 * execution at its next step instead of letting it go on.
 */
public final class ExecutingRuns {

	private final Map<String, RunExecution> executions = new ConcurrentHashMap<>();

	void started(RunExecution execution) {
		this.executions.put(execution.runId(), execution);
	}

	void ended(RunExecution execution) {
		this.executions.remove(execution.runId(), execution);
	}

	/**
	 * Stops the executions of these runs before their next step, if they execute here.
	 * @param runIds the run ids
	 */
	public void stop(Collection<String> runIds) {
		for (String runId : runIds) {
			RunExecution execution = this.executions.get(runId);
			if (execution != null) {
				execution.stop();
			}
		}
	}

	/**
	 * The leases held by the executions here, by run id, for renewal.
	 * @return the leases
	 */
	public Map<String, String> leases() {
		Map<String, String> leases = new java.util.HashMap<>();
		this.executions.forEach((runId, execution) -> leases.put(runId, execution.lease()));
		return leases;
	}

}
