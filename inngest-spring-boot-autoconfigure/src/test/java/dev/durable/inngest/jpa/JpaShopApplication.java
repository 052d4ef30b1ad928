package dev.durable.inngest.jpa;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import jakarta.persistence.EntityManager;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.annotation.Transactional;

/**
 * An application that keeps its own data with JPA (Hibernate, Spring Data JPA's starter)
 * on the database the engine uses.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class JpaShopApplication {

	@Bean
	Purchases purchases(EntityManager entityManager, InngestClient inngest) {
		return new Purchases(entityManager, inngest);
	}

	@Bean
	PurchaseConfirmation purchaseConfirmation() {
		return new PurchaseConfirmation();
	}

	@Bean
	Packing packing(EntityManager entityManager) {
		return new Packing(entityManager);
	}

	@Bean
	PurchaseShipping purchaseShipping(Packing packing) {
		return new PurchaseShipping(packing);
	}

	/**
	 * The function that each placed order starts.
	 */
	public static class PurchaseConfirmation {

		@InngestFunction(id = "confirm-purchase", event = "shop/purchase.placed")
		public String confirm(Step step) {
			return step.run("confirm", String.class, () -> "confirmed");
		}

	}

	/**
	 * A service whose method writes with JPA in a transaction of its own.
	 */
	public static class Packing {

		private final Map<String, AtomicInteger> packed = new ConcurrentHashMap<>();

		private final EntityManager entityManager;

		Packing(EntityManager entityManager) {
			this.entityManager = entityManager;
		}

		@Transactional
		public void pack(String orderId) {
			this.packed.computeIfAbsent(orderId, (id) -> new AtomicInteger()).incrementAndGet();
			this.entityManager.persist(new PurchaseOrder("packed-" + orderId, 1));
		}

		/**
		 * How many times an order was packed.
		 * @param orderId the order
		 * @return the times
		 */
		public int timesPacked(String orderId) {
			AtomicInteger times = this.packed.get(orderId);
			return (times != null) ? times.get() : 0;
		}

	}

	/**
	 * A function whose step calls the transactional service, with a sleep after it, as
	 * the documentation has a function make a step transactional.
	 */
	public static class PurchaseShipping {

		private final Packing packing;

		PurchaseShipping(Packing packing) {
			this.packing = packing;
		}

		@InngestFunction(id = "ship-purchase", event = "shop/purchase.paid")
		public String ship(Event event, Step step) {
			String orderId = (String) event.data().get("orderId");
			step.run("pack", Void.class, () -> {
				this.packing.pack(orderId);
				return null;
			});
			step.sleep("cool-off", Duration.ofMillis(500));
			return step.run("ship", String.class, () -> "shipped");
		}

	}

}
