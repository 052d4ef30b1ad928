package dev.durable.inngest.web;

import java.io.IOException;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.StreamUtils;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Reads the JSON bodies of the HTTP API, refusing with a message that says what is wrong:
 * a body that is not JSON ({@code 415}), that does not parse, or that goes past one of
 * Jackson's limits, such as its nesting depth ({@code 400}). The size of a body is
 * limited before it is read, by {@link RequestLimitsFilter}.
 */
final class RequestBodies {

	private final JsonMapper mapper;

	/**
	 * Reads bodies with a mapper.
	 * @param mapper the mapper
	 */
	RequestBodies(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * The body as JSON: maps, lists, strings, numbers, booleans and {@code null}.
	 * @param request the request
	 * @return the value
	 * @throws ApiException if the body is not JSON
	 */
	@Nullable Object json(ServerRequest request) throws IOException {
		checkMediaType(request);
		byte[] body = StreamUtils.copyToByteArray(request.servletRequest().getInputStream());
		if (body.length == 0) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "The body is empty; send a JSON body");
		}
		try {
			return this.mapper.readValue(body, Object.class);
		}
		catch (JacksonException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, problem(ex));
		}
	}

	/**
	 * What is wrong with a body that Jackson could not read, such as JSON nested deeper
	 * than it reads, or JSON that does not parse.
	 * @param ex what Jackson threw
	 * @return the problem, with what Jackson says cut short
	 */
	static String problem(JacksonException ex) {
		String detail = ApiResponses.abbreviate(firstSentence(ex.getOriginalMessage()));
		return (ex instanceof StreamConstraintsException) ? "The body goes past a limit of the JSON reader: " + detail
				: "The body is not valid JSON: " + detail;
	}

	/**
	 * The body as a JSON object.
	 * @param request the request
	 * @return the object
	 * @throws ApiException if the body is not a JSON object
	 */
	@SuppressWarnings("unchecked")
	Map<String, @Nullable Object> jsonObject(ServerRequest request) throws IOException {
		Object body = json(request);
		if (!(body instanceof Map)) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "The body must be a JSON object");
		}
		return (Map<String, @Nullable Object>) body;
	}

	private static void checkMediaType(ServerRequest request) {
		String header = request.headers().firstHeader("Content-Type");
		if (header == null || header.isBlank()) {
			return;
		}
		MediaType type;
		try {
			type = MediaType.parseMediaType(header);
		}
		catch (InvalidMediaTypeException ex) {
			throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type '" + ApiResponses.abbreviate(header)
					+ "' is not a media type; send Content-Type: application/json");
		}
		if (!isJson(type)) {
			throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"Content-Type is " + ApiResponses.abbreviate(type.toString())
							+ ", but the body must be JSON: send Content-Type: " + "application/json");
		}
	}

	/**
	 * Whether a media type is JSON: {@code application/json} or a
	 * {@code application/*+json} one.
	 * @param type the media type
	 * @return {@code true} for JSON
	 */
	static boolean isJson(MediaType type) {
		return "application".equals(type.getType())
				&& ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
	}

	private static String firstSentence(@Nullable String message) {
		if (message == null) {
			return "unreadable";
		}
		int end = message.indexOf('\n');
		return (end >= 0) ? message.substring(0, end) : message;
	}

}
