package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RetentionStore.EventPosition;
import dev.durable.inngest.memory.InMemoryInngestStore.ResentEvent;
import dev.durable.inngest.memory.InMemoryInngestStore.StoredEvent;
import org.jspecify.annotations.Nullable;

import static dev.durable.inngest.memory.InMemoryInngestStore.stored;

/**
 * The events of an {@link InMemoryInngestStore}, kept as JSON and read back from it, so
 * that what a caller does with an event it stored or read changes nothing stored.
 */
final class InMemoryEventStore implements EventStore {

	private final InMemoryInngestStore store;

	InMemoryEventStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public Map<String, Instant> lastReceived(Collection<String> ids) {
		return this.store.locked(() -> {
			Map<String, Instant> received = new HashMap<>();
			for (String id : ids) {
				StoredEvent latest = latest(id);
				if (latest != null) {
					received.put(id, latest.receivedAt());
				}
			}
			return received;
		});
	}

	@Override
	public void insert(List<Event> events, Instant receivedAt) {
		JsonCodec json = this.store.json();
		Instant received = stored(receivedAt);
		// Written before the lock is taken: JSON of any size is no reason to hold up the
		// others.
		List<StoredEvent> rows = events.stream().map((event) -> row(json, event.id(), null, event, received)).toList();
		this.store.locked(() -> {
			Set<String> ids = new HashSet<>();
			for (StoredEvent row : rows) {
				if (!ids.add(row.id()) || this.store.events.contains(row.id())) {
					throw InMemoryInngestStore.duplicate("events", row.id());
				}
			}
			rows.forEach((row) -> this.store.events.put(row.id(), row));
		});
	}

	@Override
	public void insertAgain(Event event, String key, Instant receivedAt, Instant windowStart) {
		StoredEvent row = row(this.store.json(), key, event.id(), event, stored(receivedAt));
		this.store.locked(() -> {
			ResentEvent latest = this.store.resent.get(event.id());
			if (latest != null && !latest.receivedAt().isBefore(windowStart)) {
				throw InMemoryInngestStore.duplicate("resent", event.id());
			}
			if (this.store.events.contains(key)) {
				throw InMemoryInngestStore.duplicate("events", key);
			}
			this.store.resent.put(event.id(), new ResentEvent(key, row.receivedAt()));
			this.store.events.put(key, row);
		});
	}

	@Override
	public Optional<Event> find(String id) {
		StoredEvent row = this.store.locked(() -> latest(id));
		return (row != null) ? Optional.of(read(this.store.json(), row)) : Optional.empty();
	}

	@Override
	public Optional<Instant> receivedAt(String id) {
		StoredEvent row = this.store.locked(() -> latest(id));
		return (row != null) ? Optional.of(row.receivedAt()) : Optional.empty();
	}

	@Override
	public List<Event> findByName(String name, int limit) {
		List<StoredEvent> rows = this.store.locked(() -> {
			List<StoredEvent> named = new ArrayList<>();
			for (EventPosition position : this.store.eventsReceived) {
				if (named.size() >= limit) {
					break;
				}
				StoredEvent row = this.store.events.get(position.id());
				if (row != null && row.name().equals(name)) {
					named.add(row);
				}
			}
			return named;
		});
		JsonCodec json = this.store.json();
		return rows.stream().map((row) -> read(json, row)).toList();
	}

	/**
	 * The latest event of an id: the one it was sent again with, or else the one stored
	 * under it. Called holding the lock.
	 */
	private @Nullable StoredEvent latest(String id) {
		ResentEvent resent = this.store.resent.get(id);
		return this.store.events.get((resent != null) ? resent.eventKey() : id);
	}

	private static StoredEvent row(JsonCodec json, String key, @Nullable String sentId, Event event,
			Instant receivedAt) {
		return new StoredEvent(key, sentId, event.name(), json.write(event.data()),
				event.user().isEmpty() ? null : json.write(event.user()), event.ts(), event.v(), receivedAt);
	}

	static Event read(JsonCodec json, StoredEvent row) {
		return new Event(row.name(), json.readObject(row.data()), json.readObject(row.user()),
				(row.sentId() != null) ? row.sentId() : row.id(), row.ts(), row.v());
	}

}
