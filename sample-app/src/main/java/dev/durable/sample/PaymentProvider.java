package dev.durable.sample;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.NonRetriableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * A payment provider that is down for the first two calls of each order (the run retries
 * and recovers) and declines one test payment method for good (the run rolls back). It
 * charges payment methods by the tokens it gave the customers' browsers, as real
 * providers do, so card numbers never reach the shop.
 */
@Component
public class PaymentProvider {

	/** A payment method the provider always charges. */
	public static final String VISA = "pm_card_visa";

	/** A payment method the provider always declines. */
	public static final String DECLINED = "pm_card_chargeDeclined";

	private static final Log logger = LogFactory.getLog(PaymentProvider.class);

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final Set<String> charged = ConcurrentHashMap.newKeySet();

	public String charge(OrderPlaced order) {
		int call = this.calls.computeIfAbsent(order.orderId(), (id) -> new AtomicInteger()).incrementAndGet();
		if (DECLINED.equals(order.paymentMethod())) {
			logger.info("[" + order.orderId() + "] payment declined");
			throw new NonRetriableException("Payment method " + order.paymentMethod() + " was declined");
		}
		if (call <= 2) {
			logger.info("[" + order.orderId() + "] payment provider unavailable (call " + call + ")");
			throw new IllegalStateException("503 Service Unavailable from the payment provider");
		}
		this.charged.add(order.orderId());
		logger.info("[" + order.orderId() + "] charged " + order.amount() + " cents");
		return "ch-" + order.orderId();
	}

	public void refund(String chargeId) {
		logger.info("refunded " + chargeId);
	}

	/**
	 * Refunds an order if it was charged; refunding twice does nothing more.
	 * @param order the order
	 */
	public void refundIfCharged(OrderPlaced order) {
		if (this.charged.remove(order.orderId())) {
			refund("ch-" + order.orderId());
		}
	}

	public boolean isCharged(String orderId) {
		return this.charged.contains(orderId);
	}

	public int calls(String orderId) {
		AtomicInteger count = this.calls.get(orderId);
		return (count != null) ? count.get() : 0;
	}

}
