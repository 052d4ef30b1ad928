/**
 * The Inngest-shaped HTTP APIs (events in, runs and bulk cancellations) and the runs
 * dashboard, with the limits and refusals that guard what they take in.
 */
package dev.durable.inngest.web;
