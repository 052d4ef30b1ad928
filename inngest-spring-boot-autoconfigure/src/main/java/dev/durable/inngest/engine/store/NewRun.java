package dev.durable.inngest.engine.store;

import java.time.Instant;

/**
 * A run to create, queued and due at once.
 *
 * @param id the run id: an id made of {@code createdAt} ({@code Ids.next(Instant)}), which a
 * store may rely on to find runs created in a time range by their ids
 * @param functionId the function id
 * @param eventId the trigger event's id
 * @param createdAt when it is created
 */
public record NewRun(String id, String functionId, String eventId, Instant createdAt) {

}
