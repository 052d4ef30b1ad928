/**
 * Inngest's SDK protocol, for serving functions to the Inngest platform: request signatures and
 * the canonical JSON they cover, step ids, the configuration an application syncs, and the
 * execution of the platform's call requests.
 */
@NullMarked
package dev.durable.inngest.remote;

import org.jspecify.annotations.NullMarked;
