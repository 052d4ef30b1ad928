package dev.durable.inngest.web;

import java.net.URI;
import java.util.Map;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves the runs dashboard: a static page, with no build step, that reads and drives the
 * {@code inngest} Actuator endpoint from the browser. It shows nothing by itself, so
 * whatever protects the Actuator endpoints protects what it shows; protect its path the
 * same way. It offers no action that the endpoint would refuse: with the endpoint
 * read-only (the default), it says so in place of its cancel buttons.
 */
public final class Dashboard {

	private static final String LOCATION = "dev/durable/inngest/dashboard/";

	private final String path;

	/** Why the dashboard offers no actions, when the endpoint is read-only. */
	static final String READ_ONLY = "Read-only: the inngest endpoint's write operations are off. To cancel runs "
			+ "from here, protect the endpoint and set management.endpoint.inngest.access=unrestricted.";

	private final String endpointPath;

	private final boolean actionsEnabled;

	private final String servletPrefix;

	/**
	 * Creates the dashboard.
	 * @param path where it is served, such as {@code /inngest/dashboard}
	 * @param endpointPath where the {@code inngest} endpoint is served, such as
	 * {@code /actuator/inngest}, as Actuator's base path and path mapping make it
	 * @param actionsEnabled whether the endpoint's write operations (cancel, bulk cancel,
	 * stop) are on
	 * @param servletPrefix the path Spring MVC's servlet is mapped under, such as
	 * {@code /api} for {@code spring.mvc.servlet.path=/api}, or empty: the page and the
	 * endpoint are served below it
	 */
	public Dashboard(String path, String endpointPath, boolean actionsEnabled, String servletPrefix) {
		this.path = ApiResponses.normalize(path);
		this.endpointPath = ApiResponses.normalize(endpointPath);
		this.actionsEnabled = actionsEnabled;
		this.servletPrefix = ApiResponses.normalize(servletPrefix);
	}

	/**
	 * The routes: the page, its script and style, and its configuration.
	 * @return the routes
	 */
	public RouterFunction<ServerResponse> routes() {
		Resource index = new ClassPathResource(LOCATION + "index.html");
		// The page drives cancellations: no other site may frame it to trick a click, by
		// either of its paths.
		HandlerFunction<ServerResponse> page = (request) -> ServerResponse.ok()
			.contentType(MediaType.TEXT_HTML)
			.cacheControl(CacheControl.noCache())
			.header("X-Frame-Options", "DENY")
			.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
			.body(index);
		return ApiResponses.withHead(
				RouterFunctions.route()
					.GET(this.path,
							(request) -> ServerResponse.permanentRedirect(URI.create(
									request.servletRequest().getContextPath() + this.servletPrefix + this.path + "/"))
								.build())
					.GET(this.path + "/", page)
					.GET(this.path + "/index.html", page)
					.GET(this.path + "/config.json",
							(request) -> ServerResponse.ok()
								.contentType(MediaType.APPLICATION_JSON)
								.body(Map.of("endpoint",
										request.servletRequest().getContextPath() + this.servletPrefix
												+ this.endpointPath,
										"refreshMillis", 2000, "actions", actions())))
					.route(RequestPredicates.path(this.path)
						.or(RequestPredicates.path(this.path + "/"))
						.or(RequestPredicates.path(this.path + "/config.json")),
							ApiResponses.methodNotAllowed("the dashboard at " + this.path, HttpMethod.GET))
					.resources(this.path + "/**", new ClassPathResource(LOCATION))
					.onError(ApiException.class, (ex, request) -> ApiResponses.error(ex))
					.build());
	}

	private Map<String, Object> actions() {
		return this.actionsEnabled ? Map.of("enabled", true) : Map.of("enabled", false, "reason", READ_ONLY);
	}

}
