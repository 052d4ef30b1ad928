package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.CancelResult;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.ClockedScriptedFunctions.Crash;
import dev.durable.inngest.engine.ClockedScriptedFunctions.StepStart;
import dev.durable.inngest.testsupport.MovableClock;
import dev.durable.inngest.engine.store.RunRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The engine's invariants over generated functions (steps that fail on given attempts or
 * crash their worker on one, sleeps, waits for an event) and generated interleavings of
 * their events, cancellations, answers to their waits, and moves of the engine's clock,
 * with the engine driven round by round on the test's threads. The seed is printed; set
 * the system property {@code inngest.invariants.seed} to replay one.
 * <p>
 * A crash parks the worker's thread for good in a step's body, or in the function's code
 * before a step, so that the engine writes nothing more of that execution and the run
 * stays leased, as when the process is killed; only once the clock passes the lease is
 * the run taken over by a later round and executed again from its stored steps. It runs
 * on each store the test support chooses, so a crashed run is taken over from a real
 * database as well as from memory.
 * <ul>
 * <li>a step stored as completed never executes again; only the step a crash interrupted
 * does, or the one whose completion was still to be stored as the next step began, once
 * the crashed worker's lease has expired;</li>
 * <li>a step executes at most retries + 1 times, crashes aside, on attempts numbered in
 * turn;</li>
 * <li>a run that is not cancelled ends as its script says: failed if a step fails on
 * every attempt its budget allows, else completed;</li>
 * <li>a run ends exactly once;</li>
 * <li>a cancelled run starts no step after the cancel;</li>
 * <li>a failed or cancelled run emits exactly one system event and one Spring event, a
 * completed run neither.</li>
 * </ul>
 */
@SpringBootTest(
		classes = { EngineTestApplication.class, ClockedScriptedFunctions.class,
				EngineInvariantsOverTimeTests.ClockConfiguration.class },
		properties = { "inngest.local.auto-startup=false", "inngest.local.eager-start.enabled=false",
				"inngest.local.retention.enabled=false", "inngest.local.lease.duration=30s" })
class EngineInvariantsOverTimeTests {

	private static final int SCENARIOS = 200;

	private static final Duration LEASE = Duration.ofSeconds(30);

	/**
	 * The clock's moves a scenario picks from: within a lease, past one, past back-offs.
	 */
	private static final Duration[] ADVANCES = { Duration.ofSeconds(1), Duration.ofSeconds(5), LEASE.plusSeconds(1),
			Duration.ofSeconds(90), Duration.ofMinutes(10), Duration.ofHours(2) };

	private static final long[] SLEEPS = { 1, 10, 120, 3600 };

	private static final long[] WAIT_TIMEOUTS = { 5, 60, 600 };

	/** The longest a round of execution may take on a machine that is busy. */
	private static final long ROUND_TIMEOUT_SECONDS = 60;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	DueRuns dueRuns;

	@Autowired
	MovableClock clock;

	@Autowired
	ClockedScriptedFunctions functions;

	@Autowired
	RunProbe probe;

	private int crashes;

	private int rounds;

	/** A generated run: its function's retries and its steps. */
	record Script(String key, int retries, List<Map<String, Object>> steps) {

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

		@SuppressWarnings("unchecked")
		List<Integer> failuresOf(String stepId) {
			return this.steps.stream()
				.filter((step) -> stepId.equals(step.get("id")))
				.map((step) -> (List<Integer>) step.get("failures"))
				.findFirst()
				.orElse(List.of());
		}

	}

	/** What the test did to a generated run. */
	static final class Outcome {

		String runId;

		CancelResult cancel;

		long cancelledAt;

	}

