package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.List;

/**
 * Stores the next fire time of each cron trigger, so that one instance fires each tick.
 */
public interface CronStore {

	/**
	 * A cron trigger's next fire time.
	 *
	 * @param functionId the function id
	 * @param expression the cron expression
	 * @param nextFireAt the next fire time
	 */
	record CronTick(String functionId, String expression, Instant nextFireAt) {

	}

	/**
	 * Stores a trigger's next fire time unless the trigger is stored already.
	 * @param tick the trigger and its next fire time
	 */
	void insertIfAbsent(CronTick tick);

	/**
	 * The triggers due now.
	 * @param now the current time
	 * @return the due triggers
	 */
	List<CronTick> findDue(Instant now);

	/**
	 * Every stored trigger.
	 * @return the triggers
	 */
	List<CronTick> findAll();

	/**
	 * Deletes a trigger, whatever its next fire time.
	 * @param functionId the function id
	 * @param expression the cron expression
	 */
	void delete(String functionId, String expression);

	/**
	 * Moves a trigger to its next fire time, if no one else has.
	 * @param tick the trigger as read
	 * @param next its next fire time
	 * @return {@code true} if this call moved it, and so fires the tick
	 */
	boolean advance(CronTick tick, Instant next);

}
