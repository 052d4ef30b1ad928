package dev.durable.inngest.autoconfigure;

import java.time.Clock;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
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
 * The HTTP API for runs, bulk cancellations and events, in a Spring MVC application. The runs
 * API is on only with {@code inngest.signing-key}, the events API only with
 * {@code inngest.event-key}.
 */
@AutoConfiguration(after = InngestLocalAutoConfiguration.class)
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

}
