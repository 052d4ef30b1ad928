package dev.durable.inngest.remote;

import dev.durable.inngest.engine.Errors;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.function.ServerRequest;

/**
 * Query strings that the servlet container cannot read as parameters, such as
 * {@code ?=x}: Tomcat refuses one when a parameter is first read, which would otherwise
 * end the request in the container's error page, without the answer its endpoint gives to
 * bad input.
 */
public final class QueryStrings {

	private QueryStrings() {
	}

	/**
	 * Why a request's query string cannot be read as parameters.
	 * @param request the request
	 * @return the problem, to answer with a 400, or {@code null} if it can be read
	 */
	public static @Nullable String unreadable(ServerRequest request) {
		return unreadable(request.servletRequest());
	}

	/**
	 * Why a servlet request's query string cannot be read as parameters, asked before
	 * anything else reads them.
	 * @param request the request
	 * @return the problem, to answer with a 400, or {@code null} if it can be read
	 */
	public static @Nullable String unreadable(HttpServletRequest request) {
		try {
			// Tomcat throws from a parameter's lookup, not from the map of them all, and
			// only at the first read of the parameters, so this must come before anything
			// else reads them.
			request.getParameter("");
			return null;
		}
		catch (IllegalStateException ex) {
			String query = request.getQueryString();
			return "The query string cannot be read as parameters: '" + Errors.abbreviate((query != null) ? query : "")
					+ "'";
		}
	}

}
