/**
 * The run state machine, independent of storage and transport: executing a function body,
 * replaying its steps, retries and back-off, and starting runs from events.
 */
package dev.durable.inngest.engine;
