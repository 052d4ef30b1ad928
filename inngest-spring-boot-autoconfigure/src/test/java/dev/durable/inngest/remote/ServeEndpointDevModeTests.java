package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import dev.durable.inngest.remote.app.RecordingCallHandler;
import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakeInngestExecutor;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Exchange;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Outcome;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serve endpoint in dev mode, as the Inngest dev server reaches it: nothing is
 * signed, and nothing is required to be, under a servlet context path and a serve path of
 * its own.
 */
@SpringBootTest(classes = RemoteTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.dev=http://127.0.0.1:1", "inngest.app-id=orders",
				"inngest.serve-path=/inngest/serve", "server.servlet.context-path=/shop",
				"inngest.sync.on-startup=false",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class ServeEndpointDevModeTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordingCallHandler handler;

	private FakeInngestExecutor devServer() {
		return new FakeInngestExecutor("http://localhost:" + this.port + "/shop/inngest/serve", null,
				Clock.systemUTC());
	}

	@Test
	void introspectionSaysDevMode() {
		Exchange exchange = devServer().send("GET", "http://localhost:" + this.port + "/shop/inngest/serve",
				new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(200);
		assertThat(exchange.json().get("mode").asString()).isEqualTo("dev");
		assertThat(exchange.json().get("authentication_succeeded").isNull()).isTrue();
		assertThat(exchange.json().get("has_signing_key").asBoolean()).isFalse();
		assertThat(exchange.header("X-Inngest-Expected-Server-Kind")).isEqualTo("dev");
	}

	@Test
	void unsignedRunsAndProbesAreTaken() {
		FakeInngestExecutor devServer = devServer();
		Exchange sync = devServer.syncInBand();
		assertThat(sync.status()).isEqualTo(200);
		assertThat(sync.header("X-Inngest-Signature")).isNull();
		assertThat(devServer.functions().get("orders-greet").at("/steps/step/runtime/url").asString())
			.isEqualTo("http://localhost:" + this.port + "/shop/inngest/serve?fnId=orders-greet&stepId=step");
		assertThat(devServer.run("greet", Map.of("name", "test/greet")).outcome()).isEqualTo(Outcome.COMPLETED);
		Exchange probe = devServer.send("POST", "http://localhost:" + this.port + "/shop/inngest/serve?probe=trust",
				"{}".getBytes(StandardCharsets.UTF_8), Map.of());
		assertThat(probe.status()).isEqualTo(200);
	}

	@Test
	void theDefaultPathIsNotServed() {
		Exchange exchange = devServer().send("GET", "http://localhost:" + this.port + "/shop/api/inngest", new byte[0],
				Map.of());
		assertThat(exchange.status()).isEqualTo(404);
	}

	@Test
	void aPutToAnUnreachableDevServerAnswers500WithTheReason() {
		Exchange exchange = devServer().send("PUT", "http://localhost:" + this.port + "/shop/inngest/serve",
				new byte[0], Map.of());
		assertThat(exchange.status()).isEqualTo(500);
		assertThat(exchange.json().get("message").asString()).contains("could not be reached");
		assertThat(exchange.json().get("modified").asBoolean()).isFalse();
		assertThat(this.handler.requests()).isEmpty();
	}

}
