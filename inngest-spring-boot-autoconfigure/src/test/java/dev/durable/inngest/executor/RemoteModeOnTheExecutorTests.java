package dev.durable.inngest.executor;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.AppStore.AppRecord;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.testsupport.JsReference;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Remote mode end to end without the Inngest server: an application in remote mode syncs
 * its Java functions to a second application whose engine is their executor, sends its
 * events to that engine's Event API, and is called back on its serve endpoint, signed,
 * for every step, retry and sleep; the failure of one of its runs comes back to it as the
 * platform's {@code inngest/function.failed} and is published to its listeners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteModeOnTheExecutorTests {

	private static final String KEY = "signkey-test-5c2e8a1f9d3b7046e1a2c3d4e5f60718";

	private static final String EVENT_KEY = "shop-event-key";

	private ConfigurableApplicationContext executor;

	private ConfigurableApplicationContext shop;

	private int shopPort;

	@BeforeAll
	void start() throws IOException {
		// As arguments, which win over the tests' application.properties.
		this.executor = new SpringApplicationBuilder(ExecutorApp.class).run(
				"--spring.datasource.url=" + TestDatabases.newUrl("executor-of-remote"), "--server.port=0",
				"--inngest.executor.enabled=true", "--inngest.executor.signing-key=" + KEY,
				"--inngest.event-key=" + EVENT_KEY, "--spring.application.name=executor");
		String origin = "http://127.0.0.1:" + ((WebServerApplicationContext) this.executor).getWebServer().getPort();
		// The origin the shop registers, so known before it starts.
		this.shopPort = JsReference.freePort();
		int shopPort = this.shopPort;
		this.shop = new SpringApplicationBuilder(ShopApp.class).run("--server.port=" + shopPort,
				"--inngest.mode=remote", "--spring.application.name=shop", "--inngest.signing-key=" + KEY,
				"--inngest.event-key=" + EVENT_KEY, "--inngest.api-base-url=" + origin,
				"--inngest.event-api-base-url=" + origin + "/inngest",
				"--inngest.serve-origin=http://127.0.0.1:" + shopPort, "--inngest.outbox.enabled=false",
				"--inngest.sync.initial-interval=100ms");
		FunctionDiscoverer functions = this.executor.getBean(FunctionDiscoverer.class);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> functions.registry().find("shop-order").isPresent()
					&& functions.registry().find("shop-doomed").isPresent());
	}

	@AfterAll
	void stop() {
		if (this.shop != null) {
			this.shop.close();
		}
		if (this.executor != null) {
			this.executor.close();
		}
	}

	@Test
	void aJavaFunctionInRemoteModeRunsOnTheExecutorWithItsRetriesAndSleep() {
		String eventId = this.shop.getBean(InngestClient.class)
			.send(Event.of("shop/order.placed", Map.of("orderId", "o-1")))
			.get(0);
		RunView run = awaitEnded("shop-order");
		assertThat(run.event().id()).isEqualTo(eventId);
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("shipped o-1");
		ShopFunctions shop = this.shop.getBean(ShopFunctions.class);
		assertThat(shop.charges.get()).as("the charge failed once and was retried").isEqualTo(2);
		assertThat(shop.shipments.get()).isOne();
	}

	@Test
	void aFailedRunComesBackToTheRemoteApplicationAsASpringEvent() {
		this.shop.getBean(InngestClient.class).send(Event.of("shop/doomed", Map.of("orderId", "o-2")));
		RunView run = awaitEnded("shop-doomed");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.error().message()).isEqualTo("no such order");
		ShopFunctions shop = this.shop.getBean(ShopFunctions.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> !shop.failures.isEmpty());
		FunctionFailedEvent failed = shop.failures.get(0);
		assertThat(failed.functionId()).isEqualTo("shop-doomed");
		assertThat(failed.runId()).isEqualTo(run.id());
		assertThat(failed.error().message()).isEqualTo("no such order");
		assertThat(failed.originalEvent().data()).containsEntry("orderId", "o-2");
	}

	@Test
	void anInBandSyncGivesTheExecutorTheConfiguredServeOrigin() {
		// Another name of the same host, such as an executor may know an app by.
		URI reached = URI.create("http://localhost:" + this.shopPort + "/api/inngest");
		AppSyncs.Outcome outcome = this.executor.getBean(AppSyncs.class).sync(reached);
		assertThat(outcome.inBand()).isTrue();
		AppRecord app = this.executor.getBean(ServedApps.class).apps().get("shop");
		String served = "http://127.0.0.1:" + this.shopPort + "/api/inngest";
		assertThat(app.url()).isEqualTo(served);
		assertThat(app.functions()).contains(served + "?fnId=shop-order").doesNotContain("localhost");
	}

	private RunView awaitEnded(String functionId) {
		InngestRuns runs = this.executor.getBean(InngestRuns.class);
		RunQuery query = new RunQuery(functionId, null, null, null, 10, null);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> runs.list(query).runs().stream().anyMatch((run) -> run.endedAt() != null));
		return runs.list(query).runs().get(0);
	}

	/** The engine, executor of the apps that sync to it. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ExecutorApp {

	}

	/** An application in remote mode, served to the executor. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ShopApp {

		@Bean
		ShopFunctions shopFunctions() {
			return new ShopFunctions();
		}

	}

	static class ShopFunctions {

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger shipments = new AtomicInteger();

		final List<FunctionFailedEvent> failures = new CopyOnWriteArrayList<>();

		@InngestFunction(id = "order", event = "shop/order.placed")
		@Retries(2)
		String order(Event event, Step step) {
			step.run("charge", () -> {
				if (this.charges.incrementAndGet() == 1) {
					throw new IllegalStateException("gateway timeout");
				}
			});
			step.sleep("cool-off", Duration.ofSeconds(1));
			step.run("ship", this.shipments::incrementAndGet);
			return "shipped " + event.data().get("orderId");
		}

		@InngestFunction(id = "doomed", event = "shop/doomed")
		String doomed(Event event) {
			throw new NonRetriableException("no such order");
		}

		@EventListener
		void failed(FunctionFailedEvent event) {
			this.failures.add(event);
		}

	}

}
