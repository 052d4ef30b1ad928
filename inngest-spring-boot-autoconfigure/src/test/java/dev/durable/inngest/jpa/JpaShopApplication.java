package dev.durable.inngest.jpa;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import jakarta.persistence.EntityManager;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

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

	/**
	 * The function that each placed order starts.
	 */
	public static class PurchaseConfirmation {

		@InngestFunction(id = "confirm-purchase", event = "shop/purchase.placed")
		public String confirm(Step step) {
			return step.run("confirm", String.class, () -> "confirmed");
		}

	}

}
