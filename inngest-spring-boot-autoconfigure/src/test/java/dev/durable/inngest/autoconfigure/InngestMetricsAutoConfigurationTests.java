package dev.durable.inngest.autoconfigure;

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
