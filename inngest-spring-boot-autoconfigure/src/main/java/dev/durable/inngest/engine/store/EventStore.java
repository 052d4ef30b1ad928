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

}
