package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.durable.inngest.Event;

/**
 * Stores events.
 */
public interface EventStore {

	/**
	 * Which of these ids are stored already.
	 * @param ids event ids
	 * @return the ids that exist
	 */
	Set<String> existing(Collection<String> ids);

	/**
	 * Stores events that have ids and timestamps.
	 * @param events the events
	 * @param receivedAt when they were received
	 */
	void insert(List<Event> events, Instant receivedAt);

	/**
	 * An event by id.
	 * @param id the event id
	 * @return the event, if stored
	 */
	Optional<Event> find(String id);

	/**
	 * When an event was received: the time the runs it started were created at.
	 * @param id the event id
	 * @return the time, if the event is stored
	 */
	Optional<Instant> receivedAt(String id);

	/**
	 * Whether this store can store events with the runs they start in one statement
	 * ({@link #insertUnlessAwaited}), where a round trip to the database costs more than
	 * the statement.
	 * @return {@code true} if it can; {@code false} by default
	 */
	default boolean insertsAtOnce() {
		return false;
	}

	/**
	 * Stores events with the runs they start and the cancel rules of those runs in one
	 * statement, unless a run waits for an event of one of their names, or an event with
	 * one of the ids their sender chose is stored already: then it stores nothing, and
	 * the caller stores them statement by statement, resuming the waits and leaving out
	 * the events sent before. The statement runs in the caller's transaction if one is
	 * active, and otherwise commits on its own. Called only if {@link #insertsAtOnce()}.
	 * @param events the events and their runs
	 * @return {@code true} if they were stored; {@code false} if nothing was
	 * @throws UnsupportedOperationException if this store cannot
	 */
	default boolean insertUnlessAwaited(NewEvents events) {
		throw new UnsupportedOperationException(getClass().getName() + " stores events in transactions only");
	}

}
