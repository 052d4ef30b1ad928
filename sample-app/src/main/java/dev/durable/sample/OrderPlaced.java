package dev.durable.sample;

/**
 * The data of a {@code shop/order.placed} event.
 *
 * @param orderId the order id
 * @param sku the product
 * @param quantity how many
 * @param amount the total in cents
 * @param paymentMethod the payment method to charge: the payment provider's token for the
 * customer's card, which the customer's browser got from the provider, so that the shop
 * never sees, logs or stores a card number
 */
public record OrderPlaced(String orderId, String sku, int quantity, long amount, String paymentMethod) {

}
