package dev.durable.inngest.autoconfigure;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.LeasedRuns;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.RunSignals;
import dev.durable.inngest.engine.StatsRollup;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.ReplayStore;
import dev.durable.inngest.engine.store.RunStatsStore;
import dev.durable.inngest.engine.store.AppStore;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;
import dev.durable.inngest.local.AutoCommitDataSource;
import dev.durable.inngest.local.DatabaseDurability;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.InngestSchemaVerifier;
import dev.durable.inngest.local.JdbcCancellationStore;
import dev.durable.inngest.local.JdbcReplayStore;
import dev.durable.inngest.local.JdbcRunStatsStore;
import dev.durable.inngest.local.JdbcAppStore;
import dev.durable.inngest.local.JdbcCronStore;
import dev.durable.inngest.local.JdbcEventStore;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.local.JdbcStepStore;
import dev.durable.inngest.local.JdbcWaitStore;
import dev.durable.inngest.local.PostgresNotificationListener;
import dev.durable.inngest.local.PostgresRunSignals;
import dev.durable.inngest.memory.InMemoryAppStore;
import dev.durable.inngest.memory.InMemoryInngestStore;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.core.log.LogMessage;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Where the local engine keeps its state, as {@code inngest.local.store} says: the
 * stores, the transaction manager the engine runs its work with
 * ({@link EngineTransactions}), and how the other instances are told of runs
 * ({@link RunSignals}). The rest of the engine's wiring consumes the store interfaces
 * only.
 */
final class InngestLocalStoreConfiguration {

	static final String PROPERTY = "inngest.local.store";

	/** How often the minutes that are over are rolled up for the charts. */
	private static final Duration ROLL_UP_INTERVAL = Duration.ofSeconds(30);

	private static final String PG_CONNECTION = "org.postgresql.PGConnection";

	private static final String JTA_MANAGER = "org.springframework.transaction.jta.JtaTransactionManager";

	private static final Log logger = LogFactory.getLog(InngestLocalStoreConfiguration.class);

	private InngestLocalStoreConfiguration() {
	}

	/**
	 * The transaction manager of the engine's own work, apart from the application's: the
	 * one of the application's data source for the JDBC store, the store's own in memory.
	 *
	 * @param manager the transaction manager
	 */
	record EngineTransactions(PlatformTransactionManager manager) {

		/**
		 * Runs the engine's work in one transaction: a new template each time, as some
		 * users set their own propagation on it.
		 * @return the template
		 */
		TransactionTemplate template() {
			return new TransactionTemplate(this.manager);
		}

	}

	/**
	 * Whether the local engine has a store: one data source for the JDBC store (a single
	 * one, or the primary of several), or the in-memory store chosen.
	 */
	static final class OnStoreCondition extends AnyNestedCondition {

		OnStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnSingleCandidate(DataSource.class)
		static final class DataSourceAvailable {

		}

		@ConditionalOnProperty(name = PROPERTY, havingValue = "memory")
		static final class InMemory {

		}

	}

	/**
	 * The JDBC store, on the application's data source, with its schema.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = PROPERTY, havingValue = "jdbc", matchIfMissing = true)
	@ConditionalOnSingleCandidate(DataSource.class)
	static class Jdbc {

		private final InngestProperties.Local properties;

		Jdbc(InngestProperties properties) {
			this.properties = properties.getLocal();
		}

		@Bean
		@ConditionalOnMissingBean
		DatabasePlatform inngestDatabasePlatform(DataSource dataSource) {
			String platform = this.properties.getSchema().getPlatform();
			return StringUtils.hasText(platform) ? DatabasePlatform.of(platform, dataSource)
					: DatabasePlatform.of(dataSource);
		}

		@Bean
		@ConditionalOnMissingBean
		InngestSchemaInitializer inngestSchemaInitializer(DataSource dataSource, DatabasePlatform platform) {
			return new InngestSchemaInitializer(dataSource, this.properties.getSchema().getInitialize(), platform);
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		InngestSchemaVerifier inngestSchemaVerifier(DataSource dataSource, DatabasePlatform platform) {
			return new InngestSchemaVerifier(dataSource, platform);
		}

		@Bean
		@ConditionalOnMissingBean
		DatabaseDurability inngestDatabaseDurability(DataSource dataSource, DatabasePlatform platform) {
			return new DatabaseDurability(dataSource, platform, this.properties.getH2().getWriteDelay());
		}

		@Bean
		@ConditionalOnMissingBean
		RunSignals inngestRunSignals(DataSource dataSource, DatabasePlatform platform) {
			if (platform.supportsNotifications() && this.properties.getNotifications().isEnabled()
					&& ClassUtils.isPresent(PG_CONNECTION, getClass().getClassLoader())) {
				return new PostgresRunSignals(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
			}
			return RunSignals.NONE;
		}

		@Bean
		@ConditionalOnMissingBean
		EngineTransactions inngestEngineTransactions(ObjectProvider<PlatformTransactionManager> transactionManager,
				DataSource dataSource) {
			return new EngineTransactions(engineManager(transactionManager.getIfUnique(), dataSource));
		}

		/**
		 * The application's transaction manager if it manages the data source's
		 * connections, so that the engine's writes join the application's transactions;
		 * else one of the data source's own, as a manager of another resource (Kafka,
		 * MongoDB) would leave each of the engine's statements committing on its own.
		 */
		static PlatformTransactionManager engineManager(@Nullable PlatformTransactionManager manager,
				DataSource dataSource) {
			if (manager != null && managesConnectionsOf(manager, dataSource)) {
				return manager;
			}
			if (manager != null) {
				logger.info(LogMessage.format("The transaction manager %s does not manage the connections of the "
						+ "DataSource the engine stores its state in: the engine uses a DataSourceTransactionManager of "
						+ "its own, and only the transactions of that DataSource commit or roll back the events sent "
						+ "in them", manager.getClass().getName()));
			}
			return new DataSourceTransactionManager(dataSource);
		}

