package dev.durable.inngest.web;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hides a {@code Content-Type} with a wildcard, such as {@code *}{@code /*}, which Spring
 * MVC parses but cannot hold in its request headers: reading them throws, and with the
 * starter's functional routes in the application Spring MVC reads them for every request,
 * on any path, before it finds the handler, so such a request would fail with 500 even
 * where nothing reads its body. Hidden, the request is handled as one without a content
 * type, as Spring MVC already handles a {@code Content-Type} it cannot parse.
 * <p>
 * On the paths of endpoints that read their body as JSON themselves, such as remote
 * mode's serve endpoint, a form's {@code Content-Type} is hidden too: Spring's form
 * filter would otherwise decode the body of a {@code PUT}, {@code PATCH} or
 * {@code DELETE} before the endpoint, and fail with a 500 on one it cannot decode, where
 * the endpoint answers a body that is not JSON with its own error.
 */
public final class WildcardContentTypeFilter extends OncePerRequestFilter {

	private final Set<String> jsonPaths;

	/**
	 * Creates a filter that hides wildcard content types only.
	 */
	public WildcardContentTypeFilter() {
		this(Set.of());
	}

	/**
	 * Creates a filter that also hides a form's content type on some paths.
	 * @param jsonPaths the paths, within the application, of endpoints that read their
	 * body as JSON themselves
	 */
	public WildcardContentTypeFilter(Set<String> jsonPaths) {
		this.jsonPaths = Set.copyOf(jsonPaths);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String contentType = request.getContentType();
		boolean hide = hasWildcard(contentType) || (isForm(contentType) && this.jsonPaths.contains(path(request)));
		chain.doFilter(hide ? new WithoutContentType(request) : request, response);
	}

	private static boolean isForm(@Nullable String contentType) {
		return contentType != null && contentType.regionMatches(true, 0, MediaType.APPLICATION_FORM_URLENCODED_VALUE, 0,
				MediaType.APPLICATION_FORM_URLENCODED_VALUE.length());
	}

	private static String path(HttpServletRequest request) {
		return RequestPaths.of(request);
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	static boolean hasWildcard(@Nullable String contentType) {
		if (contentType == null || contentType.isBlank()) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return type.isWildcardType() || type.isWildcardSubtype();
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private static final class WithoutContentType extends HttpServletRequestWrapper {

		WithoutContentType(HttpServletRequest request) {
			super(request);
		}

		@Override
		public @Nullable String getContentType() {
			return null;
		}

		@Override
		public @Nullable String getHeader(String name) {
			return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? null : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? Collections.emptyEnumeration()
					: super.getHeaders(name);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			return Collections.enumeration(Collections.list(super.getHeaderNames())
				.stream()
				.filter((name) -> !HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name))
				.toList());
		}

	}

}
