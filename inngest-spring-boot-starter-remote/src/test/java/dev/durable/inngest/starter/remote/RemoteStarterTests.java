package dev.durable.inngest.starter.remote;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.autoconfigure.NoEngineException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application built on the remote starter alone: it serves its functions with no
 * database on the class path, and says what to set when remote mode is forgotten.
 */
class RemoteStarterTests {

	@Test
	void theStarterBringsNoDatabase() {
		assertThat(ClassUtils.isPresent("org.h2.Driver", null)).isFalse();
		assertThat(ClassUtils.isPresent("org.postgresql.Driver", null)).isFalse();
		assertThat(ClassUtils.isPresent("jakarta.persistence.EntityManager", null)).isFalse();
	}

	@Test
	void remoteModeServesTheFunctionsWithoutADataSource() throws Exception {
		try (ConfigurableApplicationContext context = application(WebApplicationType.SERVLET).run("--server.port=0",
				"--inngest.mode=remote", "--inngest.dev=true", "--inngest.sync.on-startup=false")) {
			assertThat(context.getBeanNamesForType(DataSource.class)).isEmpty();
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> introspection = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/inngest")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(introspection.statusCode()).isEqualTo(200);
			// The function, and the two that publish the platform's failure and
			// cancellation
			// events to the application's listeners.
			assertThat(introspection.body()).contains("\"function_count\":3").contains("\"mode\":\"dev\"");
		}
	}

	@Test
	void forgettingRemoteModeStopsTheStartRatherThanNeverRunningTheFunctions() {
		assertThatExceptionOfType(NoEngineException.class).isThrownBy(() -> application(WebApplicationType.NONE).run())
			.satisfies((ex) -> assertThat(ex.getFunctions()).singleElement().asString().startsWith("'greet', "));
	}

	private static SpringApplication application(WebApplicationType type) {
		SpringApplication application = new SpringApplication(RemoteApplication.class);
		application.setWebApplicationType(type);
		return application;
	}

	@SpringBootApplication
	static class RemoteApplication {

		@InngestFunction(id = "greet", event = "test/greet")
		String greet(Event event) {
			return "hello";
		}

	}

}
