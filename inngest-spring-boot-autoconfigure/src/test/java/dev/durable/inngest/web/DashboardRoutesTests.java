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
 * The dashboard's routes over real HTTP: what they answer to methods other than GET.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.signing-key=signkey-test-12345678", "inngest.event-key=evt-key-example",
				"management.endpoints.web.exposure.include=inngest", "management.endpoint.inngest.access=unrestricted",
				"inngest.dashboard.enabled=true", "inngest.limits.request-size=64KB", "inngest.limits.event-size=16KB",
				"inngest.limits.events-per-request=10" })
class DashboardRoutesTests {

	@LocalServerPort
	int port;

	@Test
	void thePageAndItsConfigurationAnswerOtherMethodsWith405() {
		HttpApiClient http = new HttpApiClient(this.port);
		for (String path : List.of("/inngest/dashboard", "/inngest/dashboard/", "/inngest/dashboard/config.json")) {
			Answer answer = http.send("POST", path, List.of(), BodyPublishers.noBody());
			assertThat(answer.status()).as(path + ": " + answer).isEqualTo(405);
			assertThat(answer.header("Allow")).isEqualTo("GET, HEAD");
			assertThat(answer.json().get("error").asString())
				.isEqualTo("POST is not allowed on the dashboard at /inngest/dashboard; it takes GET, HEAD");
			assertThat(http.send("GET", path, List.of(), BodyPublishers.noBody()).status()).isIn(200, 308);
		}
	}

	@Test
	void thePageMayNotBeFramedAndAnswersHead() {
		HttpApiClient http = new HttpApiClient(this.port);
		for (String path : List.of("/inngest/dashboard/", "/inngest/dashboard/index.html")) {
			Answer page = http.send("GET", path, List.of(), BodyPublishers.noBody());
			assertThat(page.status()).as(path).isEqualTo(200);
			assertThat(page.header("X-Frame-Options")).as(path).isEqualTo("DENY");
			assertThat(page.header("Content-Security-Policy")).as(path).contains("frame-ancestors 'none'");
		}
		Answer head = http.send("HEAD", "/inngest/dashboard/config.json", List.of(), BodyPublishers.noBody());
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.body()).isEmpty();
	}

	@Test
	void itsScriptAnswersOtherMethodsWith405() {
		Answer answer = new HttpApiClient(this.port).send("DELETE", "/inngest/dashboard/dashboard.js", List.of(),
				BodyPublishers.noBody());
		assertThat(answer.status()).as(answer.toString()).isEqualTo(405);
		assertThat(answer.header("Allow")).contains("GET");
	}

}
