package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores the runs waiting for events, found by event name and matched value.
 */
public interface WaitStore {

	/**
	 * Stores waits, in one batch.
	 * @param waits the waits
	 */
	void insert(List<WaitRecord> waits);

	/**
	 * Which of these event names are waited for, and how: for each name that has waits,
	 * the distinct dotted fields they match on, with {@link #UNMATCHED} for waits that
	 * match by condition or not at all. One query for a whole batch of events.
	 * @param eventNames the event names
	 * @return the match fields by event name; names nobody waits for are absent
	 */
	Map<String, Set<String>> waitedFor(Collection<String> eventNames);

	/** Stands for waits without a match field in {@link #waitedFor}. */
	String UNMATCHED = "";

	/**
	 * The waits for an event name whose matched field has a value, and that have not
	 * expired.
	 * @param eventName the event name
	 * @param matchPath the dotted field
	 * @param matchValue the value as JSON
	 * @param now the current time
	 * @return the waits
	 */
	List<WaitRecord> findByMatch(String eventName, String matchPath, String matchValue, Instant now);

	/**
	 * The waits for an event name that match on no field, and that have not expired.
	 * @param eventName the event name
	 * @param now the current time
	 * @return the waits
	 */
	List<WaitRecord> findUnmatched(String eventName, Instant now);

	/**
	 * The keys of a run's steps still waiting here: its waits for events and for invoked
	 * runs that nothing has resolved yet, not its cancellation rules. Read as the run is
	 * suspended on several, to tell whether one was resolved while it executed.
	 * @param runId the run id
	 * @return the step keys
	 */
	Set<String> waitingSteps(String runId);

	/**
	 * Removes every wait of a run, once it has ended.
	 * @param runId the run id
	 */
	void deleteByRun(String runId);

	/**
	 * Removes a wait; whoever removes it resolves it.
	 * @param runId the run id
	 * @param stepKey the step key
	 * @return {@code true} if this call removed it
	 */
	boolean delete(String runId, String stepKey);

}
