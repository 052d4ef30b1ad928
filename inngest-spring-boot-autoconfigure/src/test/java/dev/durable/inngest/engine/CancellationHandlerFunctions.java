package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.CancelOn;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.Timeouts;

/**
 * Functions with cancellation handlers.
 */
public class CancellationHandlerFunctions {

	final List<FunctionCancelledEvent> handled = new CopyOnWriteArrayList<>();

	private final Executions executions;

	public CancellationHandlerFunctions(Executions executions) {
		this.executions = executions;
	}

	@InngestFunction(id = "booking", event = "test/booking.requested")
	@CancelOn(event = "test/booking.withdrawn", match = "data.bookingId")
	String booking(Event event, Step step) {
		String key = RetryFunctions.key(event);
		step.run("reserve", () -> {
			this.executions.hit(key, "reserve");
			if (Boolean.TRUE.equals(event.data().get("unavailable"))) {
				throw new NonRetriableException("no seats left");
			}
		});
		if (!Boolean.TRUE.equals(event.data().get("instant"))) {
			step.sleep("hold", Duration.ofSeconds(30));
		}
		return "booked";
	}

	@OnCancel(function = "booking")
	void bookingCancelled(FunctionCancelledEvent cancelled, Step step, RunContext run) {
		String key = RetryFunctions.key(cancelled.originalEvent());
		step.run("release", () -> {
			int n = this.executions.hit(key, "release");
			String mode = String.valueOf(cancelled.originalEvent().data().get("handler"));
			if ("always-fails".equals(mode) || ("fails-once".equals(mode) && n == 1)) {
				throw new IllegalStateException("the seat system is down");
			}
		});
		this.executions.record(key, "handler-run", run.runId());
		this.handled.add(cancelled);
	}

	@InngestFunction(id = "quick-booking", event = "test/quick-booking.requested")
	@Timeouts(finish = "1s")
	void quickBooking(Event event, Step step) {
		step.sleep("hold", Duration.ofSeconds(10));
	}

	@OnCancel(function = "quick-booking")
	void quickBookingCancelled(FunctionCancelledEvent cancelled) {
		this.handled.add(cancelled);
	}

}
