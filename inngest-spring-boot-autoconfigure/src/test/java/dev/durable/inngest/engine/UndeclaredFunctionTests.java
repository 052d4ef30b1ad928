package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.actuate.InngestEndpoint;
import dev.durable.inngest.actuate.InngestHealthIndicator;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run of a function that the application no longer declares, as after a deployment that
 * removed it: it is neither failed nor cancelled, but left queued for an instance that
 * declares the function (an older or newer one), and shown where operators look.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(Lifecycle.PER_CLASS)
class UndeclaredFunctionTests {

	private String url;

	private String runId;

	/**
	 * The later deployment, without the function, started once for the tests that only
	 * look.
	 */
	private ConfigurableApplicationContext later;

	@BeforeAll
	void deployWithoutTheFunctionOverARunOfIt() {
		this.url = TestDatabases.newUrl("undeclared");
		this.runId = leaveARunOfTheRetiredFunctionQueued(this.url);
		this.later = start(this.url, WithoutRetired.class);
	}

	@AfterAll
	void stopTheLaterDeployment() {
		this.later.close();
	}

	/** An earlier deployment, whose function 'retired' has a run queued when it stops. */
	private static String leaveARunOfTheRetiredFunctionQueued(String url) {
		try (ConfigurableApplicationContext earlier = start(url, WithRetired.class)) {
			earlier.getBean(RunScheduler.class).stop();
			String eventId = earlier.getBean(InngestClient.class).send(Event.of("test/retired", Map.of())).get(0);
			return jdbc(earlier).sql("SELECT id FROM inngest_run WHERE event_id = ?")
				.param(eventId)
				.query(String.class)
				.single();
		}
	}

	@Test
	void anInstanceThatDoesNotDeclareTheFunctionLeavesItsRunQueuedAndDue() {
		JdbcClient jdbc = jdbc(this.later);
		// Several polls later, still queued and due as it was: not claimed, not pushed
		// back.
		await().during(Duration.ofMillis(600))
			.atMost(Duration.ofSeconds(5))
			.until(() -> jdbc.sql("SELECT status FROM inngest_run WHERE id = ? AND due_at <= CURRENT_TIMESTAMP")
				.param(this.runId)
				.query(String.class)
				.optional()
				.orElse("NOT DUE")
				.equals("QUEUED"));
	}

	@Test
	void theStartWarnsNamingTheFunctionAndHowManyRunsItHas(CapturedOutput output) {
		assertThat(output)
			.contains("Runs of functions that this application does not declare have not ended: " + "'retired' (1)");
	}

	@Test
	void theHealthCountsTheRunInTheBacklogAndNamesItsFunction() {
		Map<String, Object> details = this.later.getBean(InngestHealthIndicator.class).health(true).getDetails();
		assertThat(details).containsEntry("backlog", 1L).containsEntry("undeclaredFunctions", Map.of("retired", 1L));
	}

	@Test
	void theEndpointListsTheFunctionWithItsRunCounts() {
		InngestEndpoint.FunctionsDescriptor functions = this.later.getBean(InngestEndpoint.class).functions();
		assertThat(functions.functions()).extracting(InngestEndpoint.FunctionDescriptor::id).containsExactly("current");
		assertThat(functions.undeclaredFunctions())
			.containsExactly(new InngestEndpoint.UndeclaredFunctionDescriptor("retired", Map.of(RunStatus.QUEUED, 1L)));
	}

	@Test
	void anInstanceThatDeclaresTheFunctionRunsItBesideOneThatDoesNot() {
		// A database of its own, so that the run the other tests look at stays queued.
		String url = TestDatabases.newUrl("undeclared-rolled-back");
		String runId = leaveARunOfTheRetiredFunctionQueued(url);
		try (ConfigurableApplicationContext without = start(url, WithoutRetired.class);
				ConfigurableApplicationContext with = start(url, WithRetired.class)) {
			JdbcClient jdbc = jdbc(with);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jdbc.sql("SELECT status FROM inngest_run WHERE id = ?")
					.param(runId)
					.query(String.class)
					.single()
					.equals("COMPLETED"));
		}
	}

	private static ConfigurableApplicationContext start(String url, Class<?> application) {
		// No JPA: the engine uses JDBC, and Hibernate would only slow each start.
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + url,
					"spring.autoconfigure.exclude=org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
							+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
					"management.endpoints.web.exposure.include=inngest,health", "inngest.local.poll-interval=100ms")
			.run();
	}

	private static JdbcClient jdbc(ConfigurableApplicationContext context) {
		return JdbcClient.create(context.getBean(javax.sql.DataSource.class));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WithRetired {

		@Bean
		Retired retired() {
			return new Retired();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WithoutRetired {

		@Bean
		Current current() {
			return new Current();
		}

	}

	static class Retired {

		@InngestFunction(id = "retired", event = "test/retired")
		String retired() {
			return "done";
		}

	}

	static class Current {

		@InngestFunction(id = "current", event = "test/current")
		List<String> current() {
			return List.of();
		}

	}

}
