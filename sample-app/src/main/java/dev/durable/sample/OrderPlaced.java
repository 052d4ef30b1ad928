package dev.durable.sample;

/**
 * The data of a {@code shop/order.placed} event.
 *
 * @param orderId the order id
 * @param sku the product
 * @param quantity how many
 * @param amount the total in cents
 * @param card the card to charge
 */
public record OrderPlaced(String orderId, String sku, int quantity, long amount, String card) {

}
