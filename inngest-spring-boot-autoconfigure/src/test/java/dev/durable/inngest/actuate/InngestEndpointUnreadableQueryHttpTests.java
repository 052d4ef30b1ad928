package dev.durable.inngest.actuate;

import java.net.http.HttpRequest.BodyPublishers;
import java.time.Instant;
import java.util.List;
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
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code inngest} Actuator endpoint over real HTTP, under a servlet path, at a base
 * path and at a path of its own, refusing a query string the servlet container cannot
 * read with an error that names it, in every operation, while other endpoints answer as
 * Spring Boot does.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=inngest,health", "spring.mvc.servlet.path=/api",
				"management.endpoints.web.base-path=/manage", "management.endpoints.web.path-mapping.inngest=durable",
				"management.endpoint.inngest.access=unrestricted" })
class InngestEndpointUnreadableQueryHttpTests {

	private static final String REFUSAL = "The query string cannot be read as parameters: '=x'";

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	private HttpApiClient http;

	@BeforeEach
	void client() {
		this.http = new HttpApiClient(this.port);
	}

	@Test
	void everyOperationRefusesAnUnreadableQueryNamingItAndChangesNothing(CapturedOutput output) {
		String runId = this.probe.startSleepingReminder(this.inngest, UUID.randomUUID().toString());
		int cancellations = this.runs.cancellations(100, null).size();
		String bulk = "{\"functionId\": \"reminder\", \"startedAfter\": \"%s\", \"startedBefore\": \"%s\"}"
			.formatted(Instant.now().minusSeconds(60), Instant.now());
		int logged = output.getOut().length();
		List<String[]> requests = List.of(new String[] { "GET", "/api/manage/durable?=x", null },
				new String[] { "GET", "/api/manage/durable/runs?=x", null },
				new String[] { "GET", "/api/manage/durable/stats?=x", null },
				new String[] { "GET", "/api/manage/durable/runs/" + runId + "?=x", null },
				new String[] { "GET", "/api/manage/durable/runs/" + runId + "/timeline?=x", null },
				new String[] { "DELETE", "/api/manage/durable/runs/" + runId + "?=x", null },
				new String[] { "POST", "/api/manage/durable/cancellations?=x", bulk },
				new String[] { "POST", "/api/manage/durable/runs/" + runId + "/rerun?=x", "{}" });
		for (String[] request : requests) {
			Answer answer = this.http.call(request[0], request[1], null, request[2]);
			assertThat(answer.status()).as(request[0] + " " + request[1] + ": " + answer).isEqualTo(400);
			assertThat(answer.json().get("error").asString()).as(request[1]).isEqualTo(REFUSAL);
			assertThat(answer.json().get("status").asInt()).isEqualTo(400);
		}
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
		assertThat(this.runs.cancellations(100, null)).hasSize(cancellations);
		assertThat(output.getOut().substring(logged)).doesNotContain("InvalidParameterException")
			.doesNotContain(" ERROR ");
	}

	@Test
	void aReadableQueryIsAnsweredAsBefore() {
		String runId = this.probe.startSleepingReminder(this.inngest, UUID.randomUUID().toString());
		Answer page = this.http.call("GET", "/api/manage/durable/runs?function=reminder&status=SLEEPING&limit=100",
				null, null);
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.json().get("runs").valueStream().map((run) -> run.get("id").asString())).contains(runId);
		Answer refused = this.http.call("GET", "/api/manage/durable/runs?limit=0", null, null);
		assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
		assertThat(refused.json().get("error").asString()).startsWith("limit is 0");
	}

	@Test
	void otherEndpointsAnswerAnUnreadableQueryAsSpringBootDoes() {
		assertThat(this.http.call("GET", "/api/manage/health", null, null).status()).isEqualTo(200);
		Answer health = this.http.send("GET", "/api/manage/health?=x", List.of(), BodyPublishers.noBody());
		assertThat(health.status()).as(health.toString()).isEqualTo(400);
		assertThat(health.body()).doesNotContain("query string");
		// Not where the endpoint was moved from.
		Answer unmapped = this.http.send("GET", "/api/actuator/inngest/runs?=x", List.of(), BodyPublishers.noBody());
		assertThat(unmapped.status()).as(unmapped.toString()).isEqualTo(404);
	}

}
