package dev.durable.inngest.remote;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.function.Expression;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.function.Invocation;
import dev.durable.inngest.remote.FunctionConfigs.FunctionConfig;
import dev.durable.inngest.remote.FunctionConfigs.Trigger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The functions that publish {@link FunctionFailedEvent} and
 * {@link FunctionCancelledEvent} in remote mode: synced with the right triggers, and
 * publishing to the application's listeners when the platform calls them.
 */
class SystemEventFunctionsTests {

	private static final String URL = "https://shop.example/api/inngest";

	private AnnotationConfigApplicationContext context;

	private SystemEventFunctions functions;

	private FunctionRegistry shop;

	@BeforeEach
	void setUp() {
		this.context = new AnnotationConfigApplicationContext(Listeners.class);
		this.functions = new SystemEventFunctions("shop", this.context, TransactionOperations.withoutTransaction());
		this.shop = FunctionConfigsReferenceTests.registry(new FunctionConfigsReferenceTests.ShopFunctions());
	}

	@AfterEach
	void close() {
		this.context.close();
	}

	private Map<String, FunctionConfig> configs() {
		Map<String, FunctionConfig> byId = new java.util.LinkedHashMap<>();
		FunctionConfigs.of("shop", URL, this.functions.withSystemFunctions(this.shop))
			.forEach((config) -> byId.put(config.id(), config));
		return byId;
	}

	@Test
	void theFailedEventsOfTheApplicationsFunctionsTriggerTheFailedFunction() {
		FunctionConfig config = configs().get("shop-" + SystemEventFunctions.FAILED_ID);
		assertThat(config.triggers()).containsExactly(new Trigger(FunctionFailedEvent.NAME,
				"event.data.function_id in ['shop-nightly', 'shop-process-order', 'shop-process-order-cancel', "
						+ "'shop-two-events']",
				null));
		assertThat(config.steps().get("step").runtime().url())
			.isEqualTo(URL + "?fnId=shop-" + SystemEventFunctions.FAILED_ID + "&stepId=step");
	}

	@Test
	void theCancelledEventsOfEveryFunctionTriggerTheCancelledFunction() {
		FunctionConfig config = configs().get("shop-" + SystemEventFunctions.CANCELLED_ID);
		assertThat(config.triggers()).containsExactly(new Trigger(FunctionCancelledEvent.NAME,
				"event.data.function_id in ['shop-nightly', 'shop-process-order', 'shop-process-order-cancel', "
						+ "'shop-process-order-failure', 'shop-two-events']",
				null));
	}

	@Test
	void theApplicationsOwnFunctionsAreSyncedAsBefore() {
		assertThat(configs())
			.containsKeys("shop-process-order", "shop-process-order-failure", "shop-process-order-cancel",
					"shop-nightly", "shop-two-events")
			.hasSize(7);
	}

	@Test
	void theExpressionTakesOnlyThisApplicationsFunctions() {
		FunctionDefinition failed = this.functions.definitions(this.shop).get(0);
		assertThat(failed.condition().matches(Expression.toMap(failedEvent("shop-process-order")), null)).isTrue();
		assertThat(failed.condition().matches(Expression.toMap(failedEvent("shop-eu-process-order")), null)).isFalse();
		assertThat(failed.condition().matches(Expression.toMap(failedEvent("shop-process-order-failure")), null))
			.isFalse();
		assertThat(failed.condition()
			.matches(Expression.toMap(failedEvent("shop-" + SystemEventFunctions.FAILED_ID)), null)).isFalse();
	}

	@Test
	void anAppIdWithAQuoteIsEscapedInTheExpression() {
		SystemEventFunctions quoted = new SystemEventFunctions("o'brien", this.context,
				TransactionOperations.withoutTransaction());
		String expression = quoted.expression(List.of("charge"));
		assertThat(expression).isEqualTo("event.data.function_id in ['o\\'brien-charge']");
		assertThat(
				Expression.compile(expression).matches(Map.of("data", Map.of("function_id", "o'brien-charge")), null))
			.isTrue();
	}

