package dev.durable.sample;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Ships orders.
 */
@Component
public class Shipping {

	private static final Log logger = LogFactory.getLog(Shipping.class);

	private final Set<String> shipped = ConcurrentHashMap.newKeySet();

	public String ship(OrderPlaced order) {
		String tracking = "TRK-" + order.orderId().toUpperCase();
		this.shipped.add(order.orderId());
		logger.info("[" + order.orderId() + "] shipped, tracking number " + tracking);
		return tracking;
	}

	public boolean isShipped(String orderId) {
		return this.shipped.contains(orderId);
	}

}
