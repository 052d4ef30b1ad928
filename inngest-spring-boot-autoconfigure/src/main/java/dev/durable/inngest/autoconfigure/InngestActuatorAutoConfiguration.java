package dev.durable.inngest.autoconfigure;

import java.time.Clock;

import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.actuate.EndpointExposureWarning;
import dev.durable.inngest.actuate.InngestEndpoint;
import dev.durable.inngest.actuate.InngestEndpointWebExtension;
import dev.durable.inngest.actuate.InngestHealthIndicator;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.UndeclaredFunctionRuns;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDiscoverer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code inngest} Actuator endpoint and health indicator of the local engine.
 */
@AutoConfiguration(after = InngestLocalAutoConfiguration.class)
@ConditionalOnBean({ RunScheduler.class, InngestRuns.class })
public final class InngestActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(InngestEndpoint.class)
	@EnableConfigurationProperties(InngestEndpointProperties.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InngestEndpoint inngestEndpoint(FunctionDiscoverer functions, RunStore runStore, StepStore stepStore,
				InngestRuns runs, InngestEndpointProperties properties,
				@Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) ObjectProvider<Clock> clock) {
			return new InngestEndpoint(functions::registry, runStore, stepStore, runs, properties.getShowValues(),
					properties.getRoles(), clock.getIfAvailable(Clock::systemUTC));
		}

		// Beside the endpoint's bean, which its condition must find first.
		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(InngestEndpoint.class)
		@ConditionalOnAvailableEndpoint(endpoint = InngestEndpoint.class, exposure = EndpointExposure.WEB)
		InngestEndpointWebExtension inngestEndpointWebExtension(InngestEndpoint endpoint) {
			return new InngestEndpointWebExtension(endpoint);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnWebApplication
	@ConditionalOnAvailableEndpoint(endpoint = InngestEndpoint.class, exposure = EndpointExposure.WEB)
	@EnableConfigurationProperties(InngestEndpointProperties.class)
	static class WebExposureConfiguration {

		@Bean
		EndpointExposureWarning inngestEndpointExposureWarning(ListableBeanFactory beans,
				EndpointAccessResolver accessResolver, InngestEndpointProperties properties, Environment environment) {
			String path = environment.getProperty("management.endpoints.web.base-path", "/actuator") + "/inngest";
			return new EndpointExposureWarning(beans, path, InngestEndpoint.access(accessResolver),
					properties.getShowValues());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("inngest")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "inngestHealthIndicator")
		InngestHealthIndicator inngestHealthIndicator(RunScheduler engine, RunStore runs,
				UndeclaredFunctionRuns undeclared) {
			return new InngestHealthIndicator(engine, runs, undeclared::counts, Clock.systemUTC());
		}

	}

}
