package dev.durable.inngest.test.app;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.CancelOn;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Step;
import dev.durable.inngest.Timeouts;
import dev.durable.inngest.WaitForEvent;

import org.springframework.stereotype.Component;

/**
 * Functions that sleep, wait, retry, get cancelled and fail.
 */
@Component
public class Functions {

	/** How many times the flaky service was called. */
	public final AtomicInteger flakyCalls = new AtomicInteger();

	/** How many times a charge really happened. */
	public final AtomicInteger charges = new AtomicInteger();

	@InngestFunction(id = "remind", event = "app/remind")
	public Map<String, Object> remind(Event event, Step step) {
		step.sleep("wait-a-day", Duration.ofHours(24));
		String sent = step.run("send-reminder", String.class, () -> "reminded " + event.data().get("user"));
		return Map.of("sent", sent);
	}

	@InngestFunction(id = "approve", event = "app/request")
	public String approve(Event event, Step step) {
		Optional<Event> approval = step.waitForEvent("approval",
				WaitForEvent.event("app/approved").match("data.id").timeout(Duration.ofHours(1)));
		return approval.map((approved) -> "approved by " + approved.data().get("by")).orElse("timed out");
	}

	@InngestFunction(id = "flaky", event = "app/flaky")
	@Retries(3)
	public int flaky(Step step) {
		return step.run("call-service", Integer.class, () -> {
			int call = this.flakyCalls.incrementAndGet();
			if (call < 3) {
				throw new IllegalStateException("service unavailable (call " + call + ")");
			}
			return call;
		});
	}

	@InngestFunction(id = "hourly", cron = "0 * * * *")
	public String hourly() {
		return "tick";
	}

	@InngestFunction(id = "pay", event = "app/pay")
	@Retries(3)
	public String pay(Step step) {
		return step.run("charge", String.class, () -> "ch-" + this.charges.incrementAndGet());
	}

	@InngestFunction(id = "long-job", event = "app/job.started")
	@CancelOn(event = "app/job.cancelled", match = "data.id")
	public String longJob(Step step) {
		step.run("begin", () -> {
		});
		step.sleep("take-a-while", Duration.ofHours(1));
		step.run("finish", () -> {
		});
		return "done";
	}

	@InngestFunction(id = "bounded", event = "app/bounded")
	@Timeouts(finish = "30m")
	public String bounded(Step step) {
		step.sleepUntil("until-tomorrow",
				step.run("tomorrow", Instant.class, () -> Instant.parse("2030-01-02T00:00:00Z")));
		return "finished";
	}

	@InngestFunction(id = "ship", event = "app/ship")
	public void ship(Event event, Step step) {
		String tracking = step.run("book-carrier", String.class, () -> "tr-" + event.data().get("order"));
		step.sendEvent("announce",
				Event.of("app/shipped", Map.of("order", event.data().get("order"), "tracking", tracking)));
	}

	@InngestFunction(id = "doomed", event = "app/doomed")
	@Retries(0)
	public void doomed(Step step) {
		step.run("give-up", () -> {
			throw new IllegalStateException("nothing works");
		});
	}

}
