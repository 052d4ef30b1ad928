package dev.durable.inngest;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page of runs.
 *
 * @param runs the runs, newest first
 * @param nextCursor the cursor of the next page, or {@code null} on the last page
 */
public record RunPage(List<RunView> runs, @Nullable String nextCursor) {

}
