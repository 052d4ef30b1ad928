package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.durable.inngest.CancelResult;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.ScriptedFunctions.StepStart;
import dev.durable.inngest.engine.store.RunRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.awaitility.Awaitility.await;

/**
 * The engine's invariants over generated functions (steps that fail on given attempts,
 * take some time, or sleep) and generated interleavings of their events and of
 * cancellations. The seed is printed; set the system property
 * {@code inngest.invariants.seed} to replay one.
 * <ul>
 * <li>a step recorded as completed never executes again;</li>
 * <li>a step executes at most retries + 1 times;</li>
 * <li>a run that is not cancelled ends as its script says: failed if a step fails on
 * every attempt its budget allows, else completed;</li>
 * <li>a run ends exactly once;</li>
 * <li>a cancelled run starts no step after the one it may be entering as it is
 * cancelled;</li>
 * <li>a failed or cancelled run emits exactly one system event and one Spring event, a
 * completed run neither.</li>
 * </ul>
 */
@SpringBootTest(classes = { EngineTestApplication.class, ScriptedFunctions.class })
class EngineInvariantsTests {

	private static final int RUNS = 60;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	ScriptedFunctions functions;

	@Autowired
	RunProbe probe;

	private final ScheduledExecutorService timeline = Executors.newScheduledThreadPool(4);

	@AfterEach
	void stopTimeline() {
		this.timeline.shutdownNow();
	}

	/**
	 * A generated run: its function's retries, its steps, and when it is sent and
	 * cancelled.
	 */
	record Script(String key, int retries, List<Map<String, Object>> steps, long sendAt, Long cancelAfter) {

		@SuppressWarnings("unchecked")
		RunStatus expectedEnd() {
			for (Map<String, Object> step : this.steps) {
				List<Integer> failures = (List<Integer>) step.get("failures");
				if (failures != null && failures.containsAll(attempts(this.retries))) {
					return RunStatus.FAILED;
				}
			}
			return RunStatus.COMPLETED;
		}

	}

	/** What happened to a generated run. */
	static final class Outcome {

		volatile String runId;

		volatile CancelResult cancel;

		volatile Instant cancelledAt;

		volatile Throwable problem;

	}

