/**
 * Inngest's SDK protocol, for serving functions to the Inngest platform: request signatures and
 * the canonical JSON they cover, step ids, and the configuration an application syncs.
 */
@NullMarked
package dev.durable.inngest.remote;

import org.jspecify.annotations.NullMarked;
