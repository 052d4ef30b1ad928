package dev.durable.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * The stock of the shop, in memory.
 */
@Component
public class Inventory {

	private static final Log logger = LogFactory.getLog(Inventory.class);

	private final Map<String, String> reservations = new ConcurrentHashMap<>();

	public String reserve(OrderPlaced order) {
		String reservation = "res-" + order.orderId();
		this.reservations.put(order.orderId(), reservation);
		logger.info("[" + order.orderId() + "] reserved " + order.quantity() + " x " + order.sku());
		return reservation;
	}

	public void release(OrderPlaced order) {
		this.reservations.remove(order.orderId());
		logger.info("[" + order.orderId() + "] released the stock reservation");
	}

	public boolean isReserved(String orderId) {
		return this.reservations.containsKey(orderId);
	}

}
