package dev.durable.sample;

import java.time.Duration;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order workflow's saga, retries and approval wait, on the engine in memory with a
 * clock that moves only when the test moves it: the cool-off, the back-off and the
 * hour-long approval wait take no real time.
 */
@InngestTest(properties = "shop.demo-orders=false")
class OrderWorkflowFunctionTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	PaymentProvider payments;

	@Autowired
	Inventory inventory;

	@Autowired
	CancellingShipping shipping;

	private String place(String orderId, long amount, String paymentMethod) {
		return this.inngest
			.send(Event.of("shop/order.placed", new OrderPlaced(orderId, "mug", 1, amount, paymentMethod)))
			.runId("process-order");
	}

	@Test
	void chargeIsRetriedThroughThePaymentOutageWithoutReservingTwice() {
		String runId = place("o-outage", 2400, PaymentProvider.VISA);
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.QUEUED).step("charge-payment").hasAttempts(1);
		this.inngest.advance(Duration.ofMinutes(1));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted()
			.hasOutput(Map.of("orderId", "o-outage", "charge", "ch-o-outage", "tracking", "TRK-O-OUTAGE"))
			.step("charge-payment")
			.hasAttempts(3)
			.hasFailedAttempts(2);
		assertThat(this.inngest.run(runId)).step("reserve-stock").hasAttempts(1);
		assertThat(this.payments.calls("o-outage")).isEqualTo(3);
	}

	@Test
	void declinedPaymentRollsTheReservationBack() {
		String runId = place("o-declined", 2400, PaymentProvider.DECLINED);
		assertThat(this.inngest.awaitEnd(runId)).isFailed()
			.hasErrorMessageContaining("was declined")
			.step("release-stock")
			.isCompleted();
		assertThat(this.inventory.isReserved("o-declined")).isFalse();
		assertThat(this.inngest.failedEvents()).singleElement()
			.satisfies((failed) -> assertThat(failed.runId()).isEqualTo(runId));
	}

	@Test
	void chargeThatFailsForGoodRollsTheReservationBackWhateverThePaymentMethod() {
		this.inngest.mockStep("charge-payment").alwaysFails(() -> new NonRetriableException("insufficient funds"));
		String runId = place("o-mocked-decline", 2400, PaymentProvider.VISA);
		assertThat(this.inngest.awaitEnd(runId)).isFailed()
			.hasErrorMessageContaining("insufficient funds")
			.doesNotHaveStep("ship")
			.step("release-stock")
			.isCompleted();
		assertThat(this.payments.calls("o-mocked-decline")).isZero();
		assertThat(this.inventory.isReserved("o-mocked-decline")).isFalse();
	}

	@Test
	void largeOrderShipsOnceApproved() {
		this.inngest.mockStep("charge-payment").returns("ch-large");
		String runId = place("o-large", 500000, PaymentProvider.VISA);
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.WAITING).doesNotHaveStep("ship");
		this.inngest.send(Event.of("shop/order.approved", Map.of("orderId", "o-large", "by", "manager")));
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.SLEEPING);
		this.inngest.advance(Duration.ofSeconds(3));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().step("ship").isCompleted();
		assertThat(this.inngest.events("shop/order.shipped")).singleElement()
			.satisfies((shipped) -> assertThat(shipped.data()).containsEntry("orderId", "o-large"));
	}

	@Test
	void largeOrderNotApprovedWithinTheHourIsReleasedUncharged() {
		String runId = place("o-unapproved", 500000, PaymentProvider.VISA);
		this.inngest.advance(Duration.ofMinutes(59));
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.WAITING);
		this.inngest.advance(Duration.ofMinutes(1));
		assertThat(this.inngest.awaitEnd(runId)).isFailed()
			.hasErrorMessageContaining("not approved in time")
			.doesNotHaveStep("charge-payment")
			.step("release-stock-unapproved")
			.isCompleted();
		assertThat(this.inventory.isReserved("o-unapproved")).isFalse();
		assertThat(this.payments.calls("o-unapproved")).isZero();
	}

	@Test
	void cancelledOrderIsCleanedUp() {
		String runId = place("o-cancelled", 500000, PaymentProvider.VISA);
		this.inngest.advance(Duration.ofMinutes(1));
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.WAITING);
		this.inngest.send(Event.of("shop/order.cancelled", Map.of("orderId", "o-cancelled")));
		assertThat(this.inngest.awaitEnd(runId)).wasCancelledBy("event");
		assertThat(this.inngest.runsOf("clean-up-cancelled-order")).singleElement()
			.satisfies((cleanUp) -> assertThat(cleanUp).isCompleted().step("refund").isCompleted());
		assertThat(this.payments.isCharged("o-cancelled")).isFalse();
		assertThat(this.inventory.isReserved("o-cancelled")).isFalse();
	}

	@Test
	void orderCancelledAsItShipsKeepsItsChargeAndStock() {
		this.shipping.cancelAsItShips = "o-cancelled-late";
		String runId = place("o-cancelled-late", 2400, PaymentProvider.VISA);
		this.inngest.advance(Duration.ofMinutes(1));
		assertThat(this.inngest.awaitEnd(runId)).wasCancelledBy("event")
			.doesNotHaveStep("announce-shipment")
			.step("ship")
			.isCompleted();
		assertThat(this.inngest.runsOf("clean-up-cancelled-order")).singleElement()
			.satisfies((cleanUp) -> assertThat(cleanUp).isCompleted()
				.doesNotHaveStep("refund")
				.doesNotHaveStep("release-stock")
				.step("check-shipment")
				.hasOutput(true));
		assertThat(this.payments.isCharged("o-cancelled-late")).isTrue();
		assertThat(this.inventory.isReserved("o-cancelled-late")).isTrue();
	}

	/**
	 * Shipping whose shipment of one order is cancelled as it ships, the way a customer's
	 * cancellation can arrive while the warehouse ships.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class CancellingShippingConfiguration {

		@Bean
		@Primary
		CancellingShipping cancellingShipping(ObjectProvider<InngestClient> client) {
			return new CancellingShipping(client);
		}

	}

	static class CancellingShipping extends Shipping {

		private final ObjectProvider<InngestClient> client;

		volatile String cancelAsItShips;

		CancellingShipping(ObjectProvider<InngestClient> client) {
			this.client = client;
		}

		@Override
		public String ship(OrderPlaced order) {
			String tracking = super.ship(order);
			if (order.orderId().equals(this.cancelAsItShips)) {
				this.client.getObject().send(Event.of("shop/order.cancelled", Map.of("orderId", order.orderId())));
			}
			return tracking;
		}

	}

}
