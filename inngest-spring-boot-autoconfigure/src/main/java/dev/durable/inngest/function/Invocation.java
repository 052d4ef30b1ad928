package dev.durable.inngest.function;

import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a function method's parameters are resolved from, for one execution of a run.
 *
 * @param event the trigger event
 * @param step the run's steps
 * @param run the run's context
 * @param failure the failure, for a failure handler, the
 * {@link dev.durable.inngest.FunctionCancelledEvent} for a cancellation handler, or
 * {@code null}
 * @param mapper the mapper that binds {@link dev.durable.inngest.EventData} parameters
 */
public record Invocation(Event event, Step step, RunContext run, @Nullable FailureContext failure, JsonMapper mapper) {

	/**
	 * All events that triggered the run.
	 * @return the events
	 */
	public List<Event> events() {
		return List.of(this.event);
	}

}
