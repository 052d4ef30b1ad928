package dev.durable.inngest;

/**
 * How many runs a bulk cancellation would cancel now, as far as they could be counted
 * within the time and the number of runs a count may take
 * ({@code inngest.limits.bulk-count-timeout} and
 * {@code inngest.limits.bulk-count-scanned}).
 *
 * @param matching the matching runs that have not ended, among those looked at
 * @param complete {@code true} if every run was looked at, so {@code matching} is exact;
 * {@code false} if the count stopped early, so {@code matching} is a lower bound
 */
public record MatchCount(long matching, boolean complete) {

}
