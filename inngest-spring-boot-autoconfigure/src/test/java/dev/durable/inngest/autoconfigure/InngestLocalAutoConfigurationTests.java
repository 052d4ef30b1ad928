package dev.durable.inngest.autoconfigure;

import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.EventIngestor;
import dev.durable.inngest.engine.RetryBackoff;
import dev.durable.inngest.engine.RunExecutor;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.local.LocalEngine;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The conditions of the auto-configuration.
 */
class InngestLocalAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void localEngineIsConfiguredOnTheApplicationsDataSource() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FunctionDiscoverer.class);
			assertThat(context).hasSingleBean(InngestClient.class);
			assertThat(context).hasSingleBean(LocalEngine.class);
			assertThat(context).hasSingleBean(EventIngestor.class);
			assertThat(context).hasSingleBean(RunExecutor.class);
			assertThat(context).hasSingleBean(InngestSchemaInitializer.class);
			assertThat(context.getBean(RunStore.class)).isInstanceOf(JdbcRunStore.class);
		});
	}

	@Test
	void schemaIsCreatedOnTheEmbeddedDatabase() {
		this.runner.run((context) -> {
			JdbcClient jdbc = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
			assertThat(jdbc.sql("SELECT COUNT(*) FROM inngest_run").query(Integer.class).single()).isZero();
		});
	}

	@Test
	void schemaIsNotCreatedWhenInitializationIsNever() {
		this.runner.withPropertyValues("inngest.local.schema.initialize=never").run((context) -> {
			JdbcClient jdbc = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
			List<String> tables = jdbc
				.sql("SELECT table_name FROM information_schema.tables WHERE LOWER(table_name) LIKE 'inngest_%'")
				.query(String.class)
				.list();
			assertThat(tables).isEmpty();
		});
	}

	@Test
	void userDefinedClientReplacesTheLocalOne() {
		InngestClient own = (Event... events) -> List.of("mine");
		this.runner.withBean(InngestClient.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(InngestClient.class);
			assertThat(context.getBean(InngestClient.class)).isSameAs(own);
		});
	}

	@Test
	void userDefinedStoreReplacesTheJdbcOne() {
		RunStore own = mock(RunStore.class);
		this.runner.withBean(RunStore.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(RunStore.class);
			assertThat(context.getBean(RunStore.class)).isSameAs(own);
		});
	}

	@Test
	void userDefinedBackoffReplacesTheConfiguredOne() {
		RetryBackoff own = new RetryBackoff(java.time.Duration.ZERO);
		this.runner.withBean(RetryBackoff.class, () -> own)
			.run((context) -> assertThat(context.getBean(RetryBackoff.class)).isSameAs(own));
	}

	@Test
	void backoffFollowsInngestsScheduleUnlessAnInitialDelayIsSet() {
		this.runner.run((context) -> assertThat(context.getBean(RetryBackoff.class).baseDelay(4))
			.isEqualTo(java.time.Duration.ofMinutes(5)));
		this.runner.withPropertyValues("inngest.local.backoff.initial=100ms", "inngest.local.backoff.multiplier=3")
			.run((context) -> assertThat(context.getBean(RetryBackoff.class).baseDelay(2))
				.isEqualTo(java.time.Duration.ofMillis(900)));
	}

	@Test
	void localEngineBacksOffWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(FunctionDiscoverer.class);
				assertThat(context).doesNotHaveBean(LocalEngine.class);
				assertThat(context).doesNotHaveBean(InngestClient.class);
			});
	}

	@Test
	void localEngineBacksOffWithoutSpringJdbc() {
		this.runner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(LocalEngine.class);
			assertThat(context).doesNotHaveBean(InngestClient.class);
		});
	}

	@Test
	void invalidEngineSettingsStopTheStartNamingTheProperty() {
		this.runner.withPropertyValues("inngest.local.workers=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessage("inngest.local.workers must be at least 1, but was 0");
		});
		this.runner.withPropertyValues("inngest.local.lease.duration=0s").run((context) -> assertThat(context
			.getStartupFailure()).rootCause().hasMessage("inngest.local.lease.duration must be positive, but was PT0S"));
	}

}
