/**
 * The run state machine, independent of storage and transport: the lifecycle of a run and
 * its steps ({@link dev.durable.inngest.engine.RunLifecycle}), executing a function body
 * and replaying its steps, retries and back-off, starting runs from events, and the
 * scheduler whose threads claim and execute due runs
 * ({@link dev.durable.inngest.engine.RunScheduler}).
 */
@NullMarked
package dev.durable.inngest.engine;

import org.jspecify.annotations.NullMarked;
