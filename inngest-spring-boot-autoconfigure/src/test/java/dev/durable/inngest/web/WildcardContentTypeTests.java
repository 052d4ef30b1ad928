package dev.durable.inngest.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A POST with {@code Content-Type: *}{@code /*} to an application's own controllers,
 * outside the starter's paths, in a plain application with and without the starter.
 */
class WildcardContentTypeTests {

	private static final String STARTER = "dev.durable.inngest.autoconfigure.";

	private static final String WITHOUT_STARTER = String.join(",", STARTER + "InngestAutoConfiguration",
			STARTER + "InngestLocalAutoConfiguration", STARTER + "InngestMetricsAutoConfiguration",
			STARTER + "InngestRetentionAutoConfiguration", STARTER + "InngestActuatorAutoConfiguration",
			STARTER + "InngestWebAutoConfiguration", STARTER + "InngestRemoteAutoConfiguration",
			STARTER + "InngestRemoteEventsAutoConfiguration");

	/**
	 * Spring MVC alone answers 500 where a controller reads the body: it parses the
	 * wildcard but cannot hold it in the request's headers. With the starter's functional
	 * routes it would read the headers for every request, so the starter hides such a
	 * Content-Type: no request fails, and one whose body is not read is answered as
	 * without the starter.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/text", "/json", "/nobody" })
	void aWildcardContentTypeFailsNoRequestWithTheStarter(String path) throws Exception {
		int without = post(path, "spring.autoconfigure.exclude=" + WITHOUT_STARTER);
		int with = post(path, "inngest.signing-key=signkey-test-12345678", "inngest.event-key=evt-key-example");
		assertThat(with).as("with the starter").isLessThan(500);
		if (without < 500) {
			assertThat(with).isEqualTo(without);
		}
	}

	@Test
	void aWildcardContentTypeIsRefusedByAControllerThatReadsTheBodyWithoutTheStarter() throws Exception {
		assertThat(post("/json", "spring.autoconfigure.exclude=" + WITHOUT_STARTER)).isEqualTo(500);
		assertThat(post("/nobody", "spring.autoconfigure.exclude=" + WITHOUT_STARTER)).isEqualTo(200);
	}

	private static int post(String path, String... properties) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PlainApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.header("Content-Type", "*/*")
				.POST(HttpRequest.BodyPublishers.ofString("{\"a\": 1}"))
				.build();
			return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class PlainApplication {

		@PostMapping("/text")
		String text(@RequestBody String body) {
			return body;
		}

		@PostMapping("/nobody")
		String nobody() {
			return "ok";
		}

		@PostMapping("/json")
		Map<String, Object> json(@RequestBody Map<String, Object> body) {
			return body;
		}

	}

}
