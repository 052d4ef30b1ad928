package dev.durable.inngest.actuate;

import java.time.Instant;
import java.util.UUID;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code inngest} Actuator endpoint over real HTTP as it is by default once exposed:
 * read-only, and with the values runs carry hidden.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=inngest,health")
class InngestEndpointDefaultsHttpTests {

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	private HttpApiClient http;

	private final String key = UUID.randomUUID().toString();

	@BeforeEach
	void client() {
		this.http = new HttpApiClient(this.port);
	}

	@Test
	void aRunCannotBeCancelledAndStaysAsItWas() {
		String runId = this.probe.startSleepingReminder(this.inngest, this.key);
		Answer answer = this.http.call("DELETE", "/actuator/inngest/runs/" + runId, null, null);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(405);
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
	}

	@Test
	void noBulkCancellationCanBeStarted() {
		String runId = this.probe.startSleepingReminder(this.inngest, this.key);
		int cancellations = this.runs.cancellations(100, null).size();
		String body = "{\"functionId\": \"reminder\", \"startedAfter\": \"%s\", \"startedBefore\": \"%s\"}"
			.formatted(Instant.now().minusSeconds(60), Instant.now());
		Answer answer = this.http.call("POST", "/actuator/inngest/cancellations", null, body);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(405);
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(this.runs.cancellations(100, null)).hasSize(cancellations);
	}

	@Test
	void aRunIsReadWithoutTheValuesItCarries() {
		String runId = this.probe.startSleepingReminder(this.inngest, this.key);
		Answer answer = this.http.call("GET", "/actuator/inngest/runs/" + runId, null, null);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		JsonNode detail = answer.json();
		assertThat(detail.at("/run/id").asString()).isEqualTo(runId);
		assertThat(detail.at("/run/event/name").asString()).isEqualTo("test/reminder.created");
		assertThat(detail.at("/run/event/data").asString()).isEqualTo("******");
		assertThat(detail.at("/run/status").asString()).isEqualTo("SLEEPING");
		assertThat(detail.get("steps").valueStream().map((s) -> s.get("key").asString())).contains("before", "nap");
		assertThat(answer.toString()).doesNotContain(this.key);
	}

	@Test
	void aPageOfRunsShowsNoValueTheyCarry() {
		String runId = this.probe.startSleepingReminder(this.inngest, this.key);
		Answer answer = this.http.call("GET", "/actuator/inngest/runs?function=reminder&limit=100", null, null);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().get("runs").valueStream().map((r) -> r.get("id").asString())).contains(runId);
		assertThat(answer.toString()).doesNotContain(this.key);
	}

}
