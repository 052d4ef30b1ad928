/**
 * Auto-configuration of durable functions, of the local engine and of remote mode, and
 * their properties.
 */
@NullMarked
package dev.durable.inngest.autoconfigure;

import org.jspecify.annotations.NullMarked;
