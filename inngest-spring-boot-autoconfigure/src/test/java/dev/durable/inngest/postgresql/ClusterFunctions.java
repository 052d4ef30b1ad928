package dev.durable.inngest.postgresql;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.WaitForEvent;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Functions whose step bodies log each execution to {@code test_step_log}, with the
 * instance and process that executed it, so that tests with several instances can count
 * them.
 */
public class ClusterFunctions {

	/** The table the step bodies log to. */
	public static final String LOG_TABLE = "CREATE TABLE IF NOT EXISTS test_step_log (run_id VARCHAR(32) NOT NULL, "
			+ "step VARCHAR(32) NOT NULL, instance VARCHAR(32) NOT NULL, pid BIGINT NOT NULL, "
			+ "logged_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP)";

	/** Gates that gated runs wait at, by the name in their event. */
	static final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final JdbcTemplate jdbc;

	private final String instance;

	ClusterFunctions(JdbcTemplate jdbc, @Value("${test.instance}") String instance) {
		this.jdbc = jdbc;
		this.instance = instance;
	}

	@InngestFunction(id = "three-steps", event = "cluster/job")
	String threeSteps(Event event, Step step, RunContext run) {
		long pause = ((Number) event.data().getOrDefault("pauseMillis", 0)).longValue();
		for (String id : List.of("one", "two", "three")) {
			step.run(id, () -> {
				log(run.runId(), id);
				if (pause > 0) {
					Thread.sleep(pause);
				}
			});
		}
		return "done";
	}

	@InngestFunction(id = "gated", event = "cluster/gated")
	String gated(Event event, Step step, RunContext run) {
		CountDownLatch gate = gate((String) event.data().get("gate"));
		step.run("at-gate", () -> {
			log(run.runId(), "at-gate");
			gate.await(30, TimeUnit.SECONDS);
		});
		step.run("after-gate", () -> log(run.runId(), "after-gate"));
		return "passed";
	}

	@InngestFunction(id = "awaits-reply", event = "cluster/ask")
	boolean awaitsReply(Step step) {
		return step
			.waitForEvent("reply", WaitForEvent.event("cluster/reply").match("data.k").timeout(Duration.ofHours(1)))
			.isPresent();
	}

	static CountDownLatch gate(String name) {
		return gates.computeIfAbsent(name, (key) -> new CountDownLatch(1));
	}

	private void log(String runId, String step) {
		this.jdbc.update("INSERT INTO test_step_log (run_id, step, instance, pid) VALUES (?, ?, ?, ?)", runId, step,
				this.instance, ProcessHandle.current().pid());
	}

	static Duration timeout() {
		return Duration.ofSeconds(120);
	}

}
