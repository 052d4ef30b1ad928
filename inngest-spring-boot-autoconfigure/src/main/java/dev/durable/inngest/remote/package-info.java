/**
 * Inngest's SDK protocol, for serving functions to the Inngest platform: the serve
 * endpoint, the sync of the application's configuration, request signatures and the
 * canonical JSON they cover, step ids, and the execution of the platform's call requests;
 * and the platform's Event API (with the outbox for events sent in a transaction) and
 * REST API behind {@link dev.durable.inngest.InngestClient} and
 * {@link dev.durable.inngest.InngestRuns}.
 */
@NullMarked
package dev.durable.inngest.remote;

import org.jspecify.annotations.NullMarked;
