package dev.durable.inngest.actuate;

import java.util.function.Supplier;

import dev.durable.inngest.engine.RunScheduler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.function.SingletonSupplier;

/**
 * Gauges of this instance's workers: {@code inngest.workers.active}, the runs they are
 * executing, and {@code inngest.workers.max}, how many they may execute at once. Active
 * at the maximum while the backlog grows is an instance that needs more workers or more
 * instances.
 */
public final class WorkerMetrics implements MeterBinder {

	/** The gauge of runs the workers are executing. */
	public static final String WORKERS_ACTIVE = "inngest.workers.active";

	/** The gauge of how many runs the workers may execute at once. */
	public static final String WORKERS_MAX = "inngest.workers.max";

	private final Supplier<RunScheduler> scheduler;

	/**
	 * Creates the gauges.
	 * @param scheduler the engine's scheduler, whose workers they measure: asked for when
	 * the gauges are read, as the registry binds them before the engine is made
	 */
	public WorkerMetrics(Supplier<RunScheduler> scheduler) {
		// Asked for once: a registry that publishes as the context closes reads the
		// scheduler it had, not a bean being destroyed.
		this.scheduler = SingletonSupplier.of(scheduler);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(WORKERS_ACTIVE, this, (metrics) -> metrics.scheduler.get().busyWorkers())
			.description("Runs this instance's workers are executing")
			.register(registry);
		Gauge.builder(WORKERS_MAX, this, (metrics) -> metrics.scheduler.get().settings().workers())
			.description("How many runs this instance's workers may execute at once")
			.register(registry);
	}

}
