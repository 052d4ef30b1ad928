/**
 * The user-facing API of durable functions: annotations, events, steps, the client and
 * the exceptions that steer retries. Implementations live in sub-packages.
 */
@NullMarked
package dev.durable.inngest;

import org.jspecify.annotations.NullMarked;
