/**
 * The storage SPI of the engine: a few narrow interfaces for events, runs, steps, waits,
 * cron schedules and the retention's deletions, and the records they exchange.
 */
@NullMarked
package dev.durable.inngest.engine.store;

import org.jspecify.annotations.NullMarked;
