package dev.durable.inngest.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose body was read already, within a limit, for the filters that read it
 * before the handler does.
 */
final class ReadBody extends HttpServletRequestWrapper {

	private final byte[] body;

	/**
	 * Reads a request's body, at most one byte past a limit: a body longer than the limit
	 * is too large, and the rest of it is left unread.
	 * @param request the request
	 * @param limit the most bytes a body may have
	 * @return the body, or its first {@code limit + 1} bytes
	 * @throws IOException if it cannot be read
	 */
	static byte[] readAtMost(HttpServletRequest request, long limit) throws IOException {
		return request.getInputStream().readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
	}

	/**
	 * Why a body longer than the request size limit is refused.
	 * @param what what the body has
	 * @param limit the limit
	 * @return the message
	 */
	static String tooLarge(String what, long limit) {
		return what + "; the largest allowed is " + limit + " bytes (inngest.limits.request-size)";
	}

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
