/**
 * A store of the local engine that keeps everything in the JVM's memory, for tests and
 * for applications that need no durability: every store of the engine's SPI, honouring
 * the same conditions as the JDBC store, and a transaction manager that makes a unit of
 * work atomic. {@link dev.durable.inngest.memory.InMemoryInngestStore} is the entry
 * point.
 */
@NullMarked
package dev.durable.inngest.memory;

import org.jspecify.annotations.NullMarked;
