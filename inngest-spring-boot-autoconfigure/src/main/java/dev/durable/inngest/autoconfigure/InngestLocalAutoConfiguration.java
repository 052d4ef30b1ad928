package dev.durable.inngest.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.actuate.BacklogMetrics;
import dev.durable.inngest.engine.BulkCancellations;
import dev.durable.inngest.engine.CronScheduler;
import dev.durable.inngest.engine.EngineInngestClient;
import dev.durable.inngest.engine.EngineInngestRuns;
import dev.durable.inngest.engine.EventIngestor;
import dev.durable.inngest.engine.EventIntake;
import dev.durable.inngest.engine.ExpressionCache;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.LeasedRuns;
import dev.durable.inngest.engine.OutputWriter;
import dev.durable.inngest.engine.RetryBackoff;
import dev.durable.inngest.engine.RunCanceller;
import dev.durable.inngest.engine.RunEndEvents;
import dev.durable.inngest.engine.RunExecutor;
import dev.durable.inngest.engine.RunOutcomes;
import dev.durable.inngest.engine.RunQueue;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.RunSignals;
import dev.durable.inngest.engine.UndeclaredFunctionRuns;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.local.DatabaseDurability;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.H2CloseOnExitPostProcessor;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.InngestSchemaVerifier;
import dev.durable.inngest.local.JdbcCancellationStore;
import dev.durable.inngest.local.JdbcCronStore;
import dev.durable.inngest.local.JdbcEventStore;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.local.JdbcStepStore;
import dev.durable.inngest.local.JdbcWaitStore;
import dev.durable.inngest.local.PostgresNotificationListener;
import dev.durable.inngest.local.PostgresRunSignals;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The local engine: runs durable functions on the application's own database. It backs off in
 * remote mode ({@code inngest.mode=remote}), where the platform runs them.
 */
