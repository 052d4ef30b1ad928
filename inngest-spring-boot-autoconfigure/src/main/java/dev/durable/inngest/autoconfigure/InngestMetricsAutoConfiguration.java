package dev.durable.inngest.autoconfigure;

import dev.durable.inngest.actuate.RetentionMetrics;
import dev.durable.inngest.actuate.RunMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics of the runs and of the retention, when a {@link MeterRegistry} is
 * available.
 */
@AutoConfiguration(before = InngestLocalAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class InngestMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RunMetrics inngestRunMetrics(MeterRegistry registry) {
		return new RunMetrics(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	RetentionMetrics inngestRetentionMetrics(MeterRegistry registry) {
		return new RetentionMetrics(registry);
	}

}
