package dev.durable.inngest;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page of runs.
 *
 * @param runs the runs, newest first
 * @param nextCursor the cursor of the next page, or {@code null} on the last page. A page
 * of a query with a {@link RunQuery#condition() condition} may hold fewer runs than its
 * limit, or none, and still have a next cursor: its search reached its budget there.
 */
public record RunPage(List<RunView> runs, @Nullable String nextCursor) {

}
