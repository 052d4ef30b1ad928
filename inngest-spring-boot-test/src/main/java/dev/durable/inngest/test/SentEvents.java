package dev.durable.inngest.test;

import java.util.List;

/**
 * Events a test sent, and the runs they started.
 *
 * @param eventIds the ids of the events, in the order sent
 * @param runs the runs the events started, as they stood once the engine had nothing left
 * to do, oldest first
 * @param duplicateIds the ids among {@code eventIds} of events sent before: the engine
 * takes an event once by its id, so these started no run
 * @param eventNames the names of the events, in the order sent
 */
public record SentEvents(List<String> eventIds, List<TestRun> runs, List<String> duplicateIds,
		List<String> eventNames) {

	/**
	 * Events, and the runs they started.
	 * @param eventIds the ids of the events, in the order sent
	 * @param runs the runs the events started, oldest first
	 * @param duplicateIds the ids among {@code eventIds} of events sent before
	 */
	public SentEvents(List<String> eventIds, List<TestRun> runs, List<String> duplicateIds) {
		this(eventIds, runs, duplicateIds, List.of());
	}

	/**
	 * Events none of which had been sent before, and the runs they started.
	 * @param eventIds the ids of the events, in the order sent
	 * @param runs the runs the events started, oldest first
	 */
	public SentEvents(List<String> eventIds, List<TestRun> runs) {
		this(eventIds, runs, List.of());
	}

	/**
	 * The id of the only run the events started.
	 * @return the run id
	 * @throws AssertionError if they started no run or several
	 */
	public String runId() {
		if (this.runs.size() != 1) {
			throw new AssertionError("Expected the events to start one run, but they started " + this.runs.size()
					+ (this.runs.isEmpty() ? whyNone()
							: ": " + this.runs.stream().map((run) -> run.functionId() + " " + run.id()).toList()));
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
					+ ofFunction.size() + " among " + this.runs.stream().map(TestRun::functionId).toList()
					+ (this.runs.isEmpty() ? whyNone() : ""));
		}
		return ofFunction.get(0).id();
	}

	/**
	 * The ids of the runs the events started: none for an event sent again with the id of
	 * one sent before.
	 * @return the run ids
	 */
	public List<String> runIds() {
		return this.runs.stream().map(TestRun::id).toList();
	}

	private String whyNone() {
		if (this.duplicateIds.isEmpty()) {
			return this.eventNames.isEmpty() ? ": no function is triggered by events " + this.eventIds
					: ": no function is triggered by events named " + this.eventNames.stream().distinct().toList()
							+ ", or the condition of each function that is did not match them";
		}
		return ": this send started no run because events " + this.duplicateIds + " had been sent before with the "
				+ "same ids, and the engine takes an event once by its id (the runs of the first send are in "
				+ "runsOf(...))";
	}

}
