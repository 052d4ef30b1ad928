package dev.durable.inngest.jpa;

import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import jakarta.persistence.EntityManager;

import org.springframework.transaction.annotation.Transactional;

/**
 * A service that saves an order with JPA and sends its event in one transaction, as an
 * application does.
 */
public class Purchases {

	private final EntityManager entityManager;

	private final InngestClient inngest;

	public Purchases(EntityManager entityManager, InngestClient inngest) {
		this.entityManager = entityManager;
		this.inngest = inngest;
	}

	/**
	 * Saves the order and sends {@code shop/purchase.placed} with the id
	 * {@code purchase-<id>}.
	 * @param id the order's id
	 * @param amount its amount
	 * @param failAfterSending whether to throw once both are done, rolling the
	 * transaction back
	 */
	@Transactional
	public void place(String id, long amount, boolean failAfterSending) {
		this.entityManager.persist(new PurchaseOrder(id, amount));
		this.inngest.send(Event.of("shop/purchase.placed", Map.of("orderId", id)).withId("purchase-" + id));
		if (failAfterSending) {
			throw new IllegalStateException("Payment refused for " + id);
		}
	}

}
