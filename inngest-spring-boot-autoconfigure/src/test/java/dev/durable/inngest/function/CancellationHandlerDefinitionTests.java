package dev.durable.inngest.function;

import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunView;
import dev.durable.inngest.Step;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How an {@link OnCancel} method is read into a function of its own.
 */
class CancellationHandlerDefinitionTests {

	private static FunctionRegistry registry(Object bean) {
		FunctionDiscoverer discoverer = new FunctionDiscoverer();
		discoverer.postProcessAfterInitialization(bean, "orders");
		discoverer.afterSingletonsInstantiated();
		return discoverer.registry();
	}

	@Test
	void handlerIsAFunctionOfItsOwnWithNoTriggerNamedAfterTheFunction() {
		FunctionRegistry registry = registry(new Orders());
		FunctionDefinition handler = registry.find("process-order-cancel").orElseThrow();
		assertThat(handler.name()).isEqualTo("Process order (cancellation handler)");
		assertThat(handler.isCancellationHandler()).isTrue();
		assertThat(handler.isFailureHandler()).isFalse();
		assertThat(handler.handles()).isEqualTo("process-order");
		assertThat(handler.events()).isEmpty();
		assertThat(handler.crons()).isEmpty();
		assertThat(handler.retries()).isEqualTo(FunctionDefinition.FAILURE_HANDLER_RETRIES);
		assertThat(handler.cancellationHandlerId()).isNull();
	}

	@Test
	void functionKnowsBothItsHandlers() {
		FunctionDefinition function = registry(new Orders()).find("process-order").orElseThrow();
		assertThat(function.failureHandlerId()).isEqualTo("process-order-failure");
		assertThat(function.cancellationHandlerId()).isEqualTo("process-order-cancel");
	}

	@Test
	void retriesOfTheHandlerMethodAreItsOwn() {
		assertThat(registry(new RetriedCleanUp()).find("fn-cancel").orElseThrow().retries()).isEqualTo(5);
	}

	@Test
	void handlerReceivesTheCancelledEventWithItsCause() throws Throwable {
		Orders orders = new Orders();
		FunctionDefinition handler = registry(orders).find("process-order-cancel").orElseThrow();
		Event original = new Event("shop/order.placed", Map.of("orderId", "o-1"), Map.of(), "01ORIGINAL", 1, null);
		Event cancelled = Event.of(FunctionCancelledEvent.NAME,
				FunctionCancelledEvent
					.systemEvent(original, "shop-process-order", "01RUN",
							FunctionCancelledEvent.Cause.of(new RunView.Cancellation("event", "Cancelled by event"),
									"01CANCELLING"))
					.data());
		Object result = handler.invoker()
			.invoke(new Invocation(cancelled, null, null, handler.handledRun(cancelled), JsonMapper.shared()));
		assertThat(result).isEqualTo("shop-process-order 01RUN o-1 event 01CANCELLING");
	}

	static class Orders {

		@InngestFunction(id = "process-order", name = "Process order", event = "shop/order.placed")
		String process() {
			return "processed";
		}

		@OnFailure
		void failed(Step step) {
		}

		@OnCancel
		String cancelled(FunctionCancelledEvent cancelled) {
			return cancelled.functionId() + " " + cancelled.runId() + " "
					+ cancelled.originalEvent().data().get("orderId") + " " + cancelled.cause().by() + " "
					+ cancelled.cause().id();
		}

	}

	static class RetriedCleanUp {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnCancel
		@Retries(5)
		void cancelled(Step step) {
		}

	}

}
