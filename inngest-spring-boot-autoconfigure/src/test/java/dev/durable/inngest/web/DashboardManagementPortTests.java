package dev.durable.inngest.web;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;

import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Actuator on a management port of its own, the dashboard is served there, beside
 * the endpoint it reads from the page's origin, and not on the application's port.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "management.endpoints.web.exposure.include=inngest,health",
				"inngest.dashboard.enabled=true" })
class DashboardManagementPortTests {

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void theDashboardIsServedOnTheManagementPortBesideTheEndpoint() {
		HttpApiClient management = new HttpApiClient(this.managementPort);
		Answer page = management.send("GET", "/inngest/dashboard/", List.of(), BodyPublishers.noBody());
		assertThat(page.status()).as(page.body()).isEqualTo(200);
		assertThat(page.body()).contains("dashboard.js");
		Answer config = management.call("GET", "/inngest/dashboard/config.json", null, null);
		assertThat(config.status()).as(config.body()).isEqualTo(200);
		String endpoint = config.json().get("endpoint").asString();
		assertThat(endpoint).isEqualTo("/actuator/inngest");
		assertThat(management.call("GET", endpoint, null, null).status()).isEqualTo(200);
		assertThat(new HttpApiClient(this.port).send("GET", "/inngest/dashboard/", List.of(), BodyPublishers.noBody())
			.status()).isEqualTo(404);
	}

}
