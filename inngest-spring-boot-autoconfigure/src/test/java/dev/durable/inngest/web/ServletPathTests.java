package dev.durable.inngest.web;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;

import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring MVC's servlet mapped under a path of its own ({@code spring.mvc.servlet.path}):
 * the request limits guard the starter's routes there, and the dashboard links to itself
 * and reads the endpoint there.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.mvc.servlet.path=/api", "inngest.event-key=evt-key-example",
				"management.endpoints.web.exposure.include=inngest", "management.endpoint.inngest.access=unrestricted",
				"inngest.dashboard.enabled=true", "inngest.limits.request-size=4KB" })
class ServletPathTests {

	@LocalServerPort
	int port;

	@Test
	void theRequestLimitsGuardTheRoutesUnderTheServletPath() {
		HttpApiClient http = new HttpApiClient(this.port);
		Answer events = http.call("POST", "/api/inngest/e/evt-key-example", null,
				"{\"name\": \"test/x\", \"data\": {\"pad\": \"" + "p".repeat(5000) + "\"}}");
		assertThat(events.status()).as(events.toString()).isEqualTo(413);
		assertThat(events.json().get("error").asString()).contains("inngest.limits.request-size");
		Answer cancellation = http.call("POST", "/api/actuator/inngest/cancellations", null,
				"{\"name\": \"" + "n".repeat(5000) + "\"}");
		assertThat(cancellation.status()).as(cancellation.toString()).isEqualTo(413);
	}

	@Test
	void theDashboardLinksToItselfAndReadsTheEndpointUnderTheServletPath() {
		HttpApiClient http = new HttpApiClient(this.port);
		Answer redirect = http.send("GET", "/api/inngest/dashboard", List.of(), BodyPublishers.noBody());
		assertThat(redirect.status()).isEqualTo(308);
		assertThat(redirect.header("Location")).isEqualTo("/api/inngest/dashboard/");
		Answer config = http.send("GET", "/api/inngest/dashboard/config.json", List.of(), BodyPublishers.noBody());
		assertThat(config.status()).isEqualTo(200);
		assertThat(config.json().get("endpoint").asString()).isEqualTo("/api/actuator/inngest");
		assertThat(http.call("GET", "/api/actuator/inngest/runs", null, null).status()).isEqualTo(200);
	}

}
