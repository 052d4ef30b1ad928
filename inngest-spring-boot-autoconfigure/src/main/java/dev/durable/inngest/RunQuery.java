package dev.durable.inngest;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Which runs {@link InngestRuns#list(RunQuery)} returns: all filters are optional, the
 * newest runs come first, a page at a time.
 *
 * @param functionId only runs of this function, or {@code null}
 * @param status only runs in this state, or {@code null}
 * @param createdAfter only runs created at or after this time, or {@code null}
 * @param createdBefore only runs created before this time, or {@code null}
 * @param limit the most runs in one page, from 1 to 100
 * @param cursor where the page starts: the {@link RunPage#nextCursor()} of the page
 * before, or {@code null} for the first page
 * @param condition only runs whose trigger event this CEL condition holds for, over
 * {@code event} (such as {@code event.data.orderId == "o-123"}), or {@code null}. The
 * runs the other filters select are read newest first and the condition evaluated on
 * each, within the same budget of time and runs as a bulk cancellation's count
 * ({@code inngest.limits.bulk-count-timeout}, {@code inngest.limits.bulk-count-scanned}):
 * a page that reached it holds the runs found so far, maybe none, and a
 * {@link RunPage#nextCursor()} to search on from there.
 */
public record RunQuery(@Nullable String functionId, @Nullable RunStatus status, @Nullable Instant createdAfter,
		@Nullable Instant createdBefore, int limit, @Nullable String cursor, @Nullable String condition) {

	/** The most runs a page may hold. */
	public static final int MAX_LIMIT = 100;

	/**
	 * Checks the limit.
	 */
	public RunQuery {
		checkLimit(limit);
	}

	/**
	 * Creates a query without a condition on the trigger event.
	 * @param functionId only runs of this function, or {@code null}
	 * @param status only runs in this state, or {@code null}
	 * @param createdAfter only runs created at or after this time, or {@code null}
	 * @param createdBefore only runs created before this time, or {@code null}
	 * @param limit the most runs in one page, from 1 to 100
	 * @param cursor where the page starts, or {@code null} for the first page
	 */
	public RunQuery(@Nullable String functionId, @Nullable RunStatus status, @Nullable Instant createdAfter,
			@Nullable Instant createdBefore, int limit, @Nullable String cursor) {
		this(functionId, status, createdAfter, createdBefore, limit, cursor, null);
	}

	/**
	 * This query for the runs whose trigger event a CEL condition holds for.
	 * @param condition the condition over {@code event}, or {@code null} for none
	 * @return the query
	 */
	public RunQuery withCondition(@Nullable String condition) {
		return new RunQuery(this.functionId, this.status, this.createdAfter, this.createdBefore, this.limit,
				this.cursor, condition);
	}

	/**
	 * Checks a page size as every listing of {@link InngestRuns} takes it: from 1 to
	 * {@value #MAX_LIMIT}.
	 * @param limit the page size
	 * @throws IllegalArgumentException if it is out of that range
	 */
	public static void checkLimit(int limit) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", but was " + limit);
		}
	}

	/**
	 * The first page of all runs.
	 * @param limit the page size
	 * @return the query
	 */
	public static RunQuery all(int limit) {
		return new RunQuery(null, null, null, null, limit, null);
	}

}
