package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.List;

/**
 * Stores the runs waiting for events, found by event name and matched value.
 */
public interface WaitStore {

	/**
	 * Stores a wait.
	 * @param wait the wait
	 */
	void insert(WaitRecord wait);

	/**
	 * The distinct fields that waits for an event name match on.
	 * @param eventName the event name
	 * @return the dotted fields
	 */
	List<String> matchPaths(String eventName);

	/**
	 * The waits for an event name whose matched field has a value, and that have not expired.
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
