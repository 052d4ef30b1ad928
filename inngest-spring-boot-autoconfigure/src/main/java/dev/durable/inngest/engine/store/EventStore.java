package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.durable.inngest.Event;

/**
 * Stores events.
 */
public interface EventStore {

	/**
	 * When the latest stored event of each of these ids was received.
	 * @param ids event ids
	 * @return the time of each id of which an event is stored; the others are left out
	 */
	Map<String, Instant> lastReceived(Collection<String> ids);

	/**
	 * Stores events that have ids and timestamps, under their ids.
	 * @param events the events
	 * @param receivedAt when they were received
	 * @throws org.springframework.dao.DuplicateKeyException if an event of one of the ids
	 * is stored already
	 */
	void insert(List<Event> events, Instant receivedAt);

	/**
	 * Stores an event whose id an event received before the deduplication window had,
	 * under a key of its own, as the latest event of its id: the one {@link #find},
	 * {@link #receivedAt} and {@link #lastReceived} read from then on. Runs it starts
	 * name the key as their event, and read the event with its id.
	 * @param event the event, with the id it was sent with
	 * @param key the key to store it under, made by the engine
	 * @param receivedAt when it was received
	 * @param windowStart the start of the deduplication window
	 * @throws org.springframework.dao.DuplicateKeyException if an event of the id was
	 * stored again since the window's start, by another transaction meanwhile
	 */
	void insertAgain(Event event, String key, Instant receivedAt, Instant windowStart);

	/**
	 * The latest event of an id.
	 * @param id the event id
	 * @return the event, if stored
	 */
	Optional<Event> find(String id);

	/**
	 * When the latest event of an id was received: the time the runs it started were
	 * created at.
	 * @param id the event id
	 * @return the time, if an event of the id is stored
	 */
	Optional<Instant> receivedAt(String id);

	/**
	 * The events of a name, oldest first: in the order they were received, those received
	 * at one instant in the order of the keys they are stored under. For a test to read
	 * what an application and its functions sent; a store need not index events by name,
	 * so this may read every event it has.
	 * @param name the event name
	 * @param limit the most events to return
	 * @return the events, each with the id it was sent with
	 */
	List<Event> findByName(String name, int limit);

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
	 * one of the ids their sender chose was ever stored: then it stores nothing, and the
	 * caller stores them statement by statement, resuming the waits and leaving out the
	 * events of ids received within the deduplication window. The statement runs in the
	 * caller's transaction if one is active, and otherwise commits on its own. Called
	 * only if {@link #insertsAtOnce()}.
	 * @param events the events and their runs
	 * @return {@code true} if they were stored; {@code false} if nothing was
	 * @throws UnsupportedOperationException if this store cannot
	 */
	default boolean insertUnlessAwaited(NewEvents events) {
		throw new UnsupportedOperationException(getClass().getName() + " stores events in transactions only");
	}

}
