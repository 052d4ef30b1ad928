package dev.durable.sample;

import java.time.Duration;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventData;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Places three demo orders at start-up so that a newcomer sees runs in the log: one that
 * is charged once the payment provider's outage is over (its first two calls for each
 * order fail: {@link PaymentProvider}), one whose payment is declined and is rolled back,
 * and a large one that waits for approval, which a demo manager (itself a durable
 * function) gives after a durable sleep. Each order's event has a fixed id, which makes
 * it idempotent for 24 hours, Inngest's deduplication window of event ids: on a database
 * that has them from a start within the last day, sending them again starts no run, and
 * nothing ships twice; a start after that places them afresh.
 */
@Component
@ConditionalOnBooleanProperty("shop.demo-orders")
public class DemoOrders implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(DemoOrders.class);

	private final InngestClient inngest;

	public DemoOrders(InngestClient inngest) {
		this.inngest = inngest;
	}

	@Override
	public void run(ApplicationArguments args) {
		logger.info("Placing demo orders: o-demo-1 (the payment provider fails its first two calls, and the "
				+ "charge recovers by being retried), o-demo-2 (declined payment, rolled back), o-demo-3 (large, "
				+ "waits for approval, then charged as o-demo-1); once a day, on a database that keeps them");
		this.inngest.send(order(new OrderPlaced("o-demo-1", "mug", 2, 2400, PaymentProvider.VISA)),
				order(new OrderPlaced("o-demo-2", "lamp", 1, 8900, PaymentProvider.DECLINED)),
				order(new OrderPlaced("o-demo-3", "sofa", 1, 129900, PaymentProvider.VISA)));
	}

	/**
	 * The event of a demo order, with the order's id in its own: a second one within 24
	 * hours is accepted but starts no run.
	 */
	static Event order(OrderPlaced order) {
		return Event.of("shop/order.placed", order).withId("demo-order-" + order.orderId());
	}

	@InngestFunction(id = "demo-manager", name = "Demo manager approves large demo orders", event = "shop/order.placed",
			condition = "event.data.orderId.startsWith('o-demo-') && event.data.amount > 100000")
	public void approveLater(@EventData OrderPlaced order, Step step) {
		step.sleep("think-it-over", Duration.ofSeconds(8));
		step.sendEvent("approve",
				Event.of("shop/order.approved", Map.of("orderId", order.orderId(), "by", "the demo manager")));
	}

}