		private static boolean managesConnectionsOf(PlatformTransactionManager manager, DataSource dataSource) {
			if (manager instanceof ResourceTransactionManager resource
					&& sameDataSource(resource.getResourceFactory(), dataSource)) {
				return true;
			}
			if (ClassUtils.isPresent(JTA_MANAGER, manager.getClass().getClassLoader())
					&& ClassUtils.resolveClassName(JTA_MANAGER, manager.getClass().getClassLoader())
						.isInstance(manager)) {
				// JTA enlists every resource it is given, the data source's connections
				// with them.
				return true;
			}
			// JPA's and Hibernate's managers hold a JDBC connection of their data source.
			Method getDataSource = ReflectionUtils.findMethod(manager.getClass(), "getDataSource");
			return getDataSource != null && DataSource.class.isAssignableFrom(getDataSource.getReturnType())
					&& sameDataSource(ReflectionUtils.invokeMethod(getDataSource, manager), dataSource);
		}

		private static boolean sameDataSource(@Nullable Object candidate, DataSource dataSource) {
			Object target = candidate;
			while (target instanceof DelegatingDataSource delegating && target != dataSource) {
				target = delegating.getTargetDataSource();
			}
			return target == dataSource;
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		EventStore inngestEventStore(DataSource dataSource, JsonCodec json, DatabasePlatform platform) {
			return new JdbcEventStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)), json, platform);
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		RunStore inngestRunStore(DataSource dataSource, JsonCodec json, DatabasePlatform platform) {
			return new JdbcRunStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)), json, platform);
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		StepStore inngestStepStore(DataSource dataSource) {
			return new JdbcStepStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		WaitStore inngestWaitStore(DataSource dataSource) {
			return new JdbcWaitStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		CronStore inngestCronStore(DataSource dataSource) {
			return new JdbcCronStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		AppStore inngestAppStore(DataSource dataSource) {
			return new JdbcAppStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		CancellationStore inngestCancellationStore(DataSource dataSource) {
			return new JdbcCancellationStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		ReplayStore inngestReplayStore(DataSource dataSource) {
			return new JdbcReplayStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
		}

		@Bean
		@ConditionalOnMissingBean
		@DependsOnDatabaseInitialization
		RunStatsStore inngestRunStatsStore(DataSource dataSource) {
			return new JdbcRunStatsStore(new JdbcTemplate(AutoCommitDataSource.of(dataSource)));
		}

		@Bean
		@ConditionalOnMissingBean
		StatsRollup inngestStatsRollup(RunStatsStore stats, EngineTransactions transactions,
				@Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
			InngestProperties.Retention retention = this.properties.getRetention();
			return new StatsRollup(stats, transactions.template(), clock, ROLL_UP_INTERVAL,
					retention.isEnabled() ? retention.getPeriod() : null);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnClass(name = PG_CONNECTION)
		PostgresNotificationListener inngestNotificationListener(RunSignals signals, DataSource dataSource,
				RunScheduler engine, LeasedRuns executing) {
			return new PostgresNotificationListener(dataSource, engine, executing, this.properties.getPollInterval(),
					(signals instanceof PostgresRunSignals postgres) ? postgres : null);
		}

	}

	/**
	 * The in-memory store: no data source, schema or notifications. The retention's store
	 * is made here too, as the retention's auto-configuration makes only a JDBC one.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = PROPERTY, havingValue = "memory")
	static class Memory {

		@Bean
		@ConditionalOnMissingBean
		InMemoryInngestStore inngestInMemoryStore(JsonCodec json) {
			return new InMemoryInngestStore(json);
		}

		@Bean
		@ConditionalOnMissingBean
		RunSignals inngestRunSignals() {
			// One instance per store: there is no one else to tell.
			return RunSignals.NONE;
		}

		@Bean
		@ConditionalOnMissingBean
		EngineTransactions inngestEngineTransactions(InMemoryInngestStore store) {
			return new EngineTransactions(store.transactionManager());
		}

		@Bean
		@ConditionalOnMissingBean
		EventStore inngestEventStore(InMemoryInngestStore store) {
			return store.events();
		}

		@Bean
		@ConditionalOnMissingBean
		RunStore inngestRunStore(InMemoryInngestStore store) {
			return store.runs();
		}

		@Bean
		@ConditionalOnMissingBean
		StepStore inngestStepStore(InMemoryInngestStore store) {
			return store.steps();
		}

		@Bean
		@ConditionalOnMissingBean
		WaitStore inngestWaitStore(InMemoryInngestStore store) {
			return store.waits();
		}

		@Bean
		@ConditionalOnMissingBean
		CronStore inngestCronStore(InMemoryInngestStore store) {
			return store.crons();
		}

		@Bean
		@ConditionalOnMissingBean
		AppStore inngestAppStore() {
			return new InMemoryAppStore();
		}

		@Bean
		@ConditionalOnMissingBean
		CancellationStore inngestCancellationStore(InMemoryInngestStore store) {
			return store.cancellations();
		}

		@Bean
		@ConditionalOnMissingBean
		ReplayStore inngestReplayStore(InMemoryInngestStore store) {
			return store.replays();
		}

		@Bean
		@ConditionalOnMissingBean
		RunStatsStore inngestRunStatsStore(InMemoryInngestStore store) {
			return store.stats();
		}

		@Bean
		@ConditionalOnMissingBean
		RetentionStore inngestRetentionStore(InMemoryInngestStore store) {
			return store.retention();
		}

	}

}
