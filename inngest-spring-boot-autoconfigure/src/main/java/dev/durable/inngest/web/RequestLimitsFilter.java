package dev.durable.inngest.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, on the starter's routes and before anything reads them, request bodies larger
 * than a limit, by their {@code Content-Length} or, for bodies sent in chunks, by reading
 * at most the limit and one byte more ({@code 413}), and a {@code Content-Type} that is
 * not one media type, such as {@code *}{@code /*}, on which Spring MVC's functional
 * routing fails with a 500, or that is not JSON on a request with a body, which Spring's
 * form filter may fail to decode ({@code 415}); and, on the {@code inngest} endpoint, a
 * body that is not a JSON object ({@code 400} with the reason). A refused request gets
 * {@code {"error": "...", "status": N}} (and {@code "ids": []} on the events API).
 */
public final class RequestLimitsFilter extends OncePerRequestFilter {

	/** The refusal of a query string with a NUL character. */
	public static final String NUL_IN_QUERY = "The query string has a NUL character (%00), which no parameter here "
			+ "may hold";

	private final long limit;

	private final List<String> pathPrefixes;

	private final String eventsPrefix;

	private final String actuatorPrefix;

	private final JsonMapper mapper;

	/**
	 * Creates the filter.
	 * @param limit the most bytes a body may have
	 * @param pathPrefixes the paths it guards, such as {@code /inngest/v1/} and
	 * {@code /actuator/inngest}
	 * @param eventsPrefix the path of the events API, such as {@code /inngest/e/}, whose
	 * refusals carry {@code "ids": []}
	 * @param actuatorPrefix the path of the {@code inngest} endpoint, such as
	 * {@code /actuator/inngest}, whose bodies it reads and refuses with {@code 400} and
	 * the reason when they are not a JSON object, which Actuator would refuse with no
	 * reason
	 * @param mapper reads those bodies and writes the refusals
	 */
	public RequestLimitsFilter(long limit, List<String> pathPrefixes, String eventsPrefix, String actuatorPrefix,
			JsonMapper mapper) {
		this.limit = limit;
		this.pathPrefixes = List.copyOf(pathPrefixes);
		this.eventsPrefix = eventsPrefix;
		this.actuatorPrefix = actuatorPrefix;
		this.mapper = mapper;
	}

	/**
	 * The filter of the starter's paths: the events API and the runs API under their base
	 * path, the dashboard, and the {@code inngest} endpoint under Actuator's base path,
	 * each path normalized as the routes normalize it.
	 * @param limit the most bytes a body may have
	 * @param apiBasePath the HTTP API's base path, such as {@code /inngest}
	 * @param dashboardPath the dashboard's path, such as {@code /inngest/dashboard}
	 * @param endpointPath where the {@code inngest} endpoint is served, such as
	 * {@code /actuator/inngest}, as Actuator's base path and path mapping make it
	 * @param servletPrefix the path Spring MVC's servlet is mapped under
	 * ({@code spring.mvc.servlet.path}), such as {@code /api}, or empty
	 * @param mapper reads bodies and writes the refusals
	 * @return the filter
	 */
	public static RequestLimitsFilter ofStarterPaths(long limit, String apiBasePath, String dashboardPath,
			String endpointPath, String servletPrefix, JsonMapper mapper) {
		// The routes are within the servlet's mapping; the filter sees the path within
		// the application.
		String prefix = ApiResponses.normalize(servletPrefix);
		String base = prefix + ApiResponses.normalize(apiBasePath);
		String endpoint = prefix + ApiResponses.normalize(endpointPath);
		String dashboard = ApiResponses.normalize(dashboardPath);
		List<String> prefixes = Stream
			.of(base + "/e/", base + "/v1/", endpoint, dashboard.isEmpty() ? "" : prefix + dashboard)
			.filter((path) -> !path.isEmpty())
			.toList();
		return new RequestLimitsFilter(limit, prefixes, base + "/e/", endpoint, mapper);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = path(request);
		return this.pathPrefixes.stream().noneMatch(path::startsWith);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (hasNulCharacter(request.getQueryString())) {
			refuse(request, response, HttpStatus.BAD_REQUEST, NUL_IN_QUERY);
			return;
		}
		long length = request.getContentLengthLong();
		boolean hasBody = length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
		String contentType = request.getHeader("Content-Type");
		if (contentType != null && (!isOneMediaType(contentType) || (hasBody && !isJson(contentType)))) {
			refuse(request, response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type is " + abbreviate(contentType)
					+ ", but a body sent here must be JSON: send Content-Type: " + "application/json");
			return;
		}
		if (length > this.limit) {
			refuse(request, response, "The body has " + length + " bytes");
			return;
		}
		boolean chunked = length < 0 && request.getHeader("Transfer-Encoding") != null;
		boolean toActuator = hasBody && this.actuatorPrefix != null && path(request).startsWith(this.actuatorPrefix);
		if (chunked || toActuator) {
			byte[] body = ReadBody.readAtMost(request, this.limit);
			if (body.length > this.limit) {
				refuse(request, response, "The body has more than " + this.limit + " bytes");
				return;
			}
			String problem = toActuator ? notAJsonObject(body) : null;
			if (problem != null) {
				refuse(request, response, HttpStatus.BAD_REQUEST, problem);
				return;
			}
			chain.doFilter(new ReadBody(request, body), response);
			return;
		}
		chain.doFilter(request, response);
	}

	private @Nullable String notAJsonObject(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return this.mapper.readTree(body).isObject() ? null : "The body must be a JSON object";
		}
		catch (JacksonException ex) {
			return RequestBodies.problem(ex);
		}
	}

	private static String path(HttpServletRequest request) {
		return RequestPaths.of(request);
	}

	private static boolean isOneMediaType(String contentType) {
		if (contentType.isBlank()) {
			return true;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return !type.isWildcardType() && !type.isWildcardSubtype();
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private static boolean isJson(String contentType) {
		if (contentType.isBlank()) {
			return true;
		}
		return RequestBodies.isJson(MediaType.parseMediaType(contentType));
	}

	private static String abbreviate(String value) {
		String printable = value.replaceAll("[^\\x20-\\x7E]", "?");
		return (printable.length() <= 100) ? printable : printable.substring(0, 100) + "...";
	}

	/**
	 * Whether a query string holds a NUL character, raw or escaped, which no value of the
	 * engine's may hold and PostgreSQL refuses in any text it compares.
	 * @param query the query string, or {@code null}
	 * @return {@code true} if it holds one
	 */
	public static boolean hasNulCharacter(@Nullable String query) {
		if (query == null) {
			return false;
		}
		try {
			return query.indexOf('\0') >= 0 || URLDecoder.decode(query, StandardCharsets.UTF_8).indexOf('\0') >= 0;
		}
		catch (IllegalArgumentException ex) {
			// A malformed escape is Spring MVC's to refuse; only a NUL is this filter's.
			return query.toLowerCase(java.util.Locale.ROOT).contains("%00");
		}
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, String what) throws IOException {
		refuse(request, response, HttpStatus.CONTENT_TOO_LARGE, ReadBody.tooLarge(what, this.limit));
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus refusal, String message)
			throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		if (this.eventsPrefix != null && path(request).startsWith(this.eventsPrefix)) {
			body.put("ids", List.of());
		}
		body.put("error", message);
		body.put("status", refusal.value());
		response.setStatus(refusal.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		// The body may be left unread: closing the connection spares reading what is
		// refused.
		response.setHeader("Connection", "close");
		response.getOutputStream().write(this.mapper.writeValueAsBytes(body));
	}

}
