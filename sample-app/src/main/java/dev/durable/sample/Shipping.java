package dev.durable.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Ships orders.
 */
@Component
public class Shipping {

	private static final Log logger = LogFactory.getLog(Shipping.class);

	public String ship(OrderPlaced order) {
		String tracking = "TRK-" + order.orderId().toUpperCase();
		logger.info("[" + order.orderId() + "] shipped, tracking number " + tracking);
		return tracking;
	}

}
