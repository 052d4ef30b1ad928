package dev.durable.inngest.engine;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine on a pool whose connections do not commit each statement
 * ({@code spring.datasource.hikari.auto-commit=false}, as JPA applications set it): its
 * writes outside a transaction are committed all the same, its writes in the caller's
 * transaction commit or roll back with it, and the pool's connections are handed back as
 * they were handed out.
 */
class AutoCommitOffTests {

	@Test
	void runsCompleteAndFailAndSendsInTheCallersTransactionRollBackWithIt() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AutoCommitOffApp.class)
			.web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + TestDatabases.newUrl("auto-commit-off"),
					"--spring.datasource.hikari.auto-commit=false", "--inngest.local.poll-interval=200ms",
					"--inngest.local.shutdown-timeout=1s", "--spring.jpa.open-in-view=false",
					"--spring.main.banner-mode=off")) {
			InngestClient inngest = context.getBean(InngestClient.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			RunProbe probe = new RunProbe(jdbc, context.getBean(RunStore.class), context.getBean(StepStore.class));

			String completed = inngest.send(Event.of("test/auto-commit-off", Map.of("n", 2))).get(0);
			String failed = inngest.send(Event.of("test/auto-commit-off-fails", Map.of())).get(0);
			assertThat(probe.awaitEnded(completed, "two-steps").output()).isEqualTo("3");
			assertThat(probe.awaitEnded(failed, "fails").status()).isEqualTo(RunStatus.FAILED);
			assertThat(probe.steps(probe.runIds(completed, "two-steps").get(0))).hasSize(2);

			String rolledBack = "rolled-back-" + UUID.randomUUID();
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
				.executeWithoutResult((status) -> {
					inngest.send(Event.of("test/auto-commit-off", Map.of("n", 1)).withId(rolledBack));
					status.setRollbackOnly();
				});
			assertThat(jdbc.sql("SELECT COUNT(*) FROM inngest_event WHERE id = ?")
				.param(rolledBack)
				.query(Integer.class)
				.single()).isZero();

			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(connection.getAutoCommit()).isFalse();
			}
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class AutoCommitOffApp {

		@Bean
		AutoCommitOffFunctions autoCommitOffFunctions() {
			return new AutoCommitOffFunctions();
		}

	}

	static class AutoCommitOffFunctions {

		@InngestFunction(id = "two-steps", event = "test/auto-commit-off")
		int twoSteps(Event event, Step step) {
			int n = ((Number) event.data().get("n")).intValue();
			int first = step.run("first", Integer.class, () -> n);
			return step.run("second", Integer.class, () -> first + 1);
		}

		@InngestFunction(id = "fails", event = "test/auto-commit-off-fails")
		@Retries(0)
		void fails(Event event) {
			throw new IllegalStateException("Failed on purpose");
		}

	}

}