	@Test
	void withoutFunctionsNothingIsAdded() {
		assertThat(this.functions.definitions(new FunctionRegistry(List.of()))).isEmpty();
	}

	@Test
	void callingTheFailedFunctionPublishesAFunctionFailedEvent() throws Throwable {
		FunctionDefinition failed = this.functions.definitions(this.shop).get(0);
		Event event = failedEvent("shop-process-order");
		failed.invoker().invoke(new Invocation(event, null, null, null, JsonMapper.shared()));
		Listeners listeners = this.context.getBean(Listeners.class);
		assertThat(listeners.received).singleElement()
			.isInstanceOfSatisfying(FunctionFailedEvent.class, (published) -> {
				assertThat(published.event()).isEqualTo(event);
				assertThat(published.functionId()).isEqualTo("shop-process-order");
				assertThat(published.runId()).isEqualTo("01JRUN");
				assertThat(published.error())
					.isEqualTo(new ErrorInfo("IllegalStateException", "card declined", "at x"));
				assertThat(published.originalEvent().name()).isEqualTo("shop/order.placed");
				assertThat(published.originalEvent().data()).isEqualTo(Map.of("orderId", "o-1"));
				assertThat(published.originalEvent().id()).isEqualTo("order-o-1");
			});
	}

	@Test
	void callingTheCancelledFunctionPublishesAFunctionCancelledEvent() throws Throwable {
		FunctionDefinition cancelled = this.functions.definitions(this.shop).get(1);
		Event event = Event
			.of(FunctionCancelledEvent.NAME, systemData("shop-process-order", FunctionCancelledEvent.ERROR))
			.withId("01JRUN");
		cancelled.invoker().invoke(new Invocation(event, null, null, null, JsonMapper.shared()));
		Listeners listeners = this.context.getBean(Listeners.class);
		assertThat(listeners.received).singleElement()
			.isInstanceOfSatisfying(FunctionCancelledEvent.class, (published) -> {
				assertThat(published.functionId()).isEqualTo("shop-process-order");
				assertThat(published.runId()).isEqualTo("01JRUN");
				assertThat(published.error()).isEqualTo(FunctionCancelledEvent.ERROR);
				assertThat(published.originalEvent().name()).isEqualTo("shop/order.placed");
			});
	}

	@Test
	void anotherApplicationsEventPublishesNothing() {
		this.functions.publishFailed(failedEvent("billing-charge"));
		assertThat(this.context.getBean(Listeners.class).received).isEmpty();
	}

	@Test
	void aListenerThatThrowsIsLoggedAndTheCallSucceeds() {
		this.context.getBean(Listeners.class).fail = true;
		this.functions.publishFailed(failedEvent("shop-process-order"));
		assertThat(this.context.getBean(Listeners.class).received).hasSize(1);
	}

	private static Event failedEvent(String functionId) {
		return Event
			.of(FunctionFailedEvent.NAME,
					systemData(functionId, new ErrorInfo("IllegalStateException", "card declined", "at x")))
			.withId("01JRUN")
			.withTs(1735689600000L);
	}

	/** The data of a system event as the platform sends it. */
	private static Map<String, Object> systemData(String functionId, ErrorInfo error) {
		Map<String, Object> errorData = new java.util.LinkedHashMap<>();
		errorData.put("name", error.name());
		errorData.put("message", error.message());
		if (error.stack() != null) {
			errorData.put("stack", error.stack());
		}
		return Map.of(
				"function_id", functionId, "run_id", "01JRUN", "error", errorData, "event", Map.of("name",
						"shop/order.placed", "data", Map.of("orderId", "o-1"), "id", "order-o-1", "ts", 1735689500000L),
				"_inngest", Map.of("status", "Failed"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<Object> received = new CopyOnWriteArrayList<>();

		volatile boolean fail;

		@EventListener
		void onFailed(FunctionFailedEvent event) {
			this.received.add(event);
			if (this.fail) {
				throw new IllegalStateException("listener failed");
			}
		}

		@EventListener
		void onCancelled(FunctionCancelledEvent event) {
			this.received.add(event);
		}

	}

}
