package dev.durable.sample;

import java.util.Map;
import java.util.Optional;

import dev.durable.inngest.CancelOn;
import dev.durable.inngest.Event;
import dev.durable.inngest.EventData;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.WaitForEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * The order workflow: reserve stock, wait for a manager's approval when the order is
 * large, charge the payment method, wait a cool-off period, ship, and announce the
 * shipment. Each step is durable: when the payment provider is down the charge is retried
 * without reserving the stock again; when the payment is declined the reservation is
 * rolled back.
 */
@Component
public class OrderWorkflow {

	private static final Log logger = LogFactory.getLog(OrderWorkflow.class);

	private final Inventory inventory;

	private final PaymentProvider payments;

	private final Shipping shipping;

	private final ShopProperties shop;

	public OrderWorkflow(Inventory inventory, PaymentProvider payments, Shipping shipping, ShopProperties shop) {
		this.inventory = inventory;
		this.payments = payments;
		this.shipping = shipping;
		this.shop = shop;
	}

	@InngestFunction(id = "process-order", name = "Process an order", event = "shop/order.placed")
	@Retries(4)
	@CancelOn(event = "shop/order.cancelled", match = "data.orderId")
	public Map<String, Object> process(@EventData OrderPlaced order, Step step) {
		step.run("reserve-stock", String.class, () -> this.inventory.reserve(order));
		if (order.amount() > this.shop.approvalThreshold()) {
			// Approved before it is charged, so that an order refused costs no refund.
			// Code outside steps runs again on every replay, so the log lines are steps
			// too.
			step.run("log-approval-request",
					() -> logger.info("[" + order.orderId() + "] waiting for a manager's approval"));
			Optional<Event> approval = step.waitForEvent("manager-approval",
					WaitForEvent.event("shop/order.approved")
						.match("data.orderId")
						.timeout(this.shop.approvalTimeout()));
			if (approval.isEmpty()) {
				step.run("release-stock-unapproved", () -> this.inventory.release(order));
				throw new NonRetriableException("Order " + order.orderId() + " was not approved in time");
			}
			step.run("log-approval",
					() -> logger.info("[" + order.orderId() + "] approved by " + approval.get().data().get("by")));
		}
		String charge;
		try {
			charge = step.run("charge-payment", String.class, () -> this.payments.charge(order));
		}
		catch (StepFailedException ex) {
			// The saga's compensation: undo the reservation, then fail the run.
			step.run("release-stock", () -> this.inventory.release(order));
			throw ex;
		}
		step.sleep("cool-off", this.shop.coolOff());
		String tracking = step.run("ship", String.class, () -> this.shipping.ship(order));
		step.sendEvent("announce-shipment",
				Event.of("shop/order.shipped", Map.of("orderId", order.orderId(), "tracking", tracking)));
		return Map.of("orderId", order.orderId(), "charge", charge, "tracking", tracking);
	}

	/**
	 * Runs once per order whose workflow failed for good, as a durable run of its own.
	 */
	@OnFailure(function = "process-order")
	public void orderFailed(FailureContext failure, Step step) {
		Object orderId = failure.originalEvent().data().get("orderId");
		step.run("notify-support", () -> logger.warn("[" + orderId + "] order workflow failed (run " + failure.runId()
				+ "): " + failure.error().message() + "; support has been notified"));
	}

	/**
	 * Cleans up after a cancelled order: runs once per cancelled run of
	 * {@code process-order}, whatever cancelled it, with the original order at
	 * {@code event.data.event}. A cancellation stops a run before its next step, so one
	 * that arrives once the order has shipped can still cancel the run before it ends:
	 * the goods are then on their way, and the charge stands.
	 */
	@InngestFunction(id = "clean-up-cancelled-order", name = "Clean up a cancelled order",
			event = FunctionCancelledEvent.NAME, condition = "event.data.function_id == 'order-service-process-order'")
	public void cleanUpCancelledOrder(Event cancelled, Step step) {
		OrderPlaced order = FunctionCancelledEvent.of(cancelled).originalEvent().data(OrderPlaced.class);
		// In a step, as code outside steps runs again on every replay and the answer
		// must not change between them.
		boolean shipped = step.run("check-shipment", Boolean.class, () -> this.shipping.isShipped(order.orderId()));
		if (shipped) {
			step.run("log-cancelled-after-shipment", () -> logger
				.info("[" + order.orderId() + "] cancelled after it shipped: the charge and the shipment stand"));
			return;
		}
		step.run("release-stock", () -> this.inventory.release(order));
		step.run("refund", () -> this.payments.refundIfCharged(order));
	}

	@InngestFunction(id = "email-shipment", name = "Email the shipment", event = "shop/order.shipped")
	public void emailShipment(Event shipped, Step step) {
		step.run("send-email", () -> logger
			.info("[" + shipped.data().get("orderId") + "] emailed tracking number " + shipped.data().get("tracking")));
	}

}
