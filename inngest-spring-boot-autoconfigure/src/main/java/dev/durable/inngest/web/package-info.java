/**
 * The Inngest-shaped HTTP APIs (events in, runs and bulk cancellations) and the runs
 * dashboard, with the limits and refusals that guard what they take in.
 */
@NullMarked
package dev.durable.inngest.web;

import org.jspecify.annotations.NullMarked;
