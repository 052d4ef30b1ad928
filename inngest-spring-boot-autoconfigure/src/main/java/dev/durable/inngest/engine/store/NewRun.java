package dev.durable.inngest.engine.store;

import java.time.Instant;

/**
 * A run to create, queued and due at once.
 *
 * @param id the run id
 * @param functionId the function id
 * @param eventId the trigger event's id
 * @param createdAt when it is created
 */
public record NewRun(String id, String functionId, String eventId, Instant createdAt) {

}
