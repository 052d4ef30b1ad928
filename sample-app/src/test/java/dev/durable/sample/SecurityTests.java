package dev.durable.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as it ships, over real HTTP: the operator reads and cancels runs through
 * Actuator and the dashboard, nobody else does; health and the order API stay open.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "shop.demo-orders=false", "spring.security.user.password=ops-secret", "shop.cool-off=1h" })
class SecurityTests {

	private static final String OPERATOR = "Basic "
			+ Base64.getEncoder().encodeToString("ops:ops-secret".getBytes(StandardCharsets.UTF_8));

	@LocalServerPort
	int port;

	@Autowired
	InngestRuns runs;

	private final HttpClient http = HttpClient.newHttpClient();

	private HttpResponse<String> call(String method, String path, String authorization, String json)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method,
					(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody())
			.header("Content-Type", "application/json");
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String placeOrder() throws Exception {
		HttpResponse<String> placed = call("POST", "/orders", null,
				"{\"sku\":\"mug\",\"quantity\":1,\"amount\":2400,\"paymentMethod\":\"pm_card_visa\"}");
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
		String orderId = placed.body().replaceAll(".*\"orderId\":\"([^\"]+)\".*", "$1");
		return await()
			.until(() -> this.runs.list(new dev.durable.inngest.RunQuery("process-order", null, null, null, 100, null))
				.runs()
				.stream()
				.filter((run) -> orderId.equals(run.event().data().get("orderId")))
				.map(dev.durable.inngest.RunView::id)
				.findFirst()
				.orElse(null), (id) -> id != null);
	}

	@Test
	void healthAndTheOrderApiNeedNoLogin() throws Exception {
		HttpResponse<String> health = call("GET", "/actuator/health", null, null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).doesNotContain("inngest").doesNotContain("backlog");
		placeOrder();
	}

	@Test
	void operatorsSeeTheHealthDetails() throws Exception {
		HttpResponse<String> health = call("GET", "/actuator/health", OPERATOR, null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"inngest\"").contains("\"backlog\"");
	}

	@Test
	void runsAndTheDashboardAskForTheOperatorsLogin() throws Exception {
		assertThat(call("GET", "/actuator/inngest", null, null).statusCode()).isEqualTo(401);
		assertThat(call("GET", "/actuator/inngest/runs", null, null).statusCode()).isEqualTo(401);
		assertThat(call("GET", "/actuator/metrics", null, null).statusCode()).isEqualTo(401);
		assertThat(call("GET", "/inngest/dashboard/", null, null).statusCode()).isEqualTo(401);
		String wrong = "Basic " + Base64.getEncoder().encodeToString("ops:guess".getBytes(StandardCharsets.UTF_8));
		assertThat(call("GET", "/actuator/inngest", wrong, null).statusCode()).isEqualTo(401);

		assertThat(call("GET", "/actuator/inngest", OPERATOR, null).statusCode()).isEqualTo(200);
		assertThat(call("GET", "/actuator/metrics", OPERATOR, null).statusCode()).isEqualTo(200);
		HttpResponse<String> dashboard = call("GET", "/inngest/dashboard/config.json", OPERATOR, null);
		assertThat(dashboard.statusCode()).isEqualTo(200);
		assertThat(dashboard.body()).contains("\"enabled\":true");
	}

	@Test
	void nobodyButTheOperatorCancelsARun() throws Exception {
		String runId = placeOrder();
		assertThat(call("DELETE", "/actuator/inngest/runs/" + runId, null, null).statusCode()).isEqualTo(401);
		assertThat(this.runs.find(runId).orElseThrow().status().isFinal()).isFalse();

		HttpResponse<String> cancelled = call("DELETE", "/actuator/inngest/runs/" + runId, OPERATOR, null);
		assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void theOperatorReadsWhatARunCarries() throws Exception {
		String runId = placeOrder();
		HttpResponse<String> run = call("GET", "/actuator/inngest/runs/" + runId, OPERATOR, null);
		assertThat(run.statusCode()).isEqualTo(200);
		assertThat(run.body()).contains("\"sku\":\"mug\"").doesNotContain("******");
	}

}
