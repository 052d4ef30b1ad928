package dev.durable.inngest.autoconfigure;

import java.util.function.Supplier;

import dev.durable.inngest.actuate.InngestEndpoint;
import dev.durable.inngest.actuate.InngestEndpointWebExtension;
import dev.durable.inngest.actuate.UnreadableQueryFilter;
import dev.durable.inngest.engine.PropertyChecks;
import dev.durable.inngest.web.EndpointFieldsFilter;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * What the {@code inngest} Actuator endpoint needs in the context that serves Actuator:
 * the application's own, or the one on {@code management.server.port} when that differs,
 * where the application's filters do not apply. The endpoint has the same id in local and
 * remote mode, so this serves both.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnAvailableEndpoint(endpoint = InngestEndpoint.class, exposure = EndpointExposure.WEB)
public final class InngestEndpointManagementContextConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "inngestUnreadableQueryFilter")
	FilterRegistrationBean<UnreadableQueryFilter> inngestUnreadableQueryFilter(
			ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<DispatcherServletPath> servletPath) {
		// Read at the first request with a query, once Actuator has mapped its endpoints,
		// and kept.
		UnreadableQueryFilter filter = new UnreadableQueryFilter(endpointPath(endpoints, servletPath));
		// Last in the chain, after whatever security guards the endpoint. Tomcat refuses
		// only the first read of the parameters, so a request an earlier filter has read
		// goes on with those it could read.
		return new FilterRegistrationBean<>(filter);
	}

	@Bean
	@ConditionalOnMissingBean(name = "inngestEndpointFieldsFilter")
	FilterRegistrationBean<EndpointFieldsFilter> inngestEndpointFieldsFilter(
			ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<DispatcherServletPath> servletPath,
			ObjectProvider<InngestProperties> properties, ObjectProvider<JsonMapper> mapper) {
		InngestProperties limits = properties.getIfAvailable(InngestProperties::new);
		EndpointFieldsFilter filter = new EndpointFieldsFilter(endpointPath(endpoints, servletPath),
				InngestEndpointWebExtension.BULK_FIELDS,
				PropertyChecks.positive("inngest.limits.request-size", limits.getLimits().getRequestSize()).toBytes(),
				mapper.getIfAvailable(JsonMapper::shared));
		// After whatever security guards the endpoint, as the query's check.
		return new FilterRegistrationBean<>(filter);
	}

	/**
	 * Where the endpoint is served within the application, as Actuator maps it: read at
	 * the first request that needs it, once Actuator has mapped its endpoints, and kept.
	 */
	private static Supplier<@Nullable String> endpointPath(ObjectProvider<PathMappedEndpoints> endpoints,
			ObjectProvider<DispatcherServletPath> servletPath) {
		return SingletonSupplier.of(() -> {
			PathMappedEndpoints mapped = endpoints.getIfAvailable();
			String path = (mapped != null) ? mapped.getPath(EndpointId.of("inngest")) : null;
			DispatcherServletPath servlet = servletPath.getIfAvailable();
			return (path != null && servlet != null) ? servlet.getRelativePath(path) : path;
		});
	}

	/**
	 * The dashboard on a management port of its own, where the endpoint it reads is: the
	 * page reads the endpoint from its own origin.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "inngest.dashboard.enabled", havingValue = "true")
	@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
	@ConditionalOnClass(RouterFunction.class)
	// The local engine's endpoint, which the page reads: not the one of remote mode.
	@ConditionalOnBean(name = "inngestEndpoint")
	static class DashboardOnTheManagementPort {

		@Bean
		@ConditionalOnMissingBean(name = "inngestDashboard")
		RouterFunction<ServerResponse> inngestDashboard(InngestProperties properties, Environment environment,
				EndpointAccessResolver accessResolver) {
			// The management server's own servlet, at its root.
			return DashboardRoutes.of(properties, environment, accessResolver, "");
		}

	}

}
