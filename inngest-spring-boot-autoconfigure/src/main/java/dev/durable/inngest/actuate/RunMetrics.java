package dev.durable.inngest.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.engine.RunOutcomes;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Micrometer meters of runs and steps, tagged by {@code function}, each recorded once
 * what it counts is stored:
 * <ul>
 * <li>{@code inngest.runs.started}, {@code inngest.runs.completed},
 * {@code inngest.runs.failed}, {@code inngest.runs.cancelled}: counters of runs;</li>
 * <li>{@code inngest.runs.duration}: a timer from a run's creation to its end, also
 * tagged {@code status} ({@code completed}, {@code failed}, {@code cancelled});</li>
 * <li>{@code inngest.steps.attempts}: a counter of step bodies executed, also tagged
 * {@code outcome} ({@code completed}, {@code retrying}, {@code failed});</li>
 * <li>{@code inngest.steps.retries}: a counter of step attempts that failed and are
 * retried;</li>
 * <li>{@code inngest.steps.duration}: a timer of step bodies.</li>
 * </ul>
 * Shipped by any Micrometer registry, such as {@code micrometer-registry-datadog},
 * failures show up with no code.
 */
public final class RunMetrics implements RunOutcomes {

	/** The counter of runs that started. */
	public static final String RUNS_STARTED = "inngest.runs.started";

	/** The counter of runs that completed. */
	public static final String RUNS_COMPLETED = "inngest.runs.completed";

	/** The counter of runs that failed for good. */
	public static final String RUNS_FAILED = "inngest.runs.failed";

	/** The counter of cancelled runs. */
	public static final String RUNS_CANCELLED = "inngest.runs.cancelled";

	/** The timer of runs, from creation to end. */
	public static final String RUNS_DURATION = "inngest.runs.duration";

	/** The counter of step attempts. */
	public static final String STEPS_ATTEMPTS = "inngest.steps.attempts";

	/** The counter of step attempts that failed and are retried. */
	public static final String STEPS_RETRIES = "inngest.steps.retries";

	/** The timer of step bodies. */
	public static final String STEPS_DURATION = "inngest.steps.duration";

	private final MeterRegistry registry;

	private final Clock clock;

	/**
	 * Creates the metrics, timing runs by the system's clock.
	 * @param registry where the meters are registered
	 */
	public RunMetrics(MeterRegistry registry) {
		this(registry, Clock.systemUTC());
	}

	/**
	 * Creates the metrics.
	 * @param registry where the meters are registered
	 * @param clock the engine's clock, which stamped the runs' creation
	 */
	public RunMetrics(MeterRegistry registry, Clock clock) {
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * Registers the counters of each function at zero: a function's first failure is then
	 * an increase of a series that was there, which a rate over time sees, rather than a
	 * new series at one, which it misses.
	 * @param functionIds the ids of the functions
	 */
	public void register(Collection<String> functionIds) {
		for (String functionId : functionIds) {
			started(functionId);
			completed(functionId);
			failed(functionId);
			cancelled(functionId);
			retries(functionId);
		}
	}

	@Override
	public void started(RunRecord run) {
		started(run.functionId()).increment();
	}

	@Override
	public void stepAttempted(RunRecord run, FunctionDefinition function, String stepId, Duration duration,
			StepOutcome outcome) {
		Counter.builder(STEPS_ATTEMPTS)
			.description("Step bodies executed, by how the attempt ended")
			.tag("function", function.id())
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
		if (outcome == StepOutcome.RETRYING) {
			retries(function.id()).increment();
		}
		Timer.builder(STEPS_DURATION)
			.description("How long step bodies take")
			.tag("function", function.id())
			.register(this.registry)
			.record(duration);
	}

	@Override
	public void completed(RunRecord run, Instant endedAt) {
		completed(run.functionId()).increment();
		duration(run, "completed").record(Duration.between(run.createdAt(), endedAt));
	}

	@Override
	public void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
		Counter failed = failed(function.id());
		Timer duration = duration(run, "failed");
		afterCommit(() -> {
			failed.increment();
			duration.record(Duration.between(run.createdAt(), this.clock.instant()));
		});
	}

	@Override
	public void cancelled(RunRecord run) {
		Counter cancelled = cancelled(run.functionId());
		Timer duration = duration(run, "cancelled");
		afterCommit(() -> {
			cancelled.increment();
			duration.record(Duration.between(run.createdAt(), this.clock.instant()));
		});
	}

	private Counter started(String functionId) {
		return counter(RUNS_STARTED, "Runs that started", functionId);
	}

	private Counter completed(String functionId) {
		return counter(RUNS_COMPLETED, "Runs that completed", functionId);
	}

	private Counter failed(String functionId) {
		return counter(RUNS_FAILED, "Runs that failed after their retries", functionId);
	}

	private Counter cancelled(String functionId) {
		return counter(RUNS_CANCELLED, "Runs that were cancelled", functionId);
	}

	private Counter retries(String functionId) {
		return counter(STEPS_RETRIES, "Step attempts that failed and are retried", functionId);
	}

	private Counter counter(String name, String description, String functionId) {
		return Counter.builder(name).description(description).tag("function", functionId).register(this.registry);
	}

	private Timer duration(RunRecord run, String status) {
		return Timer.builder(RUNS_DURATION)
			.description("How long runs take, from creation to end")
			.tag("function", run.functionId())
			.tag("status", status)
			.register(this.registry);
	}

	private static void afterCommit(Runnable action) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			action.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				action.run();
			}
		});
	}

}
