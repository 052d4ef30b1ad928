package dev.durable.inngest.autoconfigure;

import java.time.Clock;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.web.Dashboard;
import dev.durable.inngest.web.EventsApi;
import dev.durable.inngest.web.RunsApi;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The HTTP API for runs, bulk cancellations and events, and the runs dashboard, in a Spring MVC
 * application. The runs API is on only with {@code inngest.signing-key}, the events API only
 * with {@code inngest.event-key}, the dashboard only with {@code inngest.dashboard.enabled}.
 */
@AutoConfiguration(after = { InngestLocalAutoConfiguration.class, InngestActuatorAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
public final class InngestWebAutoConfiguration {

	@Bean
	@ConditionalOnProperty("inngest.signing-key")
	@ConditionalOnBean(InngestRuns.class)
	RouterFunction<ServerResponse> inngestRunsApi(InngestRuns runs, InngestProperties properties,
			Environment environment) {
		return new RunsApi(runs, properties.determineAppId(environment), properties.getSigningKey(),
				properties.getSigningKeyFallback(), Clock.systemUTC())
			.routes(properties.getApi().getBasePath());
	}

	@Bean
	@ConditionalOnProperty("inngest.event-key")
	@ConditionalOnBean(InngestClient.class)
	RouterFunction<ServerResponse> inngestEventsApi(InngestClient client, InngestProperties properties) {
		return new EventsApi(client, properties.getEventKey()).routes(properties.getApi().getBasePath());
	}

	@Bean
	@ConditionalOnProperty(name = "inngest.dashboard.enabled", havingValue = "true")
	@ConditionalOnBean(name = "inngestEndpoint")
	RouterFunction<ServerResponse> inngestDashboard(InngestProperties properties, Environment environment) {
		return new Dashboard(properties.getDashboard().getPath(),
				environment.getProperty("management.endpoints.web.base-path", "/actuator"))
			.routes();
	}

}
