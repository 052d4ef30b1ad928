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
 * {@code inngest.runs.failed}. Shipped by any Micrometer registry, such as
 * {@code micrometer-registry-datadog}, failures show up with no code.
 */
public final class RunMetrics implements RunOutcomes {

	/** The counter of runs that failed for good. */
	public static final String RUNS_FAILED = "inngest.runs.failed";

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
		Counter counter = Counter.builder(RUNS_FAILED)
			.description("Runs that failed after their retries")
			.tag("function", function.id())
			.register(this.registry);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				counter.increment();
			}
		});
	}

}
