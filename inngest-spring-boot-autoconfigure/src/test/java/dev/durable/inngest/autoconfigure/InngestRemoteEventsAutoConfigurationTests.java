package dev.durable.inngest.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.remote.EventApi;
import dev.durable.inngest.remote.EventOutbox;
import dev.durable.inngest.remote.EventOutboxForwarder;
import dev.durable.inngest.remote.RemoteInngestClient;
import dev.durable.inngest.remote.RemoteInngestRuns;
import dev.durable.inngest.remote.SystemEventFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.durable.inngest.testsupport.StartupFailures.assertInvalidProperty;

/**
 * The conditions of sending events, the outbox and runs in remote mode, and one send
 * through them.
 */
@ExtendWith(OutputCaptureExtension.class)
class InngestRemoteEventsAutoConfigurationTests {

	private static final String SIGNING_KEY = "signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestRemoteAutoConfiguration.class));

	private final ApplicationContextRunner withDatabase = this.runner
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:remote-events-${random.uuid}");

	@Test
	void outboxIntervalsThatCannotBeUsedFailTheStart() {
		String[] remote = { "inngest.mode=remote", "inngest.dev=true", "inngest.event-key=evt-key" };
		this.withDatabase.withPropertyValues(remote)
			.withPropertyValues("inngest.outbox.poll-interval=0s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.outbox.poll-interval",
					"PT0S"));
		this.withDatabase.withPropertyValues(remote)
			.withPropertyValues("inngest.outbox.lease=-1s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.outbox.lease", "PT-1S"));
		this.withDatabase.withPropertyValues(remote)
			.withPropertyValues("inngest.outbox.max-retry-delay=0ms")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.outbox.max-retry-delay",
					"PT0S"));
		this.runner.withPropertyValues(remote)
			.withPropertyValues("inngest.sync.initial-interval=0s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.sync.initial-interval",
					"PT0S"));
	}

	@Test
	void outsideRemoteModeNothingIsConfigured() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(EventApi.class);
			assertThat(context).doesNotHaveBean(RemoteInngestClient.class);
			assertThat(context).doesNotHaveBean(SystemEventFunctions.class);
		});
		this.runner.withPropertyValues("inngest.mode=local")
			.run((context) -> assertThat(context).doesNotHaveBean(EventApi.class));
	}

	@Test
	void inRemoteModeTheClientRunsAndSystemFunctionsAreConfigured() {
		this.runner.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.event-key=evt-key")
			.run((context) -> {
				assertThat(context).getBean(InngestClient.class).isInstanceOf(RemoteInngestClient.class);
				assertThat(context).getBean(InngestRuns.class).isInstanceOf(RemoteInngestRuns.class);
				assertThat(context).hasSingleBean(SystemEventFunctions.class);
				assertThat(context).doesNotHaveBean(EventOutbox.class);
			});
	}

	@Test
	void withADataSourceTheOutboxIsConfiguredAndItsTableCreated() {
		this.withDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true").run((context) -> {
			assertThat(context).hasSingleBean(EventOutbox.class);
			assertThat(context).hasSingleBean(EventOutboxForwarder.class);
			assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
				.queryForObject("SELECT COUNT(*) FROM inngest_outbox", Integer.class)).isZero();
		});
	}

	@Test
	void withSeveralDataSourcesAndNoneOfThemPrimaryTheOutboxIsOffAndSaysSo(CapturedOutput output) {
		this.runner.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.withBean("ordersDataSource", javax.sql.DataSource.class,
					() -> new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:orders"))
			.withBean("reportsDataSource", javax.sql.DataSource.class,
					() -> new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:reports"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(EventOutbox.class);
				assertThat(output).contains("The event outbox is off: the application has several DataSources "
						+ "[ordersDataSource, reportsDataSource] and none is primary");
			});
	}

	@Test
	void withOneDataSourceTheOutboxSaysNothing(CapturedOutput output) {
		this.withDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> assertThat(output).doesNotContain("The event outbox is off"));
	}

	@Test
	void theOutboxCanBeTurnedOff() {
		this.withDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.outbox.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(RemoteInngestClient.class);
				assertThat(context).doesNotHaveBean(EventOutbox.class);
			});
	}

	@Test
	void withoutJdbcTheOutboxBacksOff() {
		this.runner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(RemoteInngestClient.class);
				assertThat(context).doesNotHaveBean(EventOutbox.class);
			});
	}

	@Test
	void withoutRestClientRemoteModeStopsTheStart() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.web.client"))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("inngest-spring-boot-starter-remote");
			});
	}

	@Test
	void theUsersOwnBeansWin() {
		this.runner.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.withUserConfiguration(OwnClient.class)
			.run((context) -> {
				assertThat(context).getBean(InngestClient.class).isSameAs(OwnClient.CLIENT);
				assertThat(context).doesNotHaveBean(RemoteInngestClient.class);
			});
	}

	@Test
	void eventsSentInACommittedTransactionReachTheEventApi() throws IOException {
		List<String> paths = new CopyOnWriteArrayList<>();
		HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		platform.createContext("/", (exchange) -> {
			paths.add(exchange.getRequestURI().getPath());
			exchange.getRequestBody().readAllBytes();
			byte[] body = "{\"ids\":[\"01J\"],\"status\":200}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		platform.start();
		try {
			this.withDatabase.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + SIGNING_KEY,
					"inngest.event-key=evt-key", "inngest.base-url=http://127.0.0.1:" + platform.getAddress().getPort())
				.run((context) -> {
					InngestClient client = context.getBean(InngestClient.class);
					context.getBean(TransactionTemplate.class)
						.executeWithoutResult((status) -> client.send(Event.of("shop/order.placed")));
					await().untilAsserted(() -> assertThat(paths).containsExactly("/e/evt-key"));
					await().untilAsserted(() -> assertThat(context.getBean(EventOutbox.class).size()).isZero());
				});
		}
		finally {
			platform.stop(0);
		}
	}

	@Test
	void runsAreReadFromTheApiBaseUrlWithTheSigningKey() throws IOException {
		List<String> requests = new CopyOnWriteArrayList<>();
		HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		platform.createContext("/", (exchange) -> {
			requests.add(exchange.getRequestURI().getPath() + " "
					+ exchange.getRequestHeaders().getFirst("Authorization").startsWith("Bearer signkey-prod-"));
			byte[] body = "{\"error\":\"run not found\"}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(404, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		platform.start();
		try {
			this.runner
				.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + SIGNING_KEY,
						"inngest.base-url=http://127.0.0.1:1",
						"inngest.api-base-url=http://127.0.0.1:" + platform.getAddress().getPort())
				.run((context) -> {
					assertThat(context.getBean(InngestRuns.class).find("01RUN")).isEmpty();
					assertThat(requests).containsExactly("/v1/runs/01RUN true");
				});
		}
		finally {
			platform.stop(0);
		}
	}

	@Test
	void theOutboxJoinsAJpaTransaction() {
		this.withDatabase
			.withConfiguration(AutoConfigurations
				.of(org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.event-key=evt-key",
					"inngest.event-api-base-url=http://127.0.0.1:1")
			.run((context) -> {
				assertThat(context.getBean(PlatformTransactionManager.class)).isInstanceOf(JpaTransactionManager.class);
				InngestClient client = context.getBean(InngestClient.class);
				EventOutbox outbox = context.getBean(EventOutbox.class);
				context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
					client.send(Event.of("shop/order.placed"));
					assertThat(outbox.size()).isOne();
					status.setRollbackOnly();
				});
				assertThat(outbox.size()).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClient {

		static final InngestClient CLIENT = (events) -> List.of();

		@Bean
		InngestClient ownClient() {
			return CLIENT;
		}

	}

}
