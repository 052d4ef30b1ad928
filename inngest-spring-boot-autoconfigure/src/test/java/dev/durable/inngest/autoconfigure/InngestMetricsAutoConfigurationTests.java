package dev.durable.inngest.autoconfigure;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.actuate.BacklogMetrics;
import dev.durable.inngest.actuate.RetentionMetrics;
import dev.durable.inngest.actuate.RunMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of the metrics auto-configuration.
 */
class InngestMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class, InngestMetricsAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void withAMeterRegistryTheRunsAndTheBacklogAreMeasured() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(RunMetrics.class);
			assertThat(context).hasSingleBean(RetentionMetrics.class);
			assertThat(context).hasSingleBean(BacklogMetrics.class);
		});
	}

	@Test
	void theRunCountersOfEachDeclaredFunctionStartAtZero() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(Greetings.class)
			.withPropertyValues("inngest.local.store=memory", "inngest.local.auto-startup=false")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				for (String name : new String[] { RunMetrics.RUNS_STARTED, RunMetrics.RUNS_COMPLETED,
						RunMetrics.RUNS_FAILED, RunMetrics.RUNS_CANCELLED, RunMetrics.STEPS_RETRIES }) {
					assertThat(registry.get(name).tag("function", "greet").counter().count()).as(name).isZero();
				}
			});
	}

	@Test
	void inRemoteModeNoCountersAreRegisteredAhead() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(Greetings.class)
			.withPropertyValues("inngest.mode=remote")
			.run((context) -> {
				assertThat(context).doesNotHaveBean("inngestRunMetricsOfDeclaredFunctions");
				assertThat(context.getBean(MeterRegistry.class).find(RunMetrics.RUNS_FAILED).counters()).isEmpty();
			});
	}

	static class Greetings {

		@InngestFunction(id = "greet", event = "test/greet")
		void greet(Event event) {
		}

	}

	@Test
	void withoutAMeterRegistryNothingIsMeasured() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RunMetrics.class);
			assertThat(context).doesNotHaveBean(RetentionMetrics.class);
		});
	}

	@Test
	void withoutMicrometerTheEngineStillStarts() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RunMetrics.class);
		});
	}

	@Test
	void aUsersRunMetricsWin() {
		RunMetrics own = new RunMetrics(new SimpleMeterRegistry());
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("ownRunMetrics", RunMetrics.class, () -> own)
			.run((context) -> assertThat(context).getBean(RunMetrics.class).isSameAs(own));
	}

}
