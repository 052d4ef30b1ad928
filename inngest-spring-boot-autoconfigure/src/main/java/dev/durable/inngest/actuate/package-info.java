/**
 * Watching runs: Micrometer metrics, and the Actuator endpoint and health indicator.
 */
package dev.durable.inngest.actuate;