	@Test
	void generatedScenariosOverTimeAndCrashesKeepTheEngineInvariants() throws Exception {
		long seed = Long.getLong("inngest.invariants.seed", System.nanoTime());
		System.out.println("EngineInvariantsOverTimeTests seed: " + seed);
		Random random = new Random(seed);
		Map<RunStatus, Integer> ends = new EnumMap<>(RunStatus.class);
		long began = System.nanoTime();
		for (int scenario = 0; scenario < SCENARIOS; scenario++) {
			String about = "seed " + seed + ", scenario " + scenario;
			Map<Script, Outcome> outcomes = play(about, random);
			SoftAssertions softly = new SoftAssertions();
			outcomes.forEach((script, outcome) -> {
				check(softly, about, script, outcome);
				ends.merge(this.probe.run(outcome.runId).status(), 1, Integer::sum);
			});
			softly.assertAll();
		}
		System.out.println(
				"EngineInvariantsOverTimeTests seed " + seed + ": " + ends + ", " + this.crashes + " crashed workers, "
						+ this.rounds + " rounds in " + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
	}

	/**
	 * Generates a scenario's runs and actions, plays them, then moves the clock on until
	 * every run has ended.
	 */
	private Map<Script, Outcome> play(String about, Random random) throws Exception {
		List<Script> scripts = new ArrayList<>();
		int count = 1 + random.nextInt(3);
		for (int i = 0; i < count; i++) {
			scripts.add(generate(random));
		}
		Map<Script, Outcome> outcomes = new LinkedHashMap<>();
		int actions = 4 + random.nextInt(12);
		for (int i = 0; i < actions; i++) {
			int action = random.nextInt(10);
			List<Script> sent = new ArrayList<>(outcomes.keySet());
			if (action < 3 && outcomes.size() < scripts.size()) {
				send(scripts.get(outcomes.size()), outcomes);
			}
			else if (action < 5) {
				this.clock.advance(ADVANCES[random.nextInt(ADVANCES.length)]);
			}
			else if (action < 7 && !sent.isEmpty()) {
				Script script = sent.get(random.nextInt(sent.size()));
				this.inngest.send(Event.of(ClockedScriptedFunctions.ANSWER, Map.of("key", script.key())));
			}
			else if (action < 8 && !sent.isEmpty()) {
				Outcome outcome = outcomes.get(sent.get(random.nextInt(sent.size())));
				if (outcome.cancel == null) {
					outcome.cancel = this.runs.cancel(outcome.runId);
					outcome.cancelledAt = this.functions.sequence.incrementAndGet();
				}
			}
			runUntilIdle(about);
		}
		while (outcomes.size() < scripts.size()) {
			send(scripts.get(outcomes.size()), outcomes);
		}
		for (int i = 0; i < 100; i++) {
			runUntilIdle(about);
			if (outcomes.values().stream().allMatch((outcome) -> this.probe.run(outcome.runId).status().isFinal())) {
				return outcomes;
			}
			this.clock.advance(Duration.ofHours(1));
		}
		throw new AssertionError(about + ": runs still under way after days of the engine's time: " + outcomes);
	}

	private Script generate(Random random) {
		int retries = random.nextInt(3);
		int count = 1 + random.nextInt(4);
		List<Map<String, Object>> steps = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Map<String, Object> step = new HashMap<>();
			step.put("id", "step-" + i);
			int kind = random.nextInt(10);
			if (kind < 2) {
				step.put("kind", "sleep");
				step.put("seconds", SLEEPS[random.nextInt(SLEEPS.length)]);
			}
			else if (kind < 4) {
				step.put("kind", "wait");
				step.put("seconds", WAIT_TIMEOUTS[random.nextInt(WAIT_TIMEOUTS.length)]);
			}
			else {
				step.put("kind", "run");
				step.put("seconds", 0);
				List<Integer> failures = new ArrayList<>();
				for (int attempt = 0; attempt <= retries; attempt++) {
					if (random.nextInt(10) < 3) {
						failures.add(attempt);
					}
				}
				step.put("failures", failures);
				if (random.nextInt(5) == 0) {
					step.put("crashOn", random.nextInt(retries + 1));
				}
			}
			if (random.nextInt(10) == 0) {
				step.put("crashBefore", true);
			}
			steps.add(step);
		}
		return new Script("k-" + Long.toHexString(random.nextLong()), retries, steps);
	}

	private void send(Script script, Map<Script, Outcome> outcomes) {
		String function = "clocked-" + script.retries();
		Map<String, Object> data = Map.of("key", script.key(), "steps", script.steps());
		String eventId = this.inngest.send(Event.of("test/" + function, data)).get(0);
		List<String> runIds = this.probe.runIds(eventId, function);
		if (runIds.size() != 1) {
			throw new AssertionError("Event " + eventId + " started " + runIds);
		}
		Outcome outcome = new Outcome();
		outcome.runId = runIds.get(0);
		outcomes.put(script, outcome);
	}

	/**
	 * Executes the runs due now, and those they make due now, until none is, as the
	 * scheduler's workers would.
	 */
	private void runUntilIdle(String about) throws Exception {
		for (int round = 0; round < 1000; round++) {
			if (round() == 0) {
				return;
			}
			this.clock.advance(Duration.ofMillis(1));
		}
		throw new AssertionError(about + ": runs still due after many rounds");
	}

