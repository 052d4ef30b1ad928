package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.memory.InMemoryInngestStore.StoredEvent;

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
	public Set<String> existing(Collection<String> ids) {
		return this.store.locked(() -> {
			Set<String> existing = new HashSet<>();
			for (String id : ids) {
				if (this.store.events.contains(id)) {
					existing.add(id);
				}
			}
			return existing;
		});
	}

	@Override
	public void insert(List<Event> events, Instant receivedAt) {
		JsonCodec json = this.store.json();
		Instant received = stored(receivedAt);
		// Written before the lock is taken: JSON of any size is no reason to hold up the
		// others.
		List<StoredEvent> rows = events.stream()
			.map((event) -> new StoredEvent(event.id(), event.name(), json.write(event.data()),
					event.user().isEmpty() ? null : json.write(event.user()), event.ts(), event.v(), received))
			.toList();
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
	public Optional<Event> find(String id) {
		StoredEvent row = this.store.locked(() -> this.store.events.get(id));
		return (row != null) ? Optional.of(read(this.store.json(), row)) : Optional.empty();
	}

	@Override
	public Optional<Instant> receivedAt(String id) {
		StoredEvent row = this.store.locked(() -> this.store.events.get(id));
		return (row != null) ? Optional.of(row.receivedAt()) : Optional.empty();
	}

	static Event read(JsonCodec json, StoredEvent row) {
		return new Event(row.name(), json.readObject(row.data()), json.readObject(row.user()), row.id(), row.ts(),
				row.v());
	}

}
