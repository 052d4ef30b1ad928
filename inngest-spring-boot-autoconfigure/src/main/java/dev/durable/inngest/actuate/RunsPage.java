package dev.durable.inngest.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.JsonCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A page of runs as the {@code inngest} endpoint lists them: each run as {@link RunView}
 * has it, except that its event's {@code data} and {@code user}, its output and its
 * error's message and stack are left out when they take more than
 * {@value #MAX_VALUE_SIZE} bytes as JSON, and named in {@code truncated}. A page stays
 * small whatever the runs carry; the run's detail has it all.
 *
 * @param runs the runs, newest first
 * @param nextCursor the cursor of the next page, or {@code null} on the last page
 */
public record RunsPage(List<ListedRun> runs, @Nullable String nextCursor) {

	/** The most bytes a value of a run takes as JSON in a page. */
	public static final int MAX_VALUE_SIZE = 1024;

	private static final JsonCodec JSON = new JsonCodec(JsonMapper.builder().build());

	static RunsPage of(RunPage page) {
		return new RunsPage(page.runs().stream().map(ListedRun::of).toList(), page.nextCursor());
	}

	/**
	 * A run in a page.
	 *
	 * @param id the run id
	 * @param functionId the function
	 * @param status the state
	 * @param event the trigger event, its {@code data} or {@code user} empty if truncated
	 * @param attempt the attempt
	 * @param createdAt when it was created
	 * @param startedAt when it started
	 * @param endedAt when it ended
	 * @param output the output, {@code null} if truncated
	 * @param error the error, its message or stack {@code null} if truncated
	 * @param cancellation who cancelled it and why
	 * @param truncated the values left out: {@code event.data}, {@code event.user},
	 * {@code output}, {@code error.message}, {@code error.stack}
	 */
	public record ListedRun(String id, String functionId, RunStatus status, Event event, int attempt, Instant createdAt,
			@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable Object output, @Nullable ErrorInfo error,
			RunView.@Nullable Cancellation cancellation, List<String> truncated) {

		static ListedRun of(RunView run) {
			List<String> truncated = new ArrayList<>();
			Event event = run.event();
			if (event != null) {
				boolean data = tooLarge(event.data());
				boolean user = tooLarge(event.user());
				if (data || user) {
					event = new Event(event.name(), data ? null : event.data(), user ? null : event.user(), event.id(),
							event.ts(), event.v());
					if (data) {
						truncated.add("event.data");
					}
					if (user) {
						truncated.add("event.user");
					}
				}
			}
			Object output = run.output();
			if (tooLarge(output)) {
				output = null;
				truncated.add("output");
			}
			ErrorInfo error = run.error();
			if (error != null) {
				boolean message = tooLarge(error.message());
				boolean stack = tooLarge(error.stack());
				if (message || stack) {
					error = new ErrorInfo(error.name(), message ? null : error.message(), stack ? null : error.stack());
					if (message) {
						truncated.add("error.message");
					}
					if (stack) {
						truncated.add("error.stack");
					}
				}
			}
			return new ListedRun(run.id(), run.functionId(), run.status(), event, run.attempt(), run.createdAt(),
					run.startedAt(), run.endedAt(), output, error, run.cancellation(), List.copyOf(truncated));
		}

		private static boolean tooLarge(@Nullable Object value) {
			return value != null && JSON.exceeds(value, MAX_VALUE_SIZE);
		}

	}

}
