package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;

/**
 * Functions that follow a script carried by their event: steps that fail on given
 * attempts, take some time, or sleep. It records each step body it starts, each run's end
 * as the engine tells it, and each Spring event of a failed or cancelled run.
 */
public class ScriptedFunctions extends RunEndsRecorder {

	/** The step bodies started, by run key. */
	final Map<String, List<StepStart>> starts = new ConcurrentHashMap<>();

	record StepStart(String stepId, int attempt, Instant at) {
	}

	@InngestFunction(id = "scripted-0", event = "test/scripted-0")
	@Retries(0)
	void noRetries(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@InngestFunction(id = "scripted-1", event = "test/scripted-1")
	@Retries(1)
	void oneRetry(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@InngestFunction(id = "scripted-2", event = "test/scripted-2")
	@Retries(2)
	void twoRetries(Event event, Step step, RunContext run) {
		follow(event, step, run);
	}

	@SuppressWarnings("unchecked")
	private void follow(Event event, Step step, RunContext run) {
		String key = (String) event.data().get("key");
		for (Map<String, Object> spec : (List<Map<String, Object>>) event.data().get("steps")) {
			String id = (String) spec.get("id");
			long millis = ((Number) spec.get("millis")).longValue();
			if ("sleep".equals(spec.get("kind"))) {
				step.sleep(id, Duration.ofMillis(millis));
				continue;
			}
			List<Integer> failures = (List<Integer>) spec.get("failures");
			step.run(id, () -> {
				this.starts.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>())
					.add(new StepStart(id, run.attempt(), Instant.now()));
				Thread.sleep(millis);
				if (failures.contains(run.attempt())) {
					throw new IllegalStateException("planned failure of " + id + " on attempt " + run.attempt());
				}
			});
		}
	}

}
