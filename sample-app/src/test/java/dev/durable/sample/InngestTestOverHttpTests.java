package dev.durable.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An order placed over real HTTP, on a server started by {@code @InngestTest} itself,
 * runs on the test engine with the test's properties.
 */
@InngestTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "shop.demo-orders=false")
class InngestTestOverHttpTests {

	@Autowired
	InngestTestEnvironment inngest;

	@LocalServerPort
	int port;

	@Value("${shop.demo-orders}")
	boolean demoOrders;

	@Test
	void anOrderPlacedOverHttpRunsOnTheTestEngine() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"sku\":\"mug\",\"quantity\":1,\"amount\":2400,\"paymentMethod\":\"pm_card_visa\"}"))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(this.demoOrders).isFalse();
		this.inngest.advance(Duration.ofMinutes(5));
		assertThat(this.inngest.runsOf("process-order")).singleElement()
			.satisfies((run) -> assertThat(run).isCompleted());
	}

}
