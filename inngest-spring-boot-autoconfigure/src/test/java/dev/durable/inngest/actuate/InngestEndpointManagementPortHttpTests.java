package dev.durable.inngest.actuate;

import java.util.UUID;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code inngest} Actuator endpoint over real HTTP on a management port of its own,
 * where Actuator serves it from a context of its own.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "management.endpoints.web.exposure.include=inngest,health",
				"management.endpoint.inngest.access=unrestricted", "inngest.limits.request-size=4KB" })
class InngestEndpointManagementPortHttpTests {

	@LocalManagementPort
	int managementPort;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Test
	void anUnreadableQueryIsRefusedWithAnErrorNamingItAndAReadableOneAnswered() {
		HttpApiClient http = new HttpApiClient(this.managementPort);
		String runId = this.probe.startSleepingReminder(this.inngest, UUID.randomUUID().toString());
		Answer refused = http.call("GET", "/actuator/inngest/runs/" + runId + "?limit=2&=", null, null);
		assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
		assertThat(refused.json().get("error").asString())
			.isEqualTo("The query string cannot be read as parameters: 'limit=2&='");
		Answer nul = http.call("GET", "/actuator/inngest/runs?function=remin%00der", null, null);
		assertThat(nul.status()).as(nul.toString()).isEqualTo(400);
		assertThat(nul.json().get("error").asString())
			.isEqualTo("The query string has a NUL character (%00), which no parameter here may hold");
		Answer page = http.call("GET", "/actuator/inngest/runs?function=reminder&limit=100", null, null);
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.json().get("runs").valueStream().map((run) -> run.get("id").asString())).contains(runId);
	}

	@Test
	void aBulkCancellationWithAFieldItDoesNotTakeOrTooLargeABodyIsRefusedAndRecordsNothing() {
		HttpApiClient http = new HttpApiClient(this.managementPort);
		int before = this.probe.count("inngest_cancellation");
		Answer mistyped = http.call("POST", "/actuator/inngest/cancellations", null,
				"{\"functionId\": \"reminder\", \"startedAfter\": \"2026-01-01T00:00:00Z\", "
						+ "\"startedBefore\": \"2026-01-02T00:00:00Z\", \"if\": \"event.data.x == 1\"}");
		assertThat(mistyped.status()).as(mistyped.toString()).isEqualTo(400);
		assertThat(mistyped.json().get("error").asString()).startsWith("Unknown field 'if'; the fields are ");
		Answer large = http.call("POST", "/actuator/inngest/cancellations", null,
				"{\"name\": \"" + "n".repeat(5000) + "\"}");
		assertThat(large.status()).as(large.toString()).isEqualTo(413);
		assertThat(large.json().get("error").asString()).contains("(inngest.limits.request-size)");
		assertThat(this.probe.count("inngest_cancellation")).isEqualTo(before);
	}

}
