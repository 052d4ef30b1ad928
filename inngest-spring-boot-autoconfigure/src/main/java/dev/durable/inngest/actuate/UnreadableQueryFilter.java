package dev.durable.inngest.actuate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.durable.inngest.remote.QueryStrings;
import dev.durable.inngest.web.RequestLimitsFilter;
import dev.durable.inngest.web.RequestPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request to the {@code inngest} Actuator endpoint whose query string the
 * servlet container cannot read as parameters, such as {@code ?=x}, with {@code 400} and
 * {@code {"error": "...", "status": 400}} naming the query, as the endpoint answers other
 * input it cannot use. Actuator reads the parameters of every operation before it calls
 * the endpoint, and Tomcat refuses such a query only on that first read, so without this
 * the request would end in a bare {@code 400} with a stack trace logged at {@code ERROR}.
 * A query with a NUL character is refused too, as the application's routes refuse it.
 */
public final class UnreadableQueryFilter extends OncePerRequestFilter {

	private final Supplier<@Nullable String> endpointPath;

	/**
	 * Creates the filter.
	 * @param endpointPath where the endpoint is served within the application, such as
	 * {@code /actuator/inngest}, as Actuator's base path and path mapping make it; none
	 * when it is not served over HTTP
	 */
	public UnreadableQueryFilter(Supplier<@Nullable String> endpointPath) {
		this.endpointPath = endpointPath;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		if (request.getQueryString() == null) {
			return true;
		}
		String path = this.endpointPath.get();
		if (path == null) {
			return true;
		}
		String requested = RequestPaths.of(request);
		return !(requested.equals(path) || requested.startsWith(path.endsWith("/") ? path : path + "/"));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		// On a management port of its own, the application's request filter does not
		// see these requests.
		String unreadable = RequestLimitsFilter.hasNulCharacter(request.getQueryString())
				? RequestLimitsFilter.NUL_IN_QUERY : QueryStrings.unreadable(request);
		if (unreadable == null) {
			chain.doFilter(request, response);
			return;
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", unreadable);
		body.put("status", HttpServletResponse.SC_BAD_REQUEST);
		response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8);
		response.getOutputStream().write(JsonMapper.shared().writeValueAsBytes(body));
	}

}
