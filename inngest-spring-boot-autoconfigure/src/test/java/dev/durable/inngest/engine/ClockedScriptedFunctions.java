package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Functions that follow a script carried by their event, for an engine whose clock and
 * rounds the test drives: steps that fail on given attempts or crash their worker on one,
 * sleeps, and waits for an answer event with a time-out; the worker may crash too in the
 * function's code just before a step. It records each step body it starts, in the order
 * of one sequence shared with the test's actions, each run's end as the engine tells it,
 * and each Spring event of a failed or cancelled run.
 * <p>
 * A crash leaves the worker's thread parked for good inside the step's body, deaf to
 * interrupts: the engine writes nothing more for that execution, as with a killed
 * process, and the run stays leased until its lease expires and a later round takes it
 * over.
 */
public class ClockedScriptedFunctions extends RunEndsRecorder {

	/** The event that answers a run's waits, matched on {@code data.key}. */
	static final String ANSWER = "test/clocked-answer";

	/** Orders step starts and the test's actions. */
	final AtomicLong sequence = new AtomicLong();

	/** The step bodies started, by run key. */
	final Map<String, List<StepStart>> starts = new ConcurrentHashMap<>();

	/** The steps that have crashed their worker once, as run key and step id. */
	private final Set<String> crashed = ConcurrentHashMap.newKeySet();

	/** Told of a crash, by the round the test is driving. */
	volatile CompletableFuture<Integer> round = new CompletableFuture<>();

	private final Clock clock;

	/**
	 * A step body started, or, with {@link Crash#LOST}, the completion of the one before
	 * lost to a crash.
	 */
	record StepStart(String stepId, int attempt, long sequence, Instant at, @Nullable Crash crash) {

		boolean crashed() {
			return this.crash != null;
		}

	}

	/** How a crash cut a step short. */
	enum Crash {

		/** The worker died in the step's body. */
		IN_BODY,

		/**
		 * The worker died in the function's code after the step's body completed and
		 * before the next step began, which would have stored the step's completion.
		 */
		LOST

	}

	ClockedScriptedFunctions(@Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
		this.clock = clock;
	}

	@InngestFunction(id = "clocked-0", event = "test/clocked-0")
	@Retries(0)
	void noRetries(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@InngestFunction(id = "clocked-1", event = "test/clocked-1")
	@Retries(1)
	void oneRetry(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@InngestFunction(id = "clocked-2", event = "test/clocked-2")
	@Retries(2)
	void twoRetries(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@SuppressWarnings("unchecked")
	private void follow(Event event, Step step, RunContext run) {
		String key = (String) event.data().get("key");
		// The step whose body completed in this execution just before, if any: its
		// completion is stored only as the next step begins.
		StepStart[] completedHere = new StepStart[1];
		for (Map<String, Object> spec : (List<Map<String, Object>>) event.data().get("steps")) {
			String id = (String) spec.get("id");
			long seconds = ((Number) spec.get("seconds")).longValue();
			String kind = (String) spec.get("kind");
			if (Boolean.TRUE.equals(spec.get("crashBefore")) && this.crashed.add(key + "/before/" + id)) {
				StepStart lost = completedHere[0];
				if (lost != null) {
					start(key, new StepStart(lost.stepId(), lost.attempt(), this.sequence.incrementAndGet(),
							this.clock.instant(), Crash.LOST));
				}
				die();
			}
			completedHere[0] = null;
			if ("sleep".equals(kind)) {
				step.sleep(id, Duration.ofSeconds(seconds));
				continue;
			}
			if ("wait".equals(kind)) {
				step.waitForEvent(id,
						WaitForEvent.event(ANSWER).match("data.key").timeout(Duration.ofSeconds(seconds)));
				continue;
			}
			List<Integer> failures = (List<Integer>) spec.get("failures");
			Number crashOn = (Number) spec.get("crashOn");
			step.run(id, () -> {
				int attempt = run.attempt();
				boolean crash = crashOn != null && crashOn.intValue() == attempt && this.crashed.add(key + "/" + id);
				StepStart start = new StepStart(id, attempt, this.sequence.incrementAndGet(), this.clock.instant(),
						crash ? Crash.IN_BODY : null);
				start(key, start);
				if (crash) {
					die();
				}
				if (failures.contains(attempt)) {
					throw new IllegalStateException("planned failure of " + id + " on attempt " + attempt);
				}
				completedHere[0] = start;
			});
		}
	}

	private void start(String key, StepStart start) {
		this.starts.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(start);
	}

	/**
	 * Tells the round under way that its worker died, and never returns nor throws, so
	 * that the engine records nothing of this execution.
	 */
	private void die() {
		this.round.complete(-1);
		CountDownLatch never = new CountDownLatch(1);
		while (true) {
			try {
				never.await();
			}
			catch (InterruptedException ex) {
				// A dead process hears no interrupt: a cancel or a time-out changes
				// nothing.
			}
		}
	}

}
