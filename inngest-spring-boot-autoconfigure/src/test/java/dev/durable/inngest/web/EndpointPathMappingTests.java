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
 * The {@code inngest} endpoint moved by Actuator's base path and path mapping: the
 * dashboard reads it where it is, and the request limits guard it there.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.base-path=/manage/",
				"management.endpoints.web.path-mapping.inngest=ops",
				"management.endpoints.web.exposure.include=inngest", "management.endpoint.inngest.access=unrestricted",
				"inngest.dashboard.enabled=true", "inngest.limits.request-size=4KB" })
class EndpointPathMappingTests {

	@LocalServerPort
	int port;

	@Test
	void theDashboardReadsTheEndpointWhereItIsMapped() {
		HttpApiClient http = new HttpApiClient(this.port);
		Answer config = http.send("GET", "/inngest/dashboard/config.json", List.of(), BodyPublishers.noBody());
		assertThat(config.status()).isEqualTo(200);
		assertThat(config.json().get("endpoint").asString()).isEqualTo("/manage/ops");
		assertThat(http.call("GET", "/manage/ops/runs", null, null).status()).isEqualTo(200);
	}

	@Test
	void theRequestLimitsGuardTheEndpointWhereItIsMapped() {
		Answer large = new HttpApiClient(this.port).call("POST", "/manage/ops/cancellations", null,
				"{\"name\": \"" + "n".repeat(5000) + "\"}");
		assertThat(large.status()).as(large.toString()).isEqualTo(413);
		assertThat(large.json().get("error").asString()).contains("inngest.limits.request-size");
		Answer array = new HttpApiClient(this.port).call("POST", "/manage/ops/cancellations", null, "[1]");
		assertThat(array.status()).as(array.toString()).isEqualTo(400);
		assertThat(array.json().get("error").asString()).isEqualTo("The body must be a JSON object");
	}

}