	@Test
	void generatedRunsAndCancellationsKeepTheEngineInvariants() {
		long seed = Long.getLong("inngest.invariants.seed", System.nanoTime());
		System.out.println("EngineInvariantsTests seed: " + seed);
		Random random = new Random(seed);
		List<Script> scripts = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			scripts.add(generate(random));
		}
		Map<Script, Outcome> outcomes = new ConcurrentHashMap<>();
		for (Script script : scripts) {
			Outcome outcome = new Outcome();
			outcomes.put(script, outcome);
			this.timeline.schedule(() -> send(script, outcome), script.sendAt(), TimeUnit.MILLISECONDS);
		}
		await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> outcomes.entrySet().stream().allMatch((entry) -> ended(entry.getKey(), entry.getValue())));
		// The events of failures and cancellations are published after their commit.
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> outcomes.entrySet()
				.stream()
				.allMatch((entry) -> entry.getValue().runId == null || eventsSettled(entry.getValue().runId)));
		SoftAssertions softly = new SoftAssertions();
		outcomes.forEach((script, outcome) -> check(softly, seed, script, outcome));
		System.out.println("EngineInvariantsTests seed " + seed + ": " + endsOf(outcomes));
		softly.assertAll();
	}

	private Map<RunStatus, Long> endsOf(Map<Script, Outcome> outcomes) {
		return outcomes.values()
			.stream()
			.filter((outcome) -> outcome.runId != null)
			.collect(Collectors.groupingBy((outcome) -> this.probe.run(outcome.runId).status(), Collectors.counting()));
	}

	/** Whether a run has ended, and its cancellation, if it has one, has been tried. */
	private boolean ended(Script script, Outcome outcome) {
		if (outcome.problem != null) {
			return true;
		}
		if (outcome.runId == null || (script.cancelAfter() != null && outcome.cancelledAt == null)) {
			return false;
		}
		return this.probe.run(outcome.runId).status().isFinal();
	}

	private Script generate(Random random) {
		int retries = random.nextInt(3);
		int count = 1 + random.nextInt(4);
		List<Map<String, Object>> steps = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Map<String, Object> step = new HashMap<>();
			step.put("id", "step-" + i);
			if (random.nextInt(4) == 0) {
				step.put("kind", "sleep");
				step.put("millis", 10 + random.nextInt(300));
			}
			else {
				step.put("kind", "run");
				step.put("millis", random.nextInt(40));
				List<Integer> failures = new ArrayList<>();
				for (int attempt = 0; attempt <= retries; attempt++) {
					if (random.nextInt(10) < 3) {
						failures.add(attempt);
					}
				}
				step.put("failures", failures);
			}
			steps.add(step);
		}
		Long cancelAfter = (random.nextInt(3) == 0) ? (long) random.nextInt(150) : null;
		return new Script(UUID.randomUUID().toString(), retries, steps, random.nextInt(500), cancelAfter);
	}

	private void send(Script script, Outcome outcome) {
		try {
			Map<String, Object> data = Map.of("key", script.key(), "steps", script.steps());
			String function = "scripted-" + script.retries();
			String eventId = this.inngest.send(Event.of("test/" + function, data)).get(0);
			// Created as the event is sent; looked for again only if it is not yet.
			List<String> runIds = this.probe.runIds(eventId, function);
			outcome.runId = (runIds.size() == 1) ? runIds.get(0) : this.probe.awaitRunId(eventId, function);
			if (script.cancelAfter() != null) {
				this.timeline.schedule(() -> cancel(outcome), script.cancelAfter(), TimeUnit.MILLISECONDS);
			}
		}
		catch (Throwable ex) {
			outcome.problem = ex;
		}
	}

	private void cancel(Outcome outcome) {
		try {
			outcome.cancel = this.runs.cancel(outcome.runId);
			outcome.cancelledAt = Instant.now();
		}
		catch (Throwable ex) {
			outcome.problem = ex;
		}
	}

	private boolean eventsSettled(String runId) {
		RunStatus status = this.probe.run(runId).status();
		int expected = (status == RunStatus.COMPLETED) ? 0 : 1;
		return this.functions.springEvents.getOrDefault(runId, List.of()).size() >= expected
				&& this.functions.ends.getOrDefault(runId, List.of()).size() >= 1;
	}

	private void check(SoftAssertions softly, long seed, Script script, Outcome outcome) {
		String about = "seed " + seed + ", script " + script + ", run " + outcome.runId;
		softly.assertThat(outcome.problem).as(about).isNull();
		if (outcome.runId == null) {
			return;
		}
		RunRecord run = this.probe.run(outcome.runId);
		List<StepStart> starts = this.functions.starts.getOrDefault(script.key(), List.of());
		Map<String, List<StepStart>> byStep = new HashMap<>();
		starts.forEach((start) -> byStep.computeIfAbsent(start.stepId(), (k) -> new ArrayList<>()).add(start));
		byStep.forEach((stepId, stepStarts) -> {
			softly.assertThat(stepStarts)
				.as(about + ": attempts of " + stepId)
				.hasSizeLessThanOrEqualTo(script.retries() + 1);
			softly.assertThat(stepStarts)
				.as(about + ": attempt numbers of " + stepId)
				.extracting(StepStart::attempt)
				.isEqualTo(attempts(stepStarts.size() - 1));
			List<Integer> failures = failuresOf(script, stepId);
			for (int i = 0; i < stepStarts.size() - 1; i++) {
				softly.assertThat(failures)
					.as(about + ": " + stepId + " executed again after it completed")
					.contains(stepStarts.get(i).attempt());
			}
		});
		boolean cancelled = outcome.cancel != null && outcome.cancel.cancelled();
		softly.assertThat(run.status())
			.as(about + ": end")
			.isEqualTo(cancelled ? RunStatus.CANCELLED : script.expectedEnd());
		softly.assertThat(this.functions.ends.getOrDefault(run.id(), List.of()))
			.as(about + ": ends told")
			.containsExactly(run.status().name());
		if (cancelled) {
			// The step a worker was entering as the cancel committed may begin its body
			// just after
			// the cancel returns; the execution stops before any step after it.
			softly.assertThat(starts.stream().filter((start) -> start.at().isAfter(outcome.cancelledAt)))
				.as(about + ": steps started after the cancellation")
				.hasSizeLessThanOrEqualTo(1);
		}
		int ends = (run.status() == RunStatus.COMPLETED) ? 0 : 1;
		String systemEvent = (run.status() == RunStatus.CANCELLED) ? FunctionCancelledEvent.NAME
				: FunctionFailedEvent.NAME;
		softly.assertThat(this.probe.eventIds(systemEvent, run.id())).as(about + ": system events").hasSize(ends);
		softly.assertThat(this.functions.springEvents.getOrDefault(run.id(), List.of()))
			.as(about + ": Spring events")
			.hasSize(ends);
	}

	@SuppressWarnings("unchecked")
	private static List<Integer> failuresOf(Script script, String stepId) {
		return script.steps()
			.stream()
			.filter((step) -> stepId.equals(step.get("id")))
			.map((step) -> (List<Integer>) step.get("failures"))
			.findFirst()
			.orElse(List.of());
	}

	private static List<Integer> attempts(int last) {
		List<Integer> attempts = new ArrayList<>();
		for (int i = 0; i <= last; i++) {
			attempts.add(i);
		}
		return attempts;
	}

}
