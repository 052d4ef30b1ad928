package dev.durable.inngest.web;

import java.time.Duration;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.Executions;

/**
 * Functions whose runs make a timeline worth looking at: a step that fails twice before
 * it completes, a sleep, a step that fails for good and a failure handler; a loop of many
 * steps; and a step with an output before a long sleep.
 */
public class TimelineFunctions {

	private final Executions executions;

	public TimelineFunctions(Executions executions) {
		this.executions = executions;
	}

	@InngestFunction(id = "ship-order", event = "test/ship")
	String ship(Event event, Step step) {
		String key = (String) event.data().get("key");
		step.run("reserve", () -> {
			if (this.executions.hit(key, "reserve") < 3) {
				throw new IllegalStateException("warehouse busy");
			}
		});
		step.sleep("cool-off", Duration.ofMillis(300));
		return step.run("label", String.class, () -> {
			if (Boolean.TRUE.equals(event.data().get("fail"))) {
				throw new NonRetriableException("no carrier for this address");
			}
			return "labelled";
		});
	}

	@OnFailure(function = "ship-order")
	void shipFailed(FailureContext failure, Step step) {
		step.run("notify", () -> this.executions.hit((String) failure.originalEvent().data().get("key"), "notify"));
	}

	@InngestFunction(id = "tally", event = "test/tally")
	String tally(Event event, Step step) {
		return step.run("count", String.class, () -> {
			if (Boolean.TRUE.equals(event.data().get("fail"))) {
				throw new NonRetriableException("cannot count this");
			}
			return "counted";
		});
	}

	@InngestFunction(id = "many-steps", event = "test/many")
	int many(Event event, Step step) {
		int count = ((Number) event.data().get("count")).intValue();
		int sum = 0;
		for (int i = 0; i < count; i++) {
			int item = i;
			sum += step.run("item", Integer.class, () -> item);
		}
		return sum;
	}

	@InngestFunction(id = "quote-then-settle", event = "test/quote")
	void quoteThenSettle(Event event, Step step) {
		step.run("quote", String.class, () -> "quoted " + event.data().get("key"));
		step.sleep("settle", Duration.ofMinutes(10));
	}

}