	/**
	 * One round of execution on a worker thread of its own, which a crash in a step's
	 * body leaves parked for good: the round is then over for the test, with the runs it
	 * had claimed still leased to it.
	 * @return how many runs the round executed, or -1 if its worker crashed
	 */
	private int round() throws Exception {
		this.rounds++;
		CompletableFuture<Integer> round = new CompletableFuture<>();
		this.functions.round = round;
		Thread worker = new Thread(() -> {
			try {
				round.complete(this.dueRuns.executeRound());
			}
			catch (Throwable ex) {
				round.completeExceptionally(ex);
			}
		}, "invariants-worker");
		worker.setDaemon(true);
		worker.start();
		int executed = round.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (executed < 0) {
			this.crashes++;
		}
		return executed;
	}

	private void check(SoftAssertions softly, String about, Script script, Outcome outcome) {
		String of = about + ", script " + script + ", run " + outcome.runId;
		RunRecord run = this.probe.run(outcome.runId);
		List<StepStart> starts = this.functions.starts.getOrDefault(script.key(), List.of());
		Map<String, List<StepStart>> byStep = new HashMap<>();
		starts.forEach((start) -> byStep.computeIfAbsent(start.stepId(), (k) -> new ArrayList<>()).add(start));
		boolean cancelled = outcome.cancel != null && outcome.cancel.cancelled();
		byStep.forEach((stepId, stepStarts) -> {
			// An attempt whose completion a crash lost before it was stored counts as
			// cut short, like one a crash interrupted.
			List<StepStart> attempts = new ArrayList<>();
			for (int i = 0; i < stepStarts.size(); i++) {
				boolean lost = i + 1 < stepStarts.size() && stepStarts.get(i + 1).crash() == Crash.LOST;
				if (!stepStarts.get(i).crashed() && !lost) {
					attempts.add(stepStarts.get(i));
				}
			}
			softly.assertThat(attempts)
				.as(of + ": attempts of " + stepId)
				.hasSizeLessThanOrEqualTo(script.retries() + 1);
			softly.assertThat(attempts)
				.as(of + ": attempt numbers of " + stepId)
				.extracting(StepStart::attempt)
				.isEqualTo(attempts(attempts.size() - 1));
			List<Integer> failures = script.failuresOf(stepId);
			for (int i = 0; i < stepStarts.size() - 1; i++) {
				StepStart start = stepStarts.get(i);
				boolean lost = stepStarts.get(i + 1).crash() == Crash.LOST;
				softly.assertThat(start.crashed() || lost || failures.contains(start.attempt()))
					.as(of + ": " + stepId + " executed again after it was stored as completed, on attempt "
							+ start.attempt())
					.isTrue();
				if (start.crashed()) {
					softly.assertThat(stepStarts.get(i + 1).attempt())
						.as(of + ": attempt of " + stepId + " taken over after a crash")
						.isEqualTo(start.attempt());
					softly.assertThat(stepStarts.get(i + 1).at())
						.as(of + ": " + stepId + " taken over before the crashed worker's lease expired")
						.isAfterOrEqualTo(start.at().plus(LEASE));
				}
			}
			if (stepStarts.get(stepStarts.size() - 1).crashed()) {
				softly.assertThat(run.status())
					.as(of + ": end of a run whose step " + stepId + " crashed and was never taken over")
					.isEqualTo(RunStatus.CANCELLED);
			}
		});
		softly.assertThat(run.status())
			.as(of + ": end")
			.isEqualTo(cancelled ? RunStatus.CANCELLED : script.expectedEnd());
		softly.assertThat(this.functions.ends.getOrDefault(run.id(), List.of()))
			.as(of + ": ends told")
			.containsExactly(run.status().name());
		if (cancelled) {
			softly.assertThat(starts.stream().filter((start) -> start.sequence() > outcome.cancelledAt))
				.as(of + ": steps started after the cancellation")
				.isEmpty();
		}
		int endEvents = (run.status() == RunStatus.COMPLETED) ? 0 : 1;
		String systemEvent = (run.status() == RunStatus.CANCELLED) ? FunctionCancelledEvent.NAME
				: FunctionFailedEvent.NAME;
		softly.assertThat(this.probe.eventIds(systemEvent, run.id())).as(of + ": system events").hasSize(endEvents);
		softly.assertThat(this.functions.springEvents.getOrDefault(run.id(), List.of()))
			.as(of + ": Spring events")
			.hasSize(endEvents);
	}

	private static List<Integer> attempts(int last) {
		List<Integer> attempts = new ArrayList<>();
		for (int i = 0; i <= last; i++) {
			attempts.add(i);
		}
		return attempts;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ClockConfiguration {

		@Bean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME)
		MovableClock inngestClock() {
			return new MovableClock();
		}

	}

}
