package dev.durable.inngest.engine;

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

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;

import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Functions that follow a script carried by their event, for an engine whose clock and
 * rounds the test drives: steps that fail on given attempts or crash their worker on one,
 * sleeps, and waits for an answer event with a time-out. It records each step body it
 * starts, in the order of one sequence shared with the test's actions, each run's end as
 * the engine tells it, and each Spring event of a failed or cancelled run.
 * <p>
 * A crash leaves the worker's thread parked for good inside the step's body, deaf to
 * interrupts: the engine writes nothing more for that execution, as with a killed
 * process, and the run stays leased until its lease expires and a later round takes it
 * over.
 */
public class ClockedScriptedFunctions implements RunOutcomes {

	/** The event that answers a run's waits, matched on {@code data.key}. */
	static final String ANSWER = "test/clocked-answer";

	/** Orders step starts and the test's actions. */
	final AtomicLong sequence = new AtomicLong();

	/** The step bodies started, by run key. */
	final Map<String, List<StepStart>> starts = new ConcurrentHashMap<>();

	/** The ends the engine told of, by run id. */
	final Map<String, List<String>> ends = new ConcurrentHashMap<>();

	/** The Spring events of failed and cancelled runs, by run id. */
	final Map<String, List<String>> springEvents = new ConcurrentHashMap<>();

	/** The steps that have crashed their worker once, as run key and step id. */
	private final Set<String> crashed = ConcurrentHashMap.newKeySet();

	/** Told of a crash, by the round the test is driving. */
	volatile CompletableFuture<Integer> round = new CompletableFuture<>();

	record StepStart(String stepId, int attempt, long sequence, boolean crashed) {
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
		for (Map<String, Object> spec : (List<Map<String, Object>>) event.data().get("steps")) {
			String id = (String) spec.get("id");
			long seconds = ((Number) spec.get("seconds")).longValue();
			String kind = (String) spec.get("kind");
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
				this.starts.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>())
					.add(new StepStart(id, attempt, this.sequence.incrementAndGet(), crash));
				if (crash) {
					die();
				}
				if (failures.contains(attempt)) {
					throw new IllegalStateException("planned failure of " + id + " on attempt " + attempt);
				}
			});
		}
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

	@Override
	public void completed(RunRecord run, Instant endedAt) {
		told(run.id(), "COMPLETED");
	}

	@Override
	public void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
		told(run.id(), "FAILED");
	}

	@Override
	public void cancelled(RunRecord run) {
		told(run.id(), "CANCELLED");
	}

	private void told(String runId, String end) {
		// Failures and cancellations are told inside their transaction: counted once it
		// commits.
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			this.ends.computeIfAbsent(runId, (k) -> new CopyOnWriteArrayList<>()).add(end);
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				ClockedScriptedFunctions.this.ends.computeIfAbsent(runId, (k) -> new CopyOnWriteArrayList<>()).add(end);
			}
		});
	}

	@EventListener
	void onFailed(FunctionFailedEvent failed) {
		this.springEvents.computeIfAbsent(failed.runId(), (k) -> new CopyOnWriteArrayList<>()).add("failed");
	}

	@EventListener
	void onCancelled(FunctionCancelledEvent cancelled) {
		this.springEvents.computeIfAbsent(cancelled.runId(), (k) -> new CopyOnWriteArrayList<>()).add("cancelled");
	}

}
