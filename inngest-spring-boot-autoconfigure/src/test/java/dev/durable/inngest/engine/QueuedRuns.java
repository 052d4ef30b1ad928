package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunStore;

/**
 * Runs queued straight in the stores, of a function no application declares, for tests
 * that claim or complete them by hand with the engine stopped.
 */
final class QueuedRuns {

	private QueuedRuns() {
	}

	/**
	 * Stores an event and queues runs it triggered, due a second before {@code now}.
	 * @return the runs' ids, in the order they were queued
	 */
	static List<String> queue(EventStore events, RunStore runs, Event event, String functionId, int count,
			Instant now) {
		events.insert(List.of(event), now);
		List<NewRun> created = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			created.add(new NewRun(UUID.randomUUID().toString().replace("-", ""), functionId, event.id(),
					now.minusSeconds(1)));
		}
		runs.create(created);
		return new ArrayList<>(created.stream().map(NewRun::id).toList());
	}

}
