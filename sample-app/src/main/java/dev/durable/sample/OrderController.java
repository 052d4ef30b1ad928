package dev.durable.sample;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Places and approves orders by sending events.
 */
@RestController
@RequestMapping("/orders")
public class OrderController {

	private final InngestClient inngest;

	public OrderController(InngestClient inngest) {
		this.inngest = inngest;
	}

	/**
	 * An order as posted.
	 *
	 * @param sku the product
	 * @param quantity how many
	 * @param amount the total in cents
	 * @param card the card to charge
	 */
	public record NewOrder(String sku, int quantity, long amount, String card) {
	}

	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	public Map<String, Object> place(@RequestBody NewOrder order) {
		String orderId = "o-" + UUID.randomUUID().toString().substring(0, 8);
		List<String> ids = this.inngest.send(Event.of("shop/order.placed",
				new OrderPlaced(orderId, order.sku(), order.quantity(), order.amount(), order.card())));
		return Map.of("orderId", orderId, "eventId", ids.get(0));
	}

	@DeleteMapping("/{orderId}")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public Map<String, Object> cancel(@PathVariable String orderId) {
		List<String> ids = this.inngest.send(Event.of("shop/order.cancelled", Map.of("orderId", orderId)));
		return Map.of("orderId", orderId, "eventId", ids.get(0));
	}

	@PostMapping("/{orderId}/approval")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public Map<String, Object> approve(@PathVariable String orderId, @RequestBody Map<String, String> approval) {
		List<String> ids = this.inngest.send(Event.of("shop/order.approved",
				Map.of("orderId", orderId, "by", approval.getOrDefault("by", "a manager"))));
		return Map.of("orderId", orderId, "eventId", ids.get(0));
	}

}
