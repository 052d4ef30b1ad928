package dev.durable.inngest.autoconfigure;

import java.time.Clock;

import dev.durable.inngest.actuate.RetentionMetrics;
import dev.durable.inngest.actuate.RunMetrics;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionDiscoverer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Micrometer metrics of the runs and of the retention, when a {@link MeterRegistry} is
 * available.
 */
@AutoConfiguration(after = InngestAutoConfiguration.class, before = InngestLocalAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class InngestMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RunMetrics inngestRunMetrics(MeterRegistry registry,
			@Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) ObjectProvider<Clock> clock) {
		// The engine's clock stamps the runs' creation: their durations are measured by
		// it.
		return new RunMetrics(registry, clock.getIfAvailable(Clock::systemUTC));
	}

	/**
	 * Registers the run counters of the application's functions at zero once they are all
	 * declared; the local engine counts into them, the platform in remote mode does not.
	 */
	@Bean
	@ConditionalOnBean(FunctionDiscoverer.class)
	@ConditionalOnProperty(name = "inngest.mode", havingValue = "local", matchIfMissing = true)
	ApplicationListener<ContextRefreshedEvent> inngestRunMetricsOfDeclaredFunctions(RunMetrics metrics,
			FunctionDiscoverer functions) {
		return (event) -> metrics.register(functions.registry().all().stream().map(FunctionDefinition::id).toList());
	}

	@Bean
	@ConditionalOnMissingBean
	RetentionMetrics inngestRetentionMetrics(MeterRegistry registry) {
		return new RetentionMetrics(registry);
	}

}
