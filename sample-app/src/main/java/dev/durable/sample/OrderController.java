package dev.durable.sample;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;

import tools.jackson.core.JacksonException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

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
	 * @param quantity how many, at least 1
	 * @param amount the total in cents, at least 1
	 * @param paymentMethod the payment provider's token for the customer's card, never a
	 * card number
	 */
	public record NewOrder(String sku, Integer quantity, Long amount, String paymentMethod) {

		/**
		 * What is wrong with the order, naming the field, or {@code null} if nothing is.
		 * @return the problem
		 */
		String problem() {
			if (!StringUtils.hasText(this.sku)) {
				return "sku is required: the product to order, e.g. \"mug\"";
			}
			if (this.quantity == null || this.quantity < 1) {
				return "quantity must be at least 1, but was " + this.quantity;
			}
			if (this.amount == null || this.amount < 1) {
				return "amount must be at least 1 (the total in cents), but was " + this.amount;
			}
			if (!StringUtils.hasText(this.paymentMethod)) {
				return "paymentMethod is required: the payment provider's token for the card, e.g. \"pm_card_visa\"";
			}
			return null;
		}

	}

	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	public Map<String, Object> place(@RequestBody NewOrder order) {
		String problem = order.problem();
		if (problem != null) {
			// Refused before any event is sent: nothing starts.
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, problem);
		}
		String orderId = "o-" + UUID.randomUUID().toString().substring(0, 8);
		List<String> ids = this.inngest.send(Event.of("shop/order.placed",
				new OrderPlaced(orderId, order.sku(), order.quantity(), order.amount(), order.paymentMethod())));
		return Map.of("orderId", orderId, "eventId", ids.get(0));
	}

	/**
	 * A body that does not bind, such as a quantity that is not a whole number, refused
	 * naming the field rather than as "Failed to read request".
	 * @param ex why the body could not be read
	 * @return the problem
	 */
	@ExceptionHandler(HttpMessageNotReadableException.class)
	ProblemDetail unreadable(HttpMessageNotReadableException ex, HttpServletRequest request) {
		if (request.getRequestURI().endsWith("/approval")) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"The body is not a valid approval: send JSON such as {\"by\":\"ana\"}");
		}
		String detail = "The body is not a valid order: send JSON such as {\"sku\":\"mug\",\"quantity\":1,"
				+ "\"amount\":2400,\"paymentMethod\":\"pm_card_visa\"}";
		// A value of the wrong type, or a number too large for its field.
		if (ex.getMostSpecificCause() instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
			String field = jackson.getPath().get(jackson.getPath().size() - 1).getPropertyName();
			detail = field + " has the wrong type: " + expected(field);
		}
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
	}

	private static String expected(String field) {
		return switch (String.valueOf(field)) {
			case "quantity" -> "a whole number of at least 1";
			case "amount" -> "a whole number of cents of at least 1";
			default -> "a string";
		};
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
