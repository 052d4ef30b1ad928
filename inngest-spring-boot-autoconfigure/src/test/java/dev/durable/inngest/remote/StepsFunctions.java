package dev.durable.inngest.remote;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RetryAfterException;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.StepOptions;
import dev.durable.inngest.WaitForEvent;

import org.springframework.core.ParameterizedTypeReference;

/**
 * The functions of {@code src/test/js/steps-app.mjs}, in Java, under the application id
 * {@code steps}; keep the two in step. The remote tests add a few of their own.
 */
class StepsFunctions {

	/** The events {@code sender} sent, and the ids it gave them. */
	final List<Event> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** What the last call's body saw of its run. */
	volatile String context;

	@InngestFunction(id = "two-steps", event = "t/go")
	Map<String, Object> twoSteps(Event event, Step step) {
		Order first = step.run("first", Order.class,
				() -> new Order(((Number) event.data().get("n")).intValue(), "one"));
		int second = step.run("second", Integer.class, () -> first.n() + 1);
		return Map.of("first", first, "second", second);
	}

	@InngestFunction(id = "flaky", event = "t/go")
	@Retries(2)
	String flaky(Step step) {
		step.run("charge", () -> {
			throw new RuntimeException("gateway timeout");
		});
		return "unreachable";
	}

	@InngestFunction(id = "compensate", event = "t/go")
	@Retries(0)
	String compensate(Step step) {
		try {
			step.run("charge", String.class, () -> {
				throw new RuntimeException("declined");
			});
			return "charged";
		}
		catch (StepFailedException ex) {
			return step.run("refund", String.class, () -> "refunded after " + ex.errorMessage());
		}
	}

	@InngestFunction(id = "sleeper", event = "t/go")
	String sleeper(Step step) {
		step.sleep("nap", Duration.ofMinutes(90));
		return "woke";
	}

	@InngestFunction(id = "waiter", event = "t/go")
	Map<String, Object> waiter(Step step) {
		Optional<Event> paid = step.waitForEvent("wait-pay",
				WaitForEvent.event("shop/paid").match("data.id").timeout(Duration.ofDays(2)));
		Optional<Event> shipped = step.waitForEvent("wait-ship",
				WaitForEvent.event("shop/shipped").condition("async.data.ok == true").timeout(Duration.ofHours(1)));
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("paid", paid.map(Event::data).orElse(null));
		result.put("shipped", shipped.isPresent());
		return result;
	}

	@InngestFunction(id = "fails", event = "t/go")
	String fails() {
		throw new RuntimeException("broken func");
	}

	@InngestFunction(id = "fails-for-good", event = "t/go")
	String failsForGood() {
		throw new NonRetriableException("no such order");
	}

	@InngestFunction(id = "later", event = "t/go")
	String later() {
		throw new RetryAfterException("rate limited", Duration.ofSeconds(30));
	}

	@InngestFunction(id = "step-for-good", event = "t/go")
	String stepForGood(Step step) {
		step.run("validate", () -> {
			throw new NonRetriableException("invalid card");
		});
		return "unreachable";
	}

	@InngestFunction(id = "loop", event = "t/go")
	int loop(Step step) {
		int total = 0;
		for (int i = 0; i < 3; i++) {
			int value = i * 10;
			total += step.run("item", Integer.class, () -> value);
		}
		return total;
	}

	@InngestFunction(id = "named-like-repeat", event = "t/go")
	String namedLikeRepeat(Step step) {
		String first = step.run("item", String.class, () -> "first item");
		String named = step.run("item:1", String.class, () -> "named item:1");
		String repeat = step.run("item", String.class, () -> "repeated item");
		return first + "|" + named + "|" + repeat;
	}

	@InngestFunction(id = "sender", event = "t/go")
	List<String> sender(Step step) {
		return step.sendEvent("notify", Event.of("shop/notified", Map.of("id", 7)));
	}

	@InngestFunction(id = "refused-sender", event = "t/go")
	List<String> refusedSender(Step step) {
		return step.sendEvent("notify", Event.of("inngest/mine", Map.of()));
	}

	@InngestFunction(id = "unreachable-sender", event = "t/go")
	List<String> unreachableSender(Step step) {
		return step.sendEvent("notify", Event.of("shop/unreachable", Map.of()));
	}

	@InngestFunction(id = "too-long-sleep", event = "t/go")
	void tooLongSleep(Step step) {
		step.sleep("nap", Duration.ofDays(367));
	}

	@InngestFunction(id = "nothing", event = "t/go")
	void nothing() {
	}

	@InngestFunction(id = "step-later", event = "t/go")
	String stepLater(Step step) {
		step.run("throttled", () -> {
			throw new RetryAfterException("slow down", Duration.ofSeconds(45));
		});
		return "unreachable";
	}

	@InngestFunction(id = "wraps", event = "t/go")
	String wraps(Step step) {
		try {
			step.run("first", () -> {
			});
		}
		catch (Throwable ex) {
			// As a proxy or a careless handler may wrap whatever it catches.
			throw new IllegalStateException("wrapped", ex);
		}
		return "unreachable";
	}

	@InngestFunction(id = "until", event = "t/go")
	String until(Step step) {
		step.sleepUntil("alarm", Instant.parse("2027-01-02T03:04:05Z"));
		return "rang";
	}

	// Below: not in the JavaScript application.

	@InngestFunction(id = "typed", event = "t/go")
	String typed(Step step) {
		List<Order> orders = step.run("orders", new ParameterizedTypeReference<List<Order>>() {
		}, () -> List.of(new Order(1, "a"), new Order(2, "b")));
		return orders.get(1).label() + orders.size();
	}

	@InngestFunction(id = "context", event = "t/go")
	@Retries(5)
	String context(RunContext run, Step step) {
		this.context = run.runId() + " " + run.functionId() + " " + run.attempt() + "/" + run.maxAttempts();
		return this.context;
	}

	@InngestFunction(id = "swallows", event = "t/go")
	String swallows(Step step) {
		try {
			step.run("first", () -> {
			});
		}
		catch (Throwable ex) {
			// Wrong, but the op still answers the call.
		}
		return "swallowed";
	}

	@InngestFunction(id = "fewer-retries", event = "t/go")
	void fewerRetries(RunContext run, Step step) {
		step.run("charge", StepOptions.retries(1), () -> {
			this.context = "charge " + run.attempt() + "/" + run.maxAttempts();
			throw new RuntimeException("declined");
		});
	}

	@InngestFunction(id = "more-retries", event = "t/go")
	@Retries(1)
	void moreRetries(RunContext run, Step step) {
		step.run("poll", StepOptions.retries(10), () -> {
			this.context = "poll " + run.attempt() + "/" + run.maxAttempts();
			throw new RuntimeException("not ready");
		});
	}

	@InngestFunction(id = "own-backoff", event = "t/go")
	@Retries(5)
	void ownBackoff(Event event, Step step) {
		step.run("slow", StepOptions.defaults().backoff(Duration.ofSeconds(10), Duration.ofSeconds(25)), () -> {
			if (event.data().containsKey("later")) {
				throw new RetryAfterException("rate limited", Duration.ofSeconds(3));
			}
			throw new RuntimeException("busy");
		});
	}

	@OnFailure(function = "fails")
	String onFailure(FailureContext failure) {
		return failure.functionId() + " " + failure.runId() + " " + failure.error().message() + " "
				+ failure.originalEvent().data().get("id");
	}

	record Order(int n, String label) {
	}

}
