package dev.durable.inngest.autoconfigure;

import java.time.Clock;

import javax.sql.DataSource;

import dev.durable.inngest.autoconfigure.InngestLocalStoreConfiguration.EngineTransactions;
import dev.durable.inngest.engine.RetentionSweeper;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.local.AutoCommitDataSource;
import dev.durable.inngest.local.JdbcRetentionStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The retention of the local engine: ended runs and the events no run needs are deleted
 * once older than {@code inngest.local.retention.period}, unless
 * {@code inngest.local.retention.enabled} is {@code false}.
 */
@AutoConfiguration(after = { InngestLocalAutoConfiguration.class, InngestMetricsAutoConfiguration.class })
@ConditionalOnBean(RunScheduler.class)
@ConditionalOnBooleanProperty(name = "inngest.local.retention.enabled", matchIfMissing = true)
public final class InngestRetentionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	RetentionStore inngestRetentionStore(DataSource dataSource) {
		return new JdbcRetentionStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
	}

	@Bean
	@ConditionalOnMissingBean
	RetentionSweeper inngestRetentionSweeper(RetentionStore store, EngineTransactions transactions,
			InngestProperties properties, ObjectProvider<RetentionSweeper.Listener> listeners,
			@Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
		InngestProperties.Retention retention = properties.getLocal().getRetention();
		RetentionSweeper.Settings settings = new RetentionSweeper.Settings(retention.getPeriod(),
				retention.getInterval(), retention.getBatchSize());
		return new RetentionSweeper(store, transactions.template(), clock, settings,
				listeners.orderedStream().toList());
	}

}
