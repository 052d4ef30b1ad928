package dev.durable.inngest.web;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.util.UrlPathHelper;

/**
 * The path of a request as Spring MVC routes it: within the application's context path,
 * decoded, and without {@code ;} parameters. A filter that chose its requests by the raw
 * URI would let {@code /inngest/%65/key} or {@code /inngest;x/e/key} through to the route
 * it guards.
 */
public final class RequestPaths {

	private static final UrlPathHelper PATHS = new UrlPathHelper();

	private RequestPaths() {
	}

	/**
	 * The request's path within the application.
	 * @param request the request
	 * @return the path, such as {@code /inngest/e/key}
	 */
	public static String of(HttpServletRequest request) {
		return PATHS.getPathWithinApplication(request);
	}

}
