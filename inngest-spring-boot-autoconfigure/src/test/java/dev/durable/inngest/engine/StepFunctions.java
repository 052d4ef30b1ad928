package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventData;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Step;
import dev.durable.inngest.WaitForEvent;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Functions for sleeps, waits, sent events, bound data and cron.
 */
public class StepFunctions {

	private final Executions executions;

	public StepFunctions(Executions executions) {
		this.executions = executions;
	}

	record Order(String key, String orderId, Long amount) {
	}

	@InngestFunction(id = "sleeper", event = "test/sleep")
	String sleeper(Event event, Step step) {
		String key = RetryFunctions.key(event);
		step.run("before", () -> this.executions.hit(key, "before"));
		step.sleep("nap", Duration.ofMillis(((Number) event.data().get("millis")).longValue()));
		step.run("after", () -> this.executions.hit(key, "after"));
		return "rested";
	}

	@InngestFunction(id = "changed-kind", event = "test/changed-kind")
	@Retries(0)
	void changedKind(Event event, Step step) {
		String key = RetryFunctions.key(event);
		// As if the code changed between the execution that ran the step and its replay.
		if (this.executions.count(key, "x") == 0) {
			step.run("x", () -> this.executions.hit(key, "x"));
		}
		else {
			step.sleep("x", Duration.ofMillis(1));
		}
		step.sleep("nap", Duration.ofMillis(200));
	}

	@InngestFunction(id = "sleep-until-past", event = "test/sleep-until-past")
	String sleepUntilPast(Event event, Step step) {
		step.sleepUntil("long-ago", Instant.parse("2020-01-01T00:00:00Z"));
		step.run("after", () -> this.executions.hit(RetryFunctions.key(event), "after"));
		return "no wait";
	}

	@InngestFunction(id = "approval-by-match", event = "test/order.created")
	String approvalByMatch(@EventData Order order, Step step) {
		Optional<Event> approval = step.waitForEvent("approval",
				WaitForEvent.event("test/order.approved").match("data.orderId").timeout(Duration.ofSeconds(30)));
		step.run("after", () -> this.executions.hit(order.key(), "after"));
		return approval.map((event) -> "approved by " + event.data().get("by")).orElse("timed out");
	}

	@InngestFunction(id = "approval-by-condition", event = "test/big-order.created")
	String approvalByCondition(Event event, Step step) {
		Optional<Event> approval = step.waitForEvent("approval",
				WaitForEvent.event("test/big-order.approved")
					.condition("async.data.orderId == event.data.orderId && async.data.limit >= event.data.amount")
					.timeout(Duration.ofSeconds(30)));
		return approval.map((e) -> "approved with limit " + e.data().get("limit")).orElse("timed out");
	}

	@InngestFunction(id = "any-signal", event = "test/any-signal.awaited")
	String anySignal(Step step) {
		return step.waitForEvent("signal", WaitForEvent.event("test/any-signal").timeout(Duration.ofSeconds(30)))
			.map((e) -> "signalled by " + e.data().get("by"))
			.orElse("timed out");
	}

	@InngestFunction(id = "approval-timeout", event = "test/quick-order.created")
	String approvalTimeout(Event event, Step step) {
		Optional<Event> approval = step.waitForEvent("approval",
				WaitForEvent.event("test/quick-order.approved").match("data.orderId").timeout(Duration.ofMillis(500)));
		return approval.isPresent() ? "approved" : "timed out";
	}

	@InngestFunction(id = "sender", event = "test/send")
	List<String> sender(Event event, Step step) {
		String key = RetryFunctions.key(event);
		List<String> ids = step.sendEvent("notify", Event.of("test/notified", Map.of("key", key)));
		step.run("flaky-after-send", () -> {
			if (this.executions.hit(key, "flaky-after-send") == 1) {
				throw new IllegalStateException("fails once after sending");
			}
		});
		return ids;
	}

	@InngestFunction(id = "notified", event = "test/notified")
	void notified(Event event) {
		this.executions.hit(RetryFunctions.key(event), "notified");
	}

	@InngestFunction(id = "generic-result", event = "test/generic")
	int genericResult(Event event, Step step) {
		List<Order> orders = step.run("load", new ParameterizedTypeReference<List<Order>>() {
		}, () -> List.of(new Order("k", "o-1", 5L), new Order("k", "o-2", 7L)));
		return orders.stream().mapToInt((order) -> order.amount().intValue()).sum();
	}

	@InngestFunction(id = "conditional", event = "test/conditional", condition = "event.data.amount > 100")
	void conditional(Event event) {
		this.executions.hit(RetryFunctions.key(event), "conditional");
	}

	record Payment(String key, long amount) {
	}

	@InngestFunction(id = "bound-data", event = "test/bound-data")
	long boundData(@EventData Payment payment) {
		return payment.amount() * 2;
	}

	@InngestFunction(id = "every-minute", cron = "* * * * *")
	void everyMinute(Event event) {
		this.executions.record("cron", "event", event);
	}

}
