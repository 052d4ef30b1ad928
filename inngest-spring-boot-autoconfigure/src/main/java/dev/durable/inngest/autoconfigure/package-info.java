/**
 * Auto-configuration of durable functions and the local engine, and their properties.
 */
package dev.durable.inngest.autoconfigure;
