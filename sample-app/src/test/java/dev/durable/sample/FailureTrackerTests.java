package dev.durable.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure tracker posts each failed run to a real HTTP server, and retries while it
 * is down.
 */
@SpringBootTest(properties = { "shop.demo-orders=false", "inngest.local.backoff.initial=200ms",
		"inngest.local.backoff.max=400ms" })
class FailureTrackerTests {

	static final List<String> received = new CopyOnWriteArrayList<>();

	static final int port = freePort();

	static HttpServer tracker;

	@Autowired
	InngestClient inngest;

	@Autowired
	JdbcClient jdbc;

	@DynamicPropertySource
	static void trackerUrl(DynamicPropertyRegistry registry) {
		registry.add("shop.failure-tracker.url", () -> "http://127.0.0.1:" + port + "/api/v1/events");
	}

	@AfterAll
	static void stopTracker() {
		if (tracker != null) {
			tracker.stop(0);
		}
	}

	@Test
	void failedRunIsForwardedOnceTheTrackerIsUpAgain() throws IOException {
		this.inngest.send(
				Event.of("shop/order.placed", new OrderPlaced("o-tracked", "lamp", 1, 8900, PaymentProvider.DECLINED)));
		await().atMost(Duration.ofSeconds(20)).until(() -> failedAttemptsOfTracker() >= 1);
		assertThat(received).isEmpty();
		tracker = startTracker();
		await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
		String body = received.get(0);
		assertThat(body).contains("\"title\":\"Function order-service-process-order failed\"")
			.contains("Payment method pm_card_chargeDeclined was declined")
			.contains("run_id:")
			.contains("function_id:order-service-process-order");
		await().during(Duration.ofMillis(500)).until(() -> received.size() == 1);
	}

	private int failedAttemptsOfTracker() {
		return this.jdbc
			.sql("SELECT COUNT(*) FROM inngest_attempt a JOIN inngest_run r ON r.id = a.run_id "
					+ "WHERE r.function_id = 'track-failures'")
			.query(Integer.class)
			.single();
	}

	private static HttpServer startTracker() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
		server.createContext("/api/v1/events", (exchange) -> {
			received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			exchange.sendResponseHeaders(202, -1);
			exchange.close();
		});
		server.start();
		return server;
	}

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
