package dev.durable.inngest.test;

import java.util.List;

/**
 * Events a test sent, and the runs they started.
 *
 * @param eventIds the ids of the events, in the order sent
 * @param runs the runs the events started, as they stood once the engine had nothing left
 * to do, oldest first
 */
public record SentEvents(List<String> eventIds, List<TestRun> runs) {

	/**
	 * The id of the only run the events started.
	 * @return the run id
	 * @throws AssertionError if they started no run or several
	 */
	public String runId() {
		if (this.runs.size() != 1) {
			throw new AssertionError("Expected the events to start one run, but they started " + this.runs.size() + ": "
					+ this.runs.stream().map((run) -> run.functionId() + " " + run.id()).toList());
		}
		return this.runs.get(0).id();
	}

	/**
	 * The id of the only run the events started of a function.
	 * @param functionId the function's id
	 * @return the run id
	 * @throws AssertionError if they started no run of the function or several
	 */
	public String runId(String functionId) {
		List<TestRun> ofFunction = this.runs.stream().filter((run) -> run.functionId().equals(functionId)).toList();
		if (ofFunction.size() != 1) {
			throw new AssertionError("Expected the events to start one run of '" + functionId + "', but they started "
					+ ofFunction.size() + " among " + this.runs.stream().map(TestRun::functionId).toList());
		}
		return ofFunction.get(0).id();
	}

	/**
	 * The ids of the runs the events started.
	 * @return the run ids
	 */
	public List<String> runIds() {
		return this.runs.stream().map(TestRun::id).toList();
	}

}
