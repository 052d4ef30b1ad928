package dev.durable.inngest.remote;

import java.time.Duration;
import java.util.List;

import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakePlatform;
import dev.durable.inngest.testsupport.FakePlatform.Register;
import dev.durable.inngest.testsupport.FakePlatform.Reply;
import dev.durable.inngest.testsupport.HttpApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sync at start-up against a platform that is down at first: the application starts
 * all the same, retries in the background, and once the platform answers, the health
 * indicator and the {@code inngest} endpoint show the functions synced, when, and the
 * hash of what was synced.
 */
@SpringBootTest(classes = RemoteTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.app-id=orders", "inngest.sync.initial-interval=100ms",
				"inngest.sync.max-interval=300ms", "management.endpoints.web.exposure.include=health,inngest",
				"management.endpoint.health.show-details=always",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class StartupSyncTests {

	static final FakePlatform platform = FakePlatform.start()
		.thenAnswer(Reply.unavailable(), Reply.unavailable(), Reply.unavailable());

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void platform(DynamicPropertyRegistry registry) {
		// The dev server's URL in inngest.dev, as INNGEST_DEV may carry it.
		registry.add("inngest.dev", platform::origin);
	}

	@AfterAll
	static void stopPlatform() {
		platform.close();
	}

	@Test
	void theSyncIsRetriedUntilThePlatformAnswersAndThenShown() {
		await().atMost(Duration.ofSeconds(20)).until(() -> platform.registers().size() >= 4);
		List<Register> registers = platform.registers();
		assertThat(registers).hasSize(4);
		Register synced = registers.get(3);
		assertThat(synced.headers().get("Authorization")).isNull();
		assertThat(synced.headers().get("X-Inngest-Sync-Kind")).isEqualTo("out_of_band");
		assertThat(synced.payload().get("url").asString()).isEqualTo("http://localhost:" + this.port + "/api/inngest");
		assertThat(synced.payload().get("functions")).hasSize(5);

		HttpApiClient http = new HttpApiClient(this.port);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> "synced"
				.equals(http.call("GET", "/actuator/inngest", null, null).json().path("sync").asString()));
		JsonNode endpoint = http.call("GET", "/actuator/inngest", null, null).json();
		assertThat(endpoint.get("mode").asString()).isEqualTo("remote");
		assertThat(endpoint.get("platform").asString()).isEqualTo("dev");
		assertThat(endpoint.get("functions").valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder(
				"orders-greet", "orders-greet-failure", "orders-nightly", "orders-" + SystemEventFunctions.FAILED_ID,
				"orders-" + SystemEventFunctions.CANCELLED_ID);
		assertThat(endpoint.get("lastSyncedAt").asString()).isNotEqualTo("never");
		assertThat(endpoint.get("configHash").asString()).hasSize(64)
			.isEqualTo(endpoint.get("currentConfigHash").asString());
		assertThat(endpoint.has("lastError")).isFalse();

		JsonNode health = http.call("GET", "/actuator/health", null, null).json();
		JsonNode inngest = health.at("/components/inngest");
		assertThat(inngest.get("status").asString()).isEqualTo("UP");
		assertThat(inngest.at("/details/sync").asString()).isEqualTo("synced");
		assertThat(inngest.at("/details/configHash").asString()).isEqualTo(endpoint.get("configHash").asString());
		assertThat(health.get("status").asString()).isEqualTo("UP");
	}

}
