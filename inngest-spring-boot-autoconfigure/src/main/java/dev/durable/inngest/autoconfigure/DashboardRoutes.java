package dev.durable.inngest.autoconfigure;

import dev.durable.inngest.actuate.InngestEndpoint;
import dev.durable.inngest.web.Dashboard;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The dashboard's routes, in the context that serves the Actuator endpoint: the
 * application's, or the management port's. A class of its own, loaded only with Actuator,
 * whose types its signature names.
 */
final class DashboardRoutes {

	private DashboardRoutes() {
	}

	/**
	 * The routes.
	 * @param properties the starter's properties
	 * @param environment where Actuator's base path is read
	 * @param accessResolver whether the endpoint's write operations are on
	 * @param servletPrefix the path the context's Spring MVC servlet is mapped under,
	 * such as {@code /api}, or empty
	 * @return the routes
	 */
	static RouterFunction<ServerResponse> of(InngestProperties properties, Environment environment,
			EndpointAccessResolver accessResolver, String servletPrefix) {
		boolean actions = InngestEndpoint.access(accessResolver) == Access.UNRESTRICTED;
		return new Dashboard(properties.getDashboard().getPath(), endpointPath(environment), actions, servletPrefix)
			.routes();
	}

	/**
	 * Where the {@code inngest} endpoint is served, as Actuator's base path and path
	 * mapping make it, such as {@code /actuator/inngest}.
	 * @param environment where they are read
	 * @return the path
	 */
	static String endpointPath(Environment environment) {
		String base = environment.getProperty("management.endpoints.web.base-path", "/actuator").trim();
		String mapped = environment.getProperty("management.endpoints.web.path-mapping.inngest", "inngest").trim();
		return base.replaceAll("/+$", "") + "/" + mapped.replaceAll("^/+|/+$", "");
	}

}
