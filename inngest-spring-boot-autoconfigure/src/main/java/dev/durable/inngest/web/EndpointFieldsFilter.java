package dev.durable.inngest.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a write to a section of the {@code inngest} Actuator endpoint (a {@code POST}
 * to {@code /actuator/inngest/runs}, say) whose JSON body has a field the operation does
 * not take, with {@code 400} naming it and the fields it takes. Actuator binds the fields
 * it knows and ignores the others, so a mistyped filter of a bulk cancellation would
 * otherwise be dropped, and the cancellation act on every run of the range. It reads at
 * most the request size limit, as the application's own routes do, also where the
 * endpoint is served on a management port of its own.
 */
public final class EndpointFieldsFilter extends OncePerRequestFilter {

	private final Supplier<@Nullable String> endpointPath;

	private final Set<String> fields;

	private final long limit;

	private final JsonMapper mapper;

	/**
	 * Creates the filter.
	 * @param endpointPath where the endpoint is served within the application, such as
	 * {@code /actuator/inngest}; none when it is not served over HTTP
	 * @param fields the fields a write to one of its sections takes
	 * @param limit the most bytes a body may have
	 * @param mapper reads the bodies and writes the refusals
	 */
	public EndpointFieldsFilter(Supplier<@Nullable String> endpointPath, Set<String> fields, long limit,
			JsonMapper mapper) {
		this.endpointPath = endpointPath;
		this.fields = Set.copyOf(fields);
		this.limit = limit;
		this.mapper = mapper;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod())) {
			return true;
		}
		String path = this.endpointPath.get();
		if (path == null) {
			return true;
		}
		String prefix = path.endsWith("/") ? path : path + "/";
		String requested = RequestPaths.of(request);
		if (!requested.startsWith(prefix)) {
			return true;
		}
		String section = requested.substring(prefix.length());
		return section.isEmpty() || section.contains("/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		byte[] body = ReadBody.readAtMost(request, this.limit);
		if (body.length > this.limit) {
			refuse(response, HttpStatus.CONTENT_TOO_LARGE,
					ReadBody.tooLarge("The body has more than " + this.limit + " bytes", this.limit));
			return;
		}
		List<String> unknown = unknownFields(body);
		if (!unknown.isEmpty()) {
			refuse(response, HttpStatus.BAD_REQUEST,
					"Unknown field" + ((unknown.size() > 1) ? "s " : " ")
							+ String.join(", ", unknown.stream().map((field) -> "'" + field + "'").toList())
							+ "; the fields are " + String.join(", ", this.fields.stream().sorted().toList()));
			return;
		}
		chain.doFilter(new ReadBody(request, body), response);
	}

	/**
	 * The fields of a JSON object body that the operation does not take; none for a body
	 * that is not a JSON object, which the endpoint refuses itself.
	 */
	private List<String> unknownFields(byte[] body) {
		if (body.length == 0) {
			return List.of();
		}
		JsonNode root;
		try {
			root = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			return List.of();
		}
		List<String> unknown = new ArrayList<>();
		if (root != null && root.isObject()) {
			for (String name : root.propertyNames()) {
				if (!this.fields.contains(name)) {
					unknown.add(ApiResponses.abbreviate(name));
				}
			}
		}
		return unknown;
	}

	private void refuse(HttpServletResponse response, HttpStatus refusal, String message) throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", message);
		body.put("status", refusal.value());
		response.setStatus(refusal.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8);
		response.getOutputStream().write(this.mapper.writeValueAsBytes(body));
	}

}
