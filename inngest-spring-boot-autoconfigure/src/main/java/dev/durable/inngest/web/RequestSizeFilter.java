package dev.durable.inngest.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than a limit on the starter's routes before anything reads
 * them: by their {@code Content-Length}, or, for bodies sent in chunks, by reading at most the
 * limit and one byte more. A refused request gets {@code 413} with
 * {@code {"error": "...", "status": 413}} (and {@code "ids": []} on the events API).
 */
public final class RequestSizeFilter extends OncePerRequestFilter {

	private final long limit;

	private final List<String> pathPrefixes;

	private final String eventsPrefix;

	/**
	 * Creates the filter.
	 * @param limit the most bytes a body may have
	 * @param pathPrefixes the paths it guards, such as {@code /inngest/} and {@code /actuator/inngest}
	 * @param eventsPrefix the path of the events API, such as {@code /inngest/e/}, whose refusals
	 * carry {@code "ids": []}
	 */
	public RequestSizeFilter(long limit, List<String> pathPrefixes, String eventsPrefix) {
		this.limit = limit;
		this.pathPrefixes = List.copyOf(pathPrefixes);
		this.eventsPrefix = eventsPrefix;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return this.pathPrefixes.stream().noneMatch(path::startsWith);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long length = request.getContentLengthLong();
		if (length > this.limit) {
			refuse(request, response, "The body has " + length + " bytes");
			return;
		}
		if (length < 0 && request.getHeader("Transfer-Encoding") != null) {
			byte[] body = request.getInputStream().readNBytes((int) Math.min(this.limit + 1, Integer.MAX_VALUE - 8));
			if (body.length > this.limit) {
				refuse(request, response, "The body has more than " + this.limit + " bytes");
				return;
			}
			chain.doFilter(new ReadBody(request, body), response);
			return;
		}
		chain.doFilter(request, response);
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, String what) throws IOException {
		int status = HttpStatus.CONTENT_TOO_LARGE.value();
		String message = what + "; the largest allowed is " + this.limit + " bytes (inngest.limits.request-size)";
		String path = request.getRequestURI().substring(request.getContextPath().length());
		String ids = (this.eventsPrefix != null && path.startsWith(this.eventsPrefix)) ? "\"ids\":[]," : "";
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		// The body is left unread: closing the connection spares reading what is refused.
		response.setHeader("Connection", "close");
		response.getOutputStream()
			.write(("{" + ids + "\"error\":\"" + message + "\",\"status\":" + status + "}")
				.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A request whose body was read already, within the limit.
	 */
	private static final class ReadBody extends HttpServletRequestWrapper {

		private final byte[] body;

		ReadBody(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

		@Override
		public ServletInputStream getInputStream() {
			InputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() throws IOException {
					return in.read();
				}

				@Override
				public int read(byte[] bytes, int offset, int length) throws IOException {
					return in.read(bytes, offset, length);
				}

				@Override
				public boolean isFinished() {
					return this.available() == 0;
				}

				@Override
				public int available() {
					try {
						return in.available();
					}
					catch (IOException ex) {
						return 0;
					}
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("Reads are blocking");
				}

			};
		}

	}

}
