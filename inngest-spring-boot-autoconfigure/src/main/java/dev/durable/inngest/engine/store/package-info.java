/**
 * The storage SPI of the engine: a few narrow interfaces for events, runs, steps, waits and
 * cron schedules, and the records they exchange.
 */
package dev.durable.inngest.engine.store;
