package dev.durable.inngest.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.testsupport.FakeInngestExecutor;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Exchange;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Outcome;
import dev.durable.inngest.testsupport.FakeInngestExecutor.Run;
import dev.durable.inngest.testsupport.FakePlatform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote mode as the platform sees it: an application with real annotated functions, the
 * call handler, the event client and the system functions all configured by the
 * auto-configuration, synced and driven over real HTTP by a fake executor that signs its
 * requests, with a fake API and a fake Event API on their own ports.
 */
@SpringBootTest(classes = RemoteModeEndToEndTests.ShopApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.app-id=shop", "inngest.event-key=evt-key",
				"inngest.signing-key=" + RemoteModeEndToEndTests.SIGNING_KEY, "inngest.sync.on-startup=false",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class RemoteModeEndToEndTests {

	static final String SIGNING_KEY = "signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	static final FakePlatform platform = FakePlatform.start();

	static final FakeEventApi eventApi = startEventApi();

	@LocalServerPort
	int port;

	@Autowired
	Shop shop;

	@Autowired
	Listener listener;

	@DynamicPropertySource
	static void platform(DynamicPropertyRegistry registry) {
		registry.add("inngest.api-base-url", platform::origin);
		registry.add("inngest.event-api-base-url", eventApi::origin);
	}

	@AfterAll
	static void stopFakes() {
		platform.close();
		eventApi.close();
	}

	@BeforeEach
	void forget() {
		this.shop.reset();
		this.listener.received.clear();
	}

	private FakeInngestExecutor executor() {
		FakeInngestExecutor executor = new FakeInngestExecutor("http://localhost:" + this.port + "/api/inngest",
				SigningKey.of(SIGNING_KEY), Clock.systemUTC());
		assertThat(executor.syncInBand().status()).isEqualTo(200);
		return executor;
	}

	@Test
	void theSystemFunctionsAreSyncedAndCountedWithTheApplicationsOwn() {
		FakeInngestExecutor executor = executor();
		assertThat(executor.functions()).containsKeys("shop-checkout", "shop-doomed", "shop-doomed-failure",
				"shop-" + SystemEventFunctions.FAILED_ID, "shop-" + SystemEventFunctions.CANCELLED_ID);
		Exchange introspection = executor.send("GET", "http://localhost:" + this.port + "/api/inngest", new byte[0],
				Map.of());
		assertThat(introspection.json().get("function_count").asInt()).isEqualTo(executor.functions().size());
	}

	@Test
	void aRunCompletesAcrossSeveralCallsWithEachStepExecutedOnce() {
		Run run = executor().run("checkout", Map.of("name", "shop/checkout", "data", Map.of("items", 3)));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.result().get("reserved").asInt()).isEqualTo(3);
		assertThat(run.result().get("charged").asInt()).isEqualTo(30);
		// One call per step, then one that replays both and returns.
		assertThat(run.exchanges()).hasSize(3);
		assertThat(run.steps().get(StepIds.hash("reserve")).toString()).isEqualTo("{\"data\":3}");
		assertThat(this.shop.reserved).hasValue(1);
		assertThat(this.shop.charged).hasValue(1);
		assertThat(run.exchanges()).allSatisfy((exchange) -> {
			assertThat(exchange.header("X-Inngest-SDK")).matches("inngest-spring-boot:v\\d+\\.\\d+\\.\\d+.*");
			assertThat(exchange.header("X-Inngest-Signature")).isNotNull();
		});
	}

	@Test
	void aRunWhoseStateIsTooLargeForTheRequestIsFetchedFromTheApi() {
		int before = platform.payloadRequests().size();
		Run run = executor().overApi(platform)
			.run("checkout", Map.of("name", "shop/checkout", "data", Map.of("items", 2)));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.result().get("charged").asInt()).isEqualTo(20);
		assertThat(this.shop.reserved).hasValue(1);
		List<String> fetched = platform.payloadRequests().subList(before, platform.payloadRequests().size());
		// Each of the three calls fetched both, authorized with the signing key's hashed
		// token.
		assertThat(fetched).hasSize(6)
			.allSatisfy((request) -> assertThat(request).startsWith("/v0/runs/" + run.runId() + "/")
				.contains("Bearer signkey-prod-")
				.doesNotContain(SIGNING_KEY));
	}

	@Test
	void aStepThatFailsIsRetriedAndThenSucceeds() {
		Run run = executor().run("flaky", Map.of("name", "shop/flaky"));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.retries()).isEqualTo(1);
		assertThat(run.ops()).extracting((op) -> op.get("op").asString()).containsExactly("StepError", "StepRun");
		assertThat(run.exchanges().get(0).header("X-Inngest-No-Retry")).isEqualTo("false");
		assertThat(run.result().asString()).isEqualTo("answered on attempt 2");
	}

	@Test
	void aNonRetriableExceptionIsAnswered400WithoutRetry() {
		Run run = executor().run("reject", Map.of("name", "shop/reject"));
		assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(run.exchanges()).singleElement().satisfies((exchange) -> {
			assertThat(exchange.status()).isEqualTo(400);
			assertThat(exchange.header("X-Inngest-No-Retry")).isEqualTo("true");
		});
		assertThat(run.result().get("message").asString()).isEqualTo("no such order");
	}

	@Test
	void aSleepIsReportedAndTheRunGoesOnAfterIt() {
		Run run = executor().run("nap", Map.of("name", "shop/nap"));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.sleeps()).containsExactly("1h30m");
		assertThat(run.result().asString()).isEqualTo("woke");
	}

	@Test
	void aWaitIsAnsweredWithTheEventThatArrived() {
		FakeInngestExecutor executor = executor().answeringWaits((op) -> {
			assertThat(op.get("name").asString()).isEqualTo("shop/paid");
			assertThat(op.at("/opts/if").asString()).isEqualTo("event.data.orderId == async.data.orderId");
			return JsonMapper.shared().valueToTree(Map.of("name", "shop/paid", "data", Map.of("amount", 42)));
		});
		Run run = executor.run("await-payment", Map.of("name", "shop/ordered", "data", Map.of("orderId", "o-1")));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.result().asString()).isEqualTo("paid 42");
	}

	@Test
	void aWaitThatTimesOutGoesOnWithNoEvent() {
		Run run = executor().run("await-payment", Map.of("name", "shop/ordered", "data", Map.of("orderId", "o-2")));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.steps().get(StepIds.hash("paid")).isNull()).isTrue();
		assertThat(run.result().asString()).isEqualTo("timed out");
	}

	@Test
	void aStepThatFailedForGoodIsCompensated() {
		Run run = executor().run("compensate", Map.of("name", "shop/compensate"));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(run.ops()).extracting((op) -> op.get("op").asString()).containsExactly("StepFailed", "StepRun");
		assertThat(run.result().asString()).isEqualTo("refunded after declined");
	}

	@Test
	void theFailureHandlerIsCalledAfterTheRunFailsForGood() {
		FakeInngestExecutor executor = executor();
		Run run = executor.run("doomed", Map.of("name", "shop/doomed", "data", Map.of("orderId", "o-3")));
		assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(run.exchanges()).extracting(Exchange::status).containsExactly(500, 400);
		Map<String, Run> handlers = executor.emitFailed(run);
		assertThat(handlers).containsOnlyKeys("shop-doomed-failure", "shop-" + SystemEventFunctions.FAILED_ID);
		assertThat(handlers.values())
			.allSatisfy((handler) -> assertThat(handler.outcome()).isEqualTo(Outcome.COMPLETED));
		assertThat(this.shop.failures).singleElement().satisfies((failure) -> {
			assertThat(failure.functionId()).isEqualTo("shop-doomed");
			assertThat(failure.runId()).isEqualTo(run.runId());
			assertThat(failure.error().message()).isEqualTo("out of stock");
			assertThat(failure.originalEvent().data()).containsEntry("orderId", "o-3");
		});
	}

	@Test
	void aFunctionFailedEventReachesTheApplicationsListener() {
		FakeInngestExecutor executor = executor();
		Run run = executor.run("reject", Map.of("name", "shop/reject", "data", Map.of("orderId", "o-4")));
		executor.emitFailed(run);
		assertThat(this.listener.received).singleElement()
			.isInstanceOfSatisfying(FunctionFailedEvent.class, (failed) -> {
				assertThat(failed.functionId()).isEqualTo("shop-reject");
				assertThat(failed.runId()).isEqualTo(run.runId());
				assertThat(failed.error().message()).isEqualTo("no such order");
				assertThat(failed.originalEvent().data()).containsEntry("orderId", "o-4");
			});
	}

	@Test
	void aFunctionCancelledEventReachesTheApplicationsListener() {
		Map<String, Run> runs = executor().emitCancelled("shop-nap", "01CANCELLED",
				Map.of("name", "shop/nap", "data", Map.of("orderId", "o-5"), "id", "e-5", "ts", 1));
		assertThat(runs).containsOnlyKeys("shop-" + SystemEventFunctions.CANCELLED_ID);
		assertThat(this.listener.received).singleElement()
			.isInstanceOfSatisfying(FunctionCancelledEvent.class, (cancelled) -> {
				assertThat(cancelled.functionId()).isEqualTo("shop-nap");
				assertThat(cancelled.runId()).isEqualTo("01CANCELLED");
				assertThat(cancelled.originalEvent().data()).containsEntry("orderId", "o-5");
			});
	}

	@Test
	void aSendEventStepPostsToTheEventApi() {
		int before = eventApi.received().size();
		Run run = executor().run("notify", Map.of("name", "shop/ordered", "data", Map.of("orderId", "o-6")));
		assertThat(run.outcome()).isEqualTo(Outcome.COMPLETED);
		List<FakeEventApi.Received> posted = eventApi.received().subList(before, eventApi.received().size());
		assertThat(posted).singleElement().satisfies((request) -> {
			assertThat(request.path()).isEqualTo("/e/evt-key");
			assertThat(request.body().get(0).get("name").asString()).isEqualTo("shop/notified");
			assertThat(request.body().get(0).at("/data/orderId").asString()).isEqualTo("o-6");
		});
		JsonNode ids = run.steps().get(StepIds.hash("notify")).at("/data/ids");
		assertThat(ids.get(0).asString()).startsWith("01PLATFORM");
		assertThat(run.result().get(0).asString()).isEqualTo(ids.get(0).asString());
	}

	private static FakeEventApi startEventApi() {
		try {
			return new FakeEventApi();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ShopApplication {

		@Bean
		Shop shop() {
			return new Shop();
		}

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	/**
	 * The application's functions, counting what their steps execute.
	 */
	static class Shop {

		final AtomicInteger reserved = new AtomicInteger();

		final AtomicInteger charged = new AtomicInteger();

		final AtomicInteger flakyCalls = new AtomicInteger();

		final List<FailureContext> failures = new CopyOnWriteArrayList<>();

		void reset() {
			this.reserved.set(0);
			this.charged.set(0);
			this.flakyCalls.set(0);
			this.failures.clear();
		}

		@InngestFunction(id = "checkout", event = "shop/checkout")
		Map<String, Integer> checkout(Event event, Step step) {
			int items = step.run("reserve", Integer.class, () -> {
				this.reserved.incrementAndGet();
				return ((Number) event.data().get("items")).intValue();
			});
			int amount = step.run("charge", Integer.class, () -> {
				this.charged.incrementAndGet();
				return items * 10;
			});
			return Map.of("reserved", items, "charged", amount);
		}

		@InngestFunction(id = "flaky", event = "shop/flaky")
		@Retries(2)
		String flaky(Step step) {
			return step.run("call", String.class, () -> {
				int call = this.flakyCalls.incrementAndGet();
				if (call == 1) {
					throw new IllegalStateException("gateway timeout");
				}
				return "answered on attempt " + call;
			});
		}

		@InngestFunction(id = "reject", event = "shop/reject")
		String reject() {
			throw new NonRetriableException("no such order");
		}

		@InngestFunction(id = "nap", event = "shop/nap")
		String nap(Step step) {
			step.sleep("nap", Duration.ofMinutes(90));
			return "woke";
		}

		@InngestFunction(id = "await-payment", event = "shop/ordered")
		String awaitPayment(Step step) {
			Optional<Event> paid = step.waitForEvent("paid",
					WaitForEvent.event("shop/paid").match("data.orderId").timeout(Duration.ofHours(1)));
			return paid.map((event) -> "paid " + event.data().get("amount")).orElse("timed out");
		}

		@InngestFunction(id = "compensate", event = "shop/compensate")
		@Retries(0)
		String compensate(Step step) {
			try {
				return step.run("charge", String.class, () -> {
					throw new IllegalStateException("declined");
				});
			}
			catch (StepFailedException ex) {
				return step.run("refund", String.class, () -> "refunded after " + ex.errorMessage());
			}
		}

		@InngestFunction(id = "doomed", event = "shop/doomed")
		@Retries(1)
		String doomed() {
			throw new IllegalStateException("out of stock");
		}

		@OnFailure(function = "doomed")
		void doomedFailed(FailureContext failure) {
			this.failures.add(failure);
		}

		@InngestFunction(id = "notify", event = "shop/ordered")
		List<String> notify(Event event, Step step) {
			return step.sendEvent("notify", Event.of("shop/notified", Map.of("orderId", event.data().get("orderId"))));
		}

	}

	static class Listener {

		final List<Object> received = new CopyOnWriteArrayList<>();

		@EventListener
		void onFailed(FunctionFailedEvent event) {
			this.received.add(event);
		}

		@EventListener
		void onCancelled(FunctionCancelledEvent event) {
			this.received.add(event);
		}

	}

}
