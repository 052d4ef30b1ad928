package dev.durable.sample;

import java.time.Duration;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's order workflow on the real engine and H2.
 */
@SpringBootTest(properties = { "shop.demo-orders=false", "shop.cool-off=100ms", "inngest.local.backoff.initial=50ms",
		"inngest.local.backoff.max=100ms" })
class OrderWorkflowTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	PaymentProvider payments;

	@Autowired
	Inventory inventory;

	private String runStatus(String orderId) {
		return this.jdbc
			.sql("SELECT r.status FROM inngest_run r JOIN inngest_event e ON e.id = r.event_id "
					+ "WHERE r.function_id = 'process-order' AND e.data LIKE ?")
			.param("%\"" + orderId + "\"%")
			.query(String.class)
			.optional()
			.orElse("NONE");
	}

	private void place(String orderId, long amount, String paymentMethod) {
		this.inngest.send(Event.of("shop/order.placed", new OrderPlaced(orderId, "mug", 1, amount, paymentMethod)));
	}

	@Test
	void orderRecoversFromThePaymentOutageAndShips() {
		place("o-outage", 2400, PaymentProvider.VISA);
		await().atMost(Duration.ofSeconds(20)).until(() -> runStatus("o-outage").equals("COMPLETED"));
		assertThat(this.payments.calls("o-outage")).isEqualTo(3);
		assertThat(this.inventory.isReserved("o-outage")).isTrue();
	}

	@Test
	void declinedPaymentRollsTheReservationBackAndFailsTheRun() {
		place("o-declined", 2400, PaymentProvider.DECLINED);
		await().atMost(Duration.ofSeconds(20)).until(() -> runStatus("o-declined").equals("FAILED"));
		assertThat(this.payments.calls("o-declined")).isEqualTo(1);
		assertThat(this.inventory.isReserved("o-declined")).isFalse();
	}

	@Test
	void largeOrderWaitsForApprovalThenShips() {
		place("o-large", 500000, PaymentProvider.VISA);
		await().atMost(Duration.ofSeconds(20)).until(() -> runStatus("o-large").equals("WAITING"));
		this.inngest.send(Event.of("shop/order.approved", Map.of("orderId", "o-large", "by", "test")));
		await().atMost(Duration.ofSeconds(20)).until(() -> runStatus("o-large").equals("COMPLETED"));
	}

	@Test
	void cancelledOrderIsCleanedUpOnce() {
		place("o-cancelled", 500000, PaymentProvider.VISA);
		await().atMost(Duration.ofSeconds(20)).until(() -> runStatus("o-cancelled").equals("WAITING"));
		// Waiting for its approval, it is not charged yet.
		assertThat(this.payments.calls("o-cancelled")).isZero();
		this.inngest.send(Event.of("shop/order.cancelled", Map.of("orderId", "o-cancelled")));
		await().atMost(Duration.ofSeconds(20)).until(() -> runStatus("o-cancelled").equals("CANCELLED"));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> !this.inventory.isReserved("o-cancelled") && !this.payments.isCharged("o-cancelled"));
	}

}
