package dev.durable.inngest.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the application over real HTTP and reads the JSON it answers.
 */
public final class HttpApiClient {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private final String origin;

	/**
	 * Creates a client of the application on a local port.
	 * @param port the port
	 */
	public HttpApiClient(int port) {
		this.origin = "http://localhost:" + port;
	}

	/**
	 * Calls the application.
	 * @param method the HTTP method
	 * @param path the path and query
	 * @param authorization the Authorization header, or {@code null}
	 * @param body a JSON body, or {@code null}
	 * @return the answer
	 */
	public Answer call(String method, String path, String authorization, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.origin + path))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode node = response.body().isEmpty() ? null : this.json.readTree(response.body());
			return new Answer(response.statusCode(), node, response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends any request: any method, headers and body, such as a body sent in chunks
	 * ({@link HttpRequest.BodyPublishers#ofInputStream}). The answer's JSON is
	 * {@code null} when its body is not JSON.
	 * @param method the HTTP method
	 * @param path the path and query
	 * @param headers the headers, as name and value pairs
	 * @param body the body
	 * @return the answer
	 */
	public Answer send(String method, String path, List<String> headers, HttpRequest.BodyPublisher body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.origin + path)).method(method, body);
		for (int i = 0; i + 1 < headers.size(); i += 2) {
			request.header(headers.get(i), headers.get(i + 1));
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode node = null;
			try {
				node = response.body().isEmpty() ? null : this.json.readTree(response.body());
			}
			catch (RuntimeException ex) {
				// Not JSON: the caller reads the body as text.
			}
			return new Answer(response.statusCode(), node, response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An answer.
	 *
	 * @param status the HTTP status
	 * @param json the body as JSON, or {@code null} if empty
	 * @param body the body
	 * @param headers the headers
	 */
	public record Answer(int status, JsonNode json, String body, Map<String, List<String>> headers) {

		/**
		 * A header's first value.
		 * @param name the header
		 * @return the value, or {@code null}
		 */
		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
				.map((entry) -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

}
