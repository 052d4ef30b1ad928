package dev.durable.inngest.engine.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import dev.durable.inngest.Event;

/**
 * Events taken in together, with the runs they start and the {@code @CancelOn} rules of
 * those runs: what {@link EventStore#insertUnlessAwaited} stores at once.
 *
 * @param events the events, with ids and timestamps, each id once
 * @param givenIds the ids among them that their sender chose, which may have been sent
 * before; ids made for the events cannot have been
 * @param runs the runs they start
 * @param cancelRules the cancel rules of those runs
 * @param receivedAt when the events were received
 */
public record NewEvents(List<Event> events, Collection<String> givenIds, List<NewRun> runs,
		List<WaitRecord> cancelRules, Instant receivedAt) {

}
