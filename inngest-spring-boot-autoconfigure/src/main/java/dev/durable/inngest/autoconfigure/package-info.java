/**
 * Auto-configuration of durable functions, of the local engine and of remote mode, and
 * their properties.
 */
package dev.durable.inngest.autoconfigure;
