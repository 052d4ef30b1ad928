/**
 * Watching runs: Micrometer metrics, and the Actuator endpoint and health indicator.
 */
@NullMarked
package dev.durable.inngest.actuate;

import org.jspecify.annotations.NullMarked;
