package dev.durable.inngest.postgresql;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.testsupport.TestApplications;
import dev.durable.inngest.testsupport.TestDatabases;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send outside a transaction on PostgreSQL: its event and its run stored in one
 * statement that commits on its own, one round trip, whether sends are committed together
 * or not and whether the pool's connections commit each statement or not; in a
 * transaction when a run waits for the event; and in the caller's transaction when it has
 * one, rolling back with it.
 */
class PostgresSendTests {

	/** The statements and commits of the thread that records, in order. */
	static final ThreadLocal<List<String>> recorded = new ThreadLocal<>();

	private String url;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void createDatabase() {
		this.url = TestDatabases.newPostgresDatabase(TestDatabases.sharedServer());
	}

	@AfterEach
	void stop() {
		recorded.remove();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void anEventSentOutsideATransactionIsStoredWithItsRunInOneStatement() {
		start("inngest.local.send-group-commit=false");
		assertStoredInOneStatementAndRun();
	}

	@Test
	void anEventSentAloneIsStoredInOneStatementWhenSendsAreCommittedTogether() {
		start("inngest.local.send-group-commit=true");
		assertStoredInOneStatementAndRun();
	}

	@Test
	void anEventSentOutsideATransactionIsCommittedWhenThePoolsConnectionsDoNotCommitEachStatement() {
		start("spring.datasource.hikari.auto-commit=false");
		assertStoredInOneStatementAndRun();
	}

	@Test
	void oneEventWithAnIdMadeByTheEngineIsStoredWithTheTimeItWasReceived() {
		start();
		InngestClient inngest = this.context.getBean(InngestClient.class);
		Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
		List<String> sent = new ArrayList<>();
		List<String> statements = record(() -> sent.addAll(inngest.send(Event.of("test/sent", Map.of("n", 1)))));
		Instant after = Instant.now();
		// The statement of single values, which binds the times as such.
		assertThat(statements).singleElement().asString().contains("WHERE event_name = ?");
		String id = sent.get(0);
		Instant receivedAt = jdbc().sql("SELECT received_at FROM inngest_event WHERE id = ?")
			.param(id)
			.query(OffsetDateTime.class)
			.single()
			.toInstant();
		assertThat(receivedAt).isBetween(before, after);
		OffsetDateTime createdAt = jdbc().sql("SELECT created_at FROM inngest_run WHERE event_id = ?")
			.param(id)
			.query(OffsetDateTime.class)
			.single();
		assertThat(createdAt.toInstant()).isEqualTo(receivedAt);
		assertThat(probe().awaitEnded(id, "sent").status()).isEqualTo(RunStatus.COMPLETED);
	}

	@Test
	void anEventWhoseIdAnotherInstanceStoresMeanwhileIsFoundSentBefore() throws Exception {
		start();
		InngestClient inngest = this.context.getBean(InngestClient.class);
		String id = "order-" + UUID.randomUUID();
		CompletableFuture<List<String>> sent;
		// Another instance's send of the same id, stored and not yet committed.
		try (Connection other = DriverManager.getConnection(this.url)) {
			other.setAutoCommit(false);
			try (PreparedStatement insert = other.prepareStatement(
					"INSERT INTO inngest_event (id, name, data, ts, received_at) VALUES (?, 'test/sent', '{}', ?, now())")) {
				insert.setString(1, id);
				insert.setLong(2, System.currentTimeMillis());
				insert.executeUpdate();
			}
			sent = CompletableFuture.supplyAsync(() -> inngest.send(Event.of("test/sent", Map.of("n", 2)).withId(id)));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jdbc()
					.sql("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
							+ "AND datname = current_database()")
					.query(Integer.class)
					.single() > 0);
			assertThat(sent).isNotDone();
			other.commit();
		}
		assertThat(sent.get(10, TimeUnit.SECONDS)).containsExactly(id);
		// The other's event is the one stored, and this send started no run of its own.
		assertThat(jdbc().sql("SELECT COUNT(*) FROM inngest_run WHERE event_id = ?")
			.param(id)
			.query(Integer.class)
			.single()).isZero();
	}

	@Test
	void anEventARunWaitsForIsStoredInATransactionThatResumesTheRun() {
		assertResumesTheWaitAndStartsItsOwnRunOnce(null);
	}

	@Test
	void anEventWithItsOwnIdThatARunWaitsForResumesTheRunAndStartsItsOwnRunOnce() {
		assertResumesTheWaitAndStartsItsOwnRunOnce("arrival-" + UUID.randomUUID());
	}

