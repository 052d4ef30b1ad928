package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.CancelOn;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RetryAfterException;
import dev.durable.inngest.Step;
import dev.durable.inngest.Timeouts;
import dev.durable.inngest.WaitForEvent;

import org.springframework.context.event.EventListener;

/**
 * Functions for the ways to cancel a run, and listeners of the cancelled events.
 */
public class CancellationFunctions {

	final List<Event> cleanups = new CopyOnWriteArrayList<>();

	final List<FunctionCancelledEvent> springEvents = new CopyOnWriteArrayList<>();

	final CountDownLatch inFlightEntered = new CountDownLatch(1);

	final CountDownLatch releaseInFlight = new CountDownLatch(1);

	final CountDownLatch lastStepEntered = new CountDownLatch(1);

	final CountDownLatch releaseLastStep = new CountDownLatch(1);

	final CountDownLatch stuckEntered = new CountDownLatch(1);

	final CountDownLatch releaseStuck = new CountDownLatch(1);

	private final Executions executions;

	public CancellationFunctions(Executions executions) {
		this.executions = executions;
	}

	private void sleepBetweenSteps(Event event, Step step, Duration nap) {
		String key = RetryFunctions.key(event);
		step.run("before", () -> this.executions.hit(key, "before"));
		step.sleep("nap", nap);
		step.run("after", () -> this.executions.hit(key, "after"));
	}

	@InngestFunction(id = "reminder", event = "test/reminder.created")
	@CancelOn(event = "test/reminder.deleted", match = "data.reminderId")
	void reminder(Event event, Step step) {
		sleepBetweenSteps(event, step, Duration.ofSeconds(30));
	}

	@InngestFunction(id = "short-reminder", event = "test/short-reminder.created")
	@CancelOn(event = "test/short-reminder.deleted", match = "data.reminderId")
	void shortReminder(Event event, Step step) {
		String key = RetryFunctions.key(event);
		Object reminder = event.data().get("reminderId");
		step.sleep("nap", Duration.ofSeconds(2));
		step.run("after", () -> this.executions.hit(key, "after " + reminder));
	}

	@InngestFunction(id = "job", event = "test/job.started")
	@CancelOn(event = "test/job.aborted", condition = "async.data.jobId == event.data.jobId && async.data.force")
	void job(Event event, Step step) {
		sleepBetweenSteps(event, step, Duration.ofSeconds(30));
	}

	@InngestFunction(id = "maintenance", event = "test/maintenance.started")
	@CancelOn(event = "test/maintenance.aborted")
	void maintenance(Event event, Step step) {
		sleepBetweenSteps(event, step, Duration.ofSeconds(30));
	}

	@InngestFunction(id = "short-window", event = "test/window.opened")
	@CancelOn(event = "test/window.closed", match = "data.id", timeout = "1s")
	void shortWindow(Event event, Step step) {
		sleepBetweenSteps(event, step, Duration.ofSeconds(3));
	}

	@InngestFunction(id = "approval-wait", event = "test/approval.requested")
	@CancelOn(event = "test/approval.withdrawn", match = "data.id")
	String approvalWait(Event event, Step step) {
		return step
			.waitForEvent("approval",
					WaitForEvent.event("test/approval.given").match("data.id").timeout(Duration.ofSeconds(30)))
			.map((e) -> "approved")
			.orElse("timed out");
	}

	@InngestFunction(id = "in-flight", event = "test/in-flight.started")
	@CancelOn(event = "test/in-flight.cancel", match = "data.id")
	void inFlight(Event event, Step step) {
		String key = RetryFunctions.key(event);
		step.run("slow", String.class, () -> {
			this.inFlightEntered.countDown();
			this.releaseInFlight.await(20, TimeUnit.SECONDS);
			this.executions.hit(key, "slow");
			return "slow result";
		});
		step.run("next", () -> this.executions.hit(key, "next"));
	}

	@InngestFunction(id = "in-flight-last", event = "test/in-flight-last.started")
	@CancelOn(event = "test/in-flight-last.cancel", match = "data.id")
	String inFlightLast(Event event, Step step) {
		step.run("first", Integer.class, () -> this.executions.hit(RetryFunctions.key(event), "first"));
		return step.run("last", String.class, () -> {
			this.lastStepEntered.countDown();
			this.releaseLastStep.await(20, TimeUnit.SECONDS);
			return "last result";
		});
	}

	@InngestFunction(id = "must-start-soon", event = "test/must-start-soon")
	@Timeouts(start = "500ms")
	void mustStartSoon(Event event, Step step) {
		step.run("work", () -> this.executions.hit(RetryFunctions.key(event), "work"));
	}

	@InngestFunction(id = "must-finish-soon", event = "test/must-finish-soon")
	@Timeouts(finish = "1s")
	void mustFinishSoon(Event event, Step step) {
		sleepBetweenSteps(event, step, Duration.ofSeconds(10));
	}

	@InngestFunction(id = "must-finish-waiting", event = "test/must-finish-waiting")
	@Timeouts(finish = "1s")
	Optional<Event> mustFinishWaiting(Event event, Step step) {
		return step.waitForEvent("approval",
				WaitForEvent.event("test/never-approved").match("data.key").timeout(Duration.ofSeconds(30)));
	}

	@InngestFunction(id = "retry-past-deadline", event = "test/retry-past-deadline")
	@Timeouts(finish = "1s")
	void retryPastDeadline(Event event) {
		this.executions.hit(RetryFunctions.key(event), "body");
		throw new RetryAfterException("busy", Duration.ofSeconds(10));
	}

	@InngestFunction(id = "stuck-past-deadline", event = "test/stuck-past-deadline")
	@Timeouts(finish = "1s")
	String stuckPastDeadline(Event event, Step step) {
		String key = RetryFunctions.key(event);
		String stuck = step.run("stuck", String.class, () -> {
			this.stuckEntered.countDown();
			this.releaseStuck.await(20, TimeUnit.SECONDS);
			return "done at last";
		});
		step.run("after", () -> this.executions.hit(key, "after"));
		return stuck;
	}

	@InngestFunction(id = "slow-last-step", event = "test/slow-last-step")
	@Timeouts(finish = "1s")
	String slowLastStep(Step step) {
		return step.run("slow", String.class, () -> {
			Thread.sleep(1500);
			return "slow result";
		});
	}

	@InngestFunction(id = "endless-sleep", event = "test/endless-sleep")
	void endlessSleep(Step step) {
		step.sleep("nap", Duration.ofMinutes(5));
	}

	/** Cleans up after the run above, and after its own runs, too slow to finish. */
	@InngestFunction(id = "slow-cleanup", event = FunctionCancelledEvent.NAME,
			condition = "event.data.function_id in ['engine-tests-endless-sleep', 'engine-tests-slow-cleanup']")
	@Timeouts(finish = "1s")
	void slowCleanup(Step step) {
		step.sleep("too-long", Duration.ofMinutes(5));
	}

	@InngestFunction(id = "reminder-cleanup", event = FunctionCancelledEvent.NAME,
			condition = "event.data.function_id == 'engine-tests-reminder'")
	void cleanup(Event event, Step step) {
		step.run("clean-up", () -> this.cleanups.add(event));
	}

	@EventListener
	void onCancelled(FunctionCancelledEvent cancelled) {
		this.springEvents.add(cancelled);
	}

}
