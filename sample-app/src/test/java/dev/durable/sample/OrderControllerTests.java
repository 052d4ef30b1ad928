package dev.durable.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orders placed over real HTTP: a good one starts a run, a bad one is refused with what
 * is wrong and sends nothing.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "shop.demo-orders=false")
class OrderControllerTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	private final HttpClient http = HttpClient.newHttpClient();

	private HttpResponse<String> post(String json) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> approve(String json) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/orders/o-unknown/approval"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private long placedEvents() {
		return this.jdbc.sql("SELECT COUNT(*) FROM inngest_event WHERE name = 'shop/order.placed'")
			.query(Long.class)
			.single();
	}

	@Test
	void aGoodOrderIsAcceptedAndSent() throws Exception {
		long before = placedEvents();
		HttpResponse<String> response = post(
				"{\"sku\":\"mug\",\"quantity\":1,\"amount\":2400,\"paymentMethod\":\"pm_card_visa\"}");
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(response.body()).contains("\"orderId\":\"o-").contains("\"eventId\"");
		assertThat(placedEvents()).isEqualTo(before + 1);
	}

	@Test
	void anOrderWithoutAnAmountIsRefusedNamingTheFieldAndNothingIsSent() throws Exception {
		long before = placedEvents();
		HttpResponse<String> response = post("{\"sku\":\"mug\",\"quantity\":1,\"paymentMethod\":\"pm_card_visa\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.body()).contains("amount must be at least 1 (the total in cents), but was null");
		assertThat(placedEvents()).isEqualTo(before);
	}

	@Test
	void anOrderWithAZeroQuantityIsRefusedNamingTheField() throws Exception {
		HttpResponse<String> response = post(
				"{\"sku\":\"mug\",\"quantity\":0,\"amount\":100,\"paymentMethod\":\"pm_card_visa\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("quantity must be at least 1, but was 0");
	}

	@Test
	void aQuantityThatIsNotAWholeNumberIsRefusedNamingTheFieldAndNothingIsSent() throws Exception {
		long before = placedEvents();
		for (String quantity : new String[] { "\"x\"", "1.7", "99999999999" }) {
			HttpResponse<String> response = post("{\"sku\":\"mug\",\"quantity\":" + quantity
					+ ",\"amount\":100,\"paymentMethod\":\"pm_card_visa\"}");
			assertThat(response.statusCode()).as(quantity).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.body()).as(quantity)
				.contains("quantity has the wrong type: a whole number of at least 1");
		}
		assertThat(placedEvents()).isEqualTo(before);
	}

	@Test
	void anApprovalThatIsNotJsonIsRefusedAsAnApproval() throws Exception {
		HttpResponse<String> response = approve("{\"by\":");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("not a valid approval").contains("{\\\"by\\\":\\\"ana\\\"}");
	}

}
