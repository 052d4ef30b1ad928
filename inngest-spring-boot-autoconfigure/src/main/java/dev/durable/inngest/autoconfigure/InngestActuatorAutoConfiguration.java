package dev.durable.inngest.autoconfigure;

import java.time.Clock;

import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.actuate.InngestEndpoint;
import dev.durable.inngest.actuate.InngestHealthIndicator;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.local.LocalEngine;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code inngest} Actuator endpoint and health indicator of the local engine.
 */
@AutoConfiguration(after = InngestLocalAutoConfiguration.class)
@ConditionalOnBean({ LocalEngine.class, InngestRuns.class })
public final class InngestActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(InngestEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InngestEndpoint inngestEndpoint(FunctionDiscoverer functions, RunStore runStore, StepStore stepStore,
				InngestRuns runs) {
			return new InngestEndpoint(functions::registry, runStore, stepStore, runs);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("inngest")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "inngestHealthIndicator")
		InngestHealthIndicator inngestHealthIndicator(LocalEngine engine, RunStore runs) {
			return new InngestHealthIndicator(engine, runs, Clock.systemUTC());
		}

	}

}
