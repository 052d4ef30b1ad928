package dev.durable.inngest.autoconfigure;

import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventData;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnFailure;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image of an application needs: the starter's resources, and its
 * functions invoked and their data bound by reflection.
 */
class InngestRuntimeHintsTests {

	@Test
	void theStartersResourcesAreIncluded() {
		RuntimeHints hints = new RuntimeHints();
		new InngestRuntimeHints().registerHints(hints, getClass().getClassLoader());
		for (String resource : new String[] { "dev/durable/inngest/local/schema-h2.sql",
				"dev/durable/inngest/local/schema-postgresql.sql", "dev/durable/inngest/remote/outbox-h2.sql",
				"dev/durable/inngest/remote/outbox-postgresql.sql", "dev/durable/inngest/remote/sdk.properties",
				"dev/durable/inngest/dashboard/index.html", "dev/durable/inngest/dashboard/dashboard.js" }) {
			assertThat(getClass().getClassLoader().getResource(resource)).as(resource).isNotNull();
			assertThat(RuntimeHintsPredicates.resource().forResource(resource)).as(resource).accepts(hints);
		}
	}

	@Test
	void functionsAndHandlersAreInvokedAndTheirDataBoundByReflection() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Orders.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Orders.class, "process")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Orders.class, "failed")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Orders.class, "helper")).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(Order.class)
			.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Receipt.class)).accepts(hints);
	}

	record Order(String orderId, long amount) {
	}

	record Receipt(String orderId) {
	}

	static class Orders {

		@InngestFunction(id = "process", event = "shop/order.placed")
		Receipt process(@EventData Order order) {
			return new Receipt(order.orderId());
		}

		@OnFailure(function = "process")
		void failed(FailureContext failure, Event event) {
		}

		Map<String, Object> helper() {
			return Map.of();
		}

	}

}
