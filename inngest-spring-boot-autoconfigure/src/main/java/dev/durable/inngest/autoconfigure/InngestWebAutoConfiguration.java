package dev.durable.inngest.autoconfigure;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.executor.RegisterEndpoint;
import dev.durable.inngest.remote.RemoteSettings;
import dev.durable.inngest.web.EventsApi;
import dev.durable.inngest.web.RequestLimitsFilter;
import dev.durable.inngest.web.RunsApi;
import dev.durable.inngest.web.WildcardContentTypeFilter;
import dev.durable.inngest.engine.PropertyChecks;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The HTTP API for runs, bulk cancellations and events, and the runs dashboard, in a
 * Spring MVC application. The runs API is on only with {@code inngest.signing-key}, the
 * events API only with {@code inngest.event-key} (either blank, as
 * {@code ${INNGEST_SIGNING_KEY:}} makes it when the variable is unset, counts as unset),
 * the dashboard only with {@code inngest.dashboard.enabled}; the runs and events APIs
 * only in local mode.
 */
@AutoConfiguration(after = { InngestLocalAutoConfiguration.class, InngestActuatorAutoConfiguration.class,
		InngestRemoteAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
public final class InngestWebAutoConfiguration {

	// In remote mode the keys are the platform's, and runs and events are the platform's
	// APIs.
	@Bean
	@Conditional(SigningKeySet.class)
	@ConditionalOnProperty(name = "inngest.mode", havingValue = "local", matchIfMissing = true)
	@ConditionalOnBean(InngestRuns.class)
	@ConditionalOnMissingBean(name = "inngestRunsApi")
	RouterFunction<ServerResponse> inngestRunsApi(InngestRuns runs, InngestProperties properties,
			Environment environment, ObjectProvider<JsonMapper> mapper) {
		return new RunsApi(runs, properties.determineAppId(environment), properties.getSigningKey(),
				properties.getSigningKeyFallback(), Clock.systemUTC(), mapper(mapper))
			.routes(properties.getApi().getBasePath());
	}

	@Bean
	@Conditional(EventKeySet.class)
	@ConditionalOnProperty(name = "inngest.mode", havingValue = "local", matchIfMissing = true)
	@ConditionalOnBean(InngestClient.class)
	@ConditionalOnMissingBean(name = "inngestEventsApi")
	RouterFunction<ServerResponse> inngestEventsApi(InngestClient client, InngestProperties properties,
			ObjectProvider<JsonMapper> mapper) {
		InngestProperties.Limits limits = properties.getLimits();
		return new EventsApi(client, properties.getEventKey(), mapper(mapper), limits.getEventSize().toBytes(),
				(int) PropertyChecks.atLeastOne("inngest.limits.events-per-request", limits.getEventsPerRequest()))
			.routes(properties.getApi().getBasePath());
	}

	@Bean
	@ConditionalOnMissingBean(name = "inngestRequestLimitsFilter")
	FilterRegistrationBean<RequestLimitsFilter> inngestRequestLimitsFilter(InngestProperties properties,
			Environment environment, ObjectProvider<JsonMapper> mapper) {
		RequestLimitsFilter filter = RequestLimitsFilter.ofStarterPaths(
				PropertyChecks.positive("inngest.limits.request-size", properties.getLimits().getRequestSize())
					.toBytes(),
				properties.getApi().getBasePath(), properties.getDashboard().getPath(),
				DashboardRoutes.endpointPath(environment), servletPrefix(environment), mapper(mapper));
		FilterRegistrationBean<RequestLimitsFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		return registration;
	}

	// Spring MVC reads the request headers for the functional routes on every path, and
	// throws on a wildcard Content-Type, so without this the starter would fail such
	// requests everywhere. The serve endpoint and the executor's register API read their
	// JSON themselves.
	@Bean
	@ConditionalOnMissingBean(name = "inngestWildcardContentTypeFilter")
	FilterRegistrationBean<WildcardContentTypeFilter> inngestWildcardContentTypeFilter(
			ObjectProvider<RemoteSettings> remote, InngestProperties properties) {
		Set<String> jsonPaths = new HashSet<>();
		remote.ifAvailable((settings) -> jsonPaths.add(settings.servePath()));
		if (properties.getExecutor().isEnabled()) {
			jsonPaths.add(RegisterEndpoint.PATH);
		}
		FilterRegistrationBean<WildcardContentTypeFilter> registration = new FilterRegistrationBean<>(
				new WildcardContentTypeFilter(jsonPaths));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 90);
		return registration;
	}

	/**
	 * The path Spring MVC's servlet is mapped under in the application's context, such as
	 * {@code /api} for {@code spring.mvc.servlet.path=/api}; empty by default.
	 */
	static String servletPrefix(Environment environment) {
		String path = environment.getProperty("spring.mvc.servlet.path", "/").trim();
		return path.replaceAll("/+$", "");
	}

	private static JsonMapper mapper(ObjectProvider<JsonMapper> mapper) {
		return mapper.getIfUnique(() -> JsonMapper.builder().build());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "inngest.dashboard.enabled", havingValue = "true")
	static class DashboardConfiguration {

		private static final Log logger = LogFactory.getLog(DashboardConfiguration.class);

		// Actuator's classes are read only when it is there.
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(Endpoint.class)
		static class WithActuator {

			// On a management port of its own, the dashboard is served there, beside the
			// endpoint it reads (InngestEndpointManagementContextConfiguration).
			@Configuration(proxyBeanMethods = false)
			@ConditionalOnBean(name = "inngestEndpoint")
			@ConditionalOnManagementPort(ManagementPortType.SAME)
			static class ServedDashboardConfiguration {

				@Bean
				@ConditionalOnMissingBean(name = "inngestDashboard")
				RouterFunction<ServerResponse> inngestDashboard(InngestProperties properties, Environment environment,
						EndpointAccessResolver accessResolver) {
					return DashboardRoutes.of(properties, environment, accessResolver, servletPrefix(environment));
				}

			}

		}

		// The dashboard reads everything through the endpoint, so without it there is no
		// page to serve.
		@Bean
		@ConditionalOnMissingBean(name = "inngestEndpoint")
		SmartInitializingSingleton inngestDashboardUnavailableWarning(InngestProperties properties) {
			if (properties.getMode() == InngestProperties.Mode.REMOTE) {
				return () -> logger.warn("inngest.dashboard.enabled is true but the dashboard is not served at "
						+ properties.getDashboard().getPath() + ": it shows the runs of the local engine, and "
						+ "inngest.mode is remote, where the Inngest platform's dashboard shows them.");
			}
			// With Actuator there, the endpoint is missing because it is not exposed.
			String action = ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint",
					DashboardConfiguration.class.getClassLoader()) ? "Expose"
							: "Add spring-boot-starter-actuator and expose";
			return () -> logger.warn("inngest.dashboard.enabled is true but the dashboard is not served at "
					+ properties.getDashboard().getPath() + ": it needs the inngest Actuator endpoint, which is "
					+ "not available. " + action + " the endpoint over HTTP "
					+ "(management.endpoints.web.exposure.include=health,inngest).");
		}

	}

	/**
	 * Matches when a key is set and not blank.
	 */
	abstract static class KeySet extends SpringBootCondition {

		private final String property;

		KeySet(String property) {
			this.property = property;
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return StringUtils.hasText(context.getEnvironment().getProperty(this.property))
					? ConditionOutcome.match(this.property + " is set")
					: ConditionOutcome.noMatch(this.property + " is not set, or blank");
		}

	}

	static final class SigningKeySet extends KeySet {

		SigningKeySet() {
			super("inngest.signing-key");
		}

	}

	static final class EventKeySet extends KeySet {

		EventKeySet() {
			super("inngest.event-key");
		}

	}

}