@AutoConfiguration(after = { InngestAutoConfiguration.class, DataSourceAutoConfiguration.class,
		DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
		JacksonAutoConfiguration.class },
		afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean({ DataSource.class, FunctionDiscoverer.class })
@ConditionalOnProperty(name = "inngest.mode", havingValue = "local", matchIfMissing = true)
public final class InngestLocalAutoConfiguration {

	private static final String PG_CONNECTION = "org.postgresql.PGConnection";

	/** The engine's time: UTC, as the database stores it. */
	static final Clock CLOCK = Clock.systemUTC();

	private final InngestProperties.Local properties;

	private final InngestProperties.Limits limits;

	InngestLocalAutoConfiguration(InngestProperties properties) {
		this.properties = properties.getLocal();
		this.limits = properties.getLimits();
	}

	/**
	 * Leaves closing an H2 database to the context, which stops the engine first.
	 * @return the post-processor
	 */
	@Bean
	static H2CloseOnExitPostProcessor inngestH2CloseOnExitPostProcessor() {
		return new H2CloseOnExitPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	DatabasePlatform inngestDatabasePlatform(DataSource dataSource) {
		String platform = this.properties.getSchema().getPlatform();
		return StringUtils.hasText(platform) ? DatabasePlatform.of(platform) : DatabasePlatform.of(dataSource);
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
			return new PostgresRunSignals(new JdbcTemplate(dataSource));
		}
		return RunSignals.NONE;
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	EventStore inngestEventStore(DataSource dataSource, JsonCodec json) {
		return new JdbcEventStore(new JdbcTemplate(dataSource), json);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	RunStore inngestRunStore(DataSource dataSource, JsonCodec json, DatabasePlatform platform) {
		return new JdbcRunStore(new JdbcTemplate(dataSource), json, platform);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	StepStore inngestStepStore(DataSource dataSource) {
		return new JdbcStepStore(new JdbcTemplate(dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	WaitStore inngestWaitStore(DataSource dataSource) {
		return new JdbcWaitStore(new JdbcTemplate(dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	CronStore inngestCronStore(DataSource dataSource) {
		return new JdbcCronStore(new JdbcTemplate(dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	JsonCodec inngestJsonCodec(ObjectProvider<JsonMapper> mapper) {
		return new JsonCodec(mapper.getIfUnique(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	RetryBackoff inngestRetryBackoff() {
		InngestProperties.Backoff backoff = this.properties.getBackoff();
		return (backoff.getInitial() != null) ? new RetryBackoff(backoff.getInitial(), backoff.getMultiplier(),
				backoff.getMax(), backoff.getJitter()) : new RetryBackoff(backoff.getJitter());
	}

	@Bean
	@ConditionalOnMissingBean
	RunQueue inngestRunQueue() {
		return new RunQueue(Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	Ids inngestIds() {
		return new Ids(CLOCK);
	}

	@Bean
	@ConditionalOnMissingBean
	ExpressionCache inngestExpressionCache() {
		return new ExpressionCache();
	}

	@Bean
	@ConditionalOnMissingBean
	EventIntake inngestEventIntake(EventStore events, RunStore runs, StepStore steps, WaitStore waits,
			ObjectProvider<PlatformTransactionManager> transactionManager, DataSource dataSource, JsonCodec json,
			Ids ids, ExpressionCache expressions, RunSignals signals, FunctionDiscoverer functions, RunQueue queue,
			LeasedRuns executing) {
		return new EventIntake(events, runs, steps, waits, transactions(transactionManager, dataSource), CLOCK, json,
				ids, expressions, this.properties.getLease().getDuration(), signals, functions::registry, queue,
				executing, this.limits.toInputLimits());
	}

	@Bean
	@ConditionalOnMissingBean
	EventIngestor inngestEventIngestor(EventIntake intake, RunCanceller canceller) {
		return new EventIngestor(intake, canceller);
	}

	@Bean
	@ConditionalOnMissingBean
	LeasedRuns inngestLeasedRuns() {
		return new LeasedRuns();
	}

	@Bean
	@ConditionalOnMissingBean
	RunCanceller inngestRunCanceller(RunStore runs, StepStore steps, WaitStore waits,
			ObjectProvider<PlatformTransactionManager> transactionManager, DataSource dataSource, RunSignals signals,
			RunEndEvents endEvents, ObjectProvider<RunOutcomes> outcomes, LeasedRuns executing) {
		return new RunCanceller(runs, steps, waits, transactions(transactionManager, dataSource), CLOCK, signals,
				endEvents, RunOutcomes.all(outcomes.orderedStream().toList()), executing);
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	CancellationStore inngestCancellationStore(DataSource dataSource) {
		return new JdbcCancellationStore(new JdbcTemplate(dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	BulkCancellations inngestBulkCancellations(RunStore runs, Ids ids, ExpressionCache expressions,
			CancellationStore store, FunctionDiscoverer functions, RunCanceller canceller) {
		return new BulkCancellations(runs, CLOCK, ids, expressions, store, functions::registry, canceller,
				this.limits.toInputLimits());
	}

	@Bean
	@ConditionalOnMissingBean
	InngestRuns inngestRuns(RunStore runs, CancellationStore cancellations, RunCanceller canceller,
			BulkCancellations bulk, JsonCodec json) {
		return new EngineInngestRuns(runs, cancellations, canceller, bulk, json);
	}

	@Bean
	@ConditionalOnMissingBean
	RunEndEvents inngestRunEndEvents(InngestProperties properties, Environment environment,
			EventIntake intake, FunctionDiscoverer functions, ApplicationEventPublisher publisher,
			ObjectProvider<PlatformTransactionManager> transactionManager,
			DataSource dataSource) {
		String appId = properties.determineAppId(environment);
		TransactionTemplate newTransaction = new TransactionTemplate(transactionManager(transactionManager, dataSource));
		newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		return new RunEndEvents(appId, intake, functions::registry, publisher, newTransaction);
	}

	@Bean
	@ConditionalOnMissingBean
	RunExecutor inngestRunExecutor(RunStore runs, StepStore steps, WaitStore waits,
			ObjectProvider<PlatformTransactionManager> transactionManager, DataSource dataSource, JsonCodec json,
			RetryBackoff backoff, ExpressionCache expressions, RunSignals signals, FunctionDiscoverer functions,
			EventIngestor ingestor, RunEndEvents endEvents, ObjectProvider<RunOutcomes> outcomes,
			RunCanceller canceller, LeasedRuns executing, DatabaseDurability durability, DatabasePlatform platform) {
		Boolean groupCommit = this.properties.getGroupCommit();
		// Only H2 writing every commit to its file pays for the wait: with a write delay a commit
		// costs next to nothing, and PostgreSQL merges concurrent commits' log flushes itself.
		boolean commitTogether = (groupCommit != null) ? groupCommit
				: platform == DatabasePlatform.H2 && durability.commitWriteDelay() == 0;
		return new RunExecutor(runs, steps, waits, transactions(transactionManager, dataSource), CLOCK, json, backoff,
				expressions, this.properties.getLease().getDuration(), signals, functions::registry, ingestor,
				endEvents, RunOutcomes.all(outcomes.orderedStream().toList()), canceller, executing, commitTogether,
				new OutputWriter(json, this.properties.getMaxOutputSize()));
	}

	@Bean
	@ConditionalOnMissingBean
	CronScheduler inngestCronScheduler(CronStore store, FunctionDiscoverer functions, EventIngestor ingestor,
			ObjectProvider<PlatformTransactionManager> transactionManager, DataSource dataSource) {
		return new CronScheduler(store, functions::registry, ingestor, CLOCK,
				transactions(transactionManager, dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	RunScheduler inngestRunScheduler(RunQueue queue, RunExecutor executor, RunStore runs, CronScheduler crons,
			LeasedRuns executing, BulkCancellations bulkCancellations, InngestSchemaVerifier schema,
			DatabasePlatform platform) {
		// The schema verifier is a parameter so that a missing schema fails the start first.
		Boolean eagerStart = this.properties.getEagerStart().getEnabled();
		// With every commit waiting for its log flush, PostgreSQL completed runs created leased
		// more slowly than claimed ones (benchmarks/RESULTS.md).
		boolean startEagerly = (eagerStart != null) ? eagerStart
				: platform != DatabasePlatform.POSTGRESQL || !schema.postgresSynchronousCommit();
		RunScheduler.Settings settings = new RunScheduler.Settings(this.properties.getWorkers(),
				this.properties.getPollInterval(), this.properties.getLease().getDuration(),
				this.properties.getShutdownTimeout(), startEagerly, this.properties.getEagerStart().getMaxWait(),
				this.properties.getStepTimeout());
		return new RunScheduler(queue, executor, runs, crons, executing, bulkCancellations, settings, CLOCK);
	}

	@Bean
	@ConditionalOnMissingBean
	UndeclaredFunctionRuns inngestUndeclaredFunctionRuns(RunStore runs, FunctionDiscoverer functions) {
		return new UndeclaredFunctionRuns(runs, functions::registry, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	InngestClient inngestClient(EventIngestor ingestor, InngestSchemaVerifier schema) {
		// The schema verifier is a parameter so that a missing schema fails the start first.
		return new EngineInngestClient(ingestor);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(name = PG_CONNECTION)
	PostgresNotificationListener inngestNotificationListener(RunSignals signals, DataSource dataSource,
			RunScheduler engine, LeasedRuns executing) {
		return new PostgresNotificationListener(dataSource, engine, executing,
				this.properties.getPollInterval(), signals instanceof PostgresRunSignals);
	}

	/**
	 * Gauges of the backlog, when Micrometer is on the class path.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class BacklogMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BacklogMetrics inngestBacklogMetrics(RunStore runs) {
			return new BacklogMetrics(runs, Clock.systemUTC(), Duration.ofSeconds(1));
		}

	}

	/** Runs the engine's work in one transaction: the application's, or one on its data source. */
	static TransactionTemplate transactions(ObjectProvider<PlatformTransactionManager> transactionManager,
			DataSource dataSource) {
		return new TransactionTemplate(transactionManager(transactionManager, dataSource));
	}

	private static PlatformTransactionManager transactionManager(
			ObjectProvider<PlatformTransactionManager> transactionManager, DataSource dataSource) {
		return transactionManager.getIfUnique(() -> new DataSourceTransactionManager(dataSource));
	}

}