	private void assertResumesTheWaitAndStartsItsOwnRunOnce(@Nullable String id) {
		start();
		InngestClient inngest = this.context.getBean(InngestClient.class);
		String key = UUID.randomUUID().toString();
		String waiting = inngest.send(Event.of("test/waits", Map.of("key", key))).get(0);
		String runId = probe().awaitRunId(waiting, "waits");
		probe().awaitStatus(runId, RunStatus.WAITING);
		Event arrival = Event.of("test/arrived", Map.of("key", key));

		List<String> sent = new ArrayList<>();
		List<String> statements = record(() -> sent.addAll(inngest.send((id != null) ? arrival.withId(id) : arrival)));

		assertThat(statements.get(0)).startsWith("WITH held AS");
		assertThat(statements).last().isEqualTo("COMMIT");
		assertThat(probe().awaitEnded(waiting, "waits").output()).isEqualTo("\"arrived\"");
		// The event also starts a run of its own, once.
		assertThat(probe().awaitEnded(sent.get(0), "on-arrival").status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(probe().runIds(sent.get(0), "on-arrival")).hasSize(1);
	}

	@Test
	void anEventSentInTheCallersTransactionRollsBackWithIt() {
		start();
		InngestClient inngest = this.context.getBean(InngestClient.class);
		TransactionTemplate transaction = new TransactionTemplate(
				this.context.getBean(PlatformTransactionManager.class));
		String id = "rolled-back-" + UUID.randomUUID();
		List<String> statements = record(() -> transaction.executeWithoutResult((status) -> {
			inngest.send(Event.of("test/sent", Map.of()).withId(id));
			status.setRollbackOnly();
		}));
		assertThat(statements).first().asString().startsWith("WITH held AS");
		assertThat(
				jdbc().sql("SELECT COUNT(*) FROM inngest_event WHERE id = ?").param(id).query(Integer.class).single())
			.isZero();
		assertThat(probe().runIds(id, "sent")).isEmpty();
	}

	private void assertStoredInOneStatementAndRun() {
		InngestClient inngest = this.context.getBean(InngestClient.class);
		String id = "sent-" + UUID.randomUUID();
		List<String> statements = record(() -> inngest.send(Event.of("test/sent", Map.of("n", 1)).withId(id)));
		assertThat(statements).singleElement().asString().startsWith("WITH held AS");
		// Committed: another connection reads the event, and the run completes.
		assertThat(
				jdbc().sql("SELECT COUNT(*) FROM inngest_event WHERE id = ?").param(id).query(Integer.class).single())
			.isOne();
		assertThat(probe().awaitEnded(id, "sent").status()).isEqualTo(RunStatus.COMPLETED);
	}

	private List<String> record(Runnable action) {
		List<String> statements = new ArrayList<>();
		recorded.set(statements);
		try {
			action.run();
		}
		finally {
			recorded.remove();
		}
		return statements;
	}

	private void start(String... properties) {
		this.context = TestApplications.run(new SpringApplicationBuilder(SendApp.class).web(WebApplicationType.NONE),
				List.of("spring.datasource.url=" + this.url, "inngest.local.schema.initialize=always",
						"inngest.local.poll-interval=200ms", "inngest.local.shutdown-timeout=1s",
						"spring.jpa.open-in-view=false", "spring.main.banner-mode=off"),
				properties);
	}

	private JdbcClient jdbc() {
		return this.context.getBean(JdbcClient.class);
	}

	private RunProbe probe() {
		return new RunProbe(jdbc(), this.context.getBean(RunStore.class), this.context.getBean(StepStore.class));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SendApp {

		/**
		 * Records the statements prepared and the commits made on the recording thread.
		 */
		@Bean
		static BeanPostProcessor recordingDataSource() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					return (bean instanceof DataSource dataSource) ? new RecordingDataSource(dataSource) : bean;
				}

			};
		}

		@Bean
		SendFunctions sendFunctions() {
			return new SendFunctions();
		}

	}

	static class SendFunctions {

		@InngestFunction(id = "sent", event = "test/sent")
		String sent(Event event) {
			return "sent";
		}

		@InngestFunction(id = "on-arrival", event = "test/arrived")
		String onArrival(Event event) {
			return "arrived";
		}

		@InngestFunction(id = "waits", event = "test/waits")
		String waits(Event event, Step step) {
			return step
				.waitForEvent("arrival",
						WaitForEvent.event("test/arrived").match("data.key").timeout(Duration.ofMinutes(1)))
				.map((arrived) -> "arrived")
				.orElse("timed out");
		}

	}

	static class RecordingDataSource extends DelegatingDataSource {

		RecordingDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = super.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						List<String> statements = recorded.get();
						if (statements != null) {
							if (method.getName().startsWith("prepare") && args != null) {
								statements.add(((String) args[0]).strip());
							}
							else if (method.getName().equals("commit")) {
								statements.add("COMMIT");
							}
						}
						try {
							return method.invoke(connection, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

	}

}
