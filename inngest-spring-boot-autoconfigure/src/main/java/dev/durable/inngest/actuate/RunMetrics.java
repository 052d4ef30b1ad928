package dev.durable.inngest.actuate;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.engine.RunOutcomes;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counts runs by how they ended, tagged by function, once the end is committed:
 * {@code inngest.runs.failed} and {@code inngest.runs.cancelled}. Shipped by any Micrometer registry, such as
 * {@code micrometer-registry-datadog}, failures show up with no code.
 */
public final class RunMetrics implements RunOutcomes {

	/** The counter of runs that failed for good. */
	public static final String RUNS_FAILED = "inngest.runs.failed";

	/** The counter of cancelled runs. */
	public static final String RUNS_CANCELLED = "inngest.runs.cancelled";

	private final MeterRegistry registry;

	/**
	 * Creates the metrics.
	 * @param registry where the meters are registered
	 */
	public RunMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void failed(RunRecord run, FunctionDefinition function, ErrorInfo error) {
		countAfterCommit(Counter.builder(RUNS_FAILED)
			.description("Runs that failed after their retries")
			.tag("function", function.id())
			.register(this.registry));
	}

	@Override
	public void cancelled(RunRecord run) {
		countAfterCommit(Counter.builder(RUNS_CANCELLED)
			.description("Runs that were cancelled")
			.tag("function", run.functionId())
			.register(this.registry));
	}

	private static void countAfterCommit(Counter counter) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				counter.increment();
			}
		});
	}

}
