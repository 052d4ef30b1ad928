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
