package dev.durable.inngest.engine;

import dev.durable.inngest.RunStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.memory.InMemoryInngestStore;
import dev.durable.inngest.memory.InMemoryRows;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.awaitility.Awaitility.await;

/**
 * Finds and waits for the runs that tests start, reading the engine's real tables, or the
 * in-memory store's rows when the engine runs on it.
 */
public class RunProbe {

	private final JdbcClient jdbc;

	private final RunStore runs;

	private final StepStore steps;

	private final InMemoryInngestStore memory;

	public RunProbe(JdbcClient jdbc, RunStore runs, StepStore steps) {
		this(jdbc, runs, steps, null);
	}

	/**
	 * Creates a probe.
	 * @param jdbc reads the tables of the JDBC store
	 * @param runs the run store
	 * @param steps the step store
	 * @param memory the in-memory store, read instead of the tables when the engine runs
	 * on it
	 */
	public RunProbe(JdbcClient jdbc, RunStore runs, StepStore steps, InMemoryInngestStore memory) {
		this.jdbc = jdbc;
		this.runs = runs;
		this.steps = steps;
		this.memory = memory;
	}

	public List<String> runIds(String eventId, String functionId) {
		if (this.memory != null) {
			return InMemoryRows.runIds(this.memory, eventId, functionId);
		}
		return this.jdbc.sql("SELECT id FROM inngest_run WHERE event_id = ? AND function_id = ? ORDER BY id")
			.params(eventId, functionId)
			.query(String.class)
			.list();
	}

	public String awaitRunId(String eventId, String functionId) {
		AtomicReference<String> id = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			List<String> ids = runIds(eventId, functionId);
			if (ids.size() == 1) {
				id.set(ids.get(0));
			}
			return id.get() != null;
		});
		return id.get();
	}

	public RunRecord awaitEnded(String eventId, String functionId) {
		return awaitEnded(awaitRunId(eventId, functionId), Duration.ofSeconds(30));
	}

	public RunRecord awaitEnded(String runId, Duration atMost) {
		AtomicReference<RunRecord> run = new AtomicReference<>();
		await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
			run.set(this.runs.find(runId).orElseThrow());
			return run.get().status().isFinal();
		});
		return run.get();
	}

	public RunRecord awaitStatus(String runId, RunStatus status) {
		AtomicReference<RunRecord> run = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
			run.set(this.runs.find(runId).orElseThrow());
			return run.get().status() == status;
		});
		return run.get();
	}

	public RunRecord run(String runId) {
		return this.runs.find(runId).orElseThrow();
	}

	public List<StepRecord> steps(String runId) {
		return this.steps.findByRun(runId);
	}

	public List<AttemptRecord> attempts(String runId) {
		return this.steps.attempts(runId);
	}

	public List<String> eventIds(String name, String dataContains) {
		if (this.memory != null) {
			return InMemoryRows.eventIds(this.memory, name, dataContains);
		}
		return this.jdbc.sql("SELECT id FROM inngest_event WHERE name = ? AND data LIKE ?")
			.params(name, "%" + dataContains + "%")
			.query(String.class)
			.list();
	}

	public int count(String table) {
		if (this.memory != null) {
			return InMemoryRows.count(this.memory, table);
		}
		return this.jdbc.sql("SELECT COUNT(*) FROM " + table).query(Integer.class).single();
	}

	/**
	 * Starts a run of the {@code reminder} function, which sleeps 30 s between two steps,
	 * and waits until it sleeps.
	 * @param inngest sends its event
	 * @param key marks the event's data, for conditions
	 * @return the run id
	 */
	public String startSleepingReminder(InngestClient inngest, String key) {
		Map<String, Object> data = new HashMap<>();
		data.put("key", key);
		data.put("reminderId", UUID.randomUUID().toString());
		String runId = awaitRunId(inngest.send(Event.of("test/reminder.created", data)).get(0), "reminder");
		awaitStatus(runId, RunStatus.SLEEPING);
		return runId;
	}

}
