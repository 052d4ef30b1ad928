package dev.durable.inngest.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.actuate.BacklogMetrics;
import dev.durable.inngest.actuate.WorkerMetrics;
import dev.durable.inngest.engine.BulkCancellations;
import dev.durable.inngest.engine.CronScheduler;
import dev.durable.inngest.engine.DueRuns;
import dev.durable.inngest.engine.EngineInngestClient;
import dev.durable.inngest.engine.EngineInngestRuns;
import dev.durable.inngest.engine.EventIngestor;
import dev.durable.inngest.engine.EventIntake;
import dev.durable.inngest.engine.ExpressionCache;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.LeasedRuns;
import dev.durable.inngest.engine.OutputWriter;
import dev.durable.inngest.engine.PropertyChecks;
import dev.durable.inngest.engine.RetryBackoff;
import dev.durable.inngest.engine.RunCanceller;
import dev.durable.inngest.engine.RunEndEvents;
import dev.durable.inngest.engine.RunExecutor;
import dev.durable.inngest.engine.RunOutcomes;
import dev.durable.inngest.engine.RunQueue;
import dev.durable.inngest.engine.RunReplays;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.RunSignals;
import dev.durable.inngest.engine.SharedCommits;
import dev.durable.inngest.engine.StepInterceptor;
import dev.durable.inngest.engine.UndeclaredFunctionRuns;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.ReplayStore;
import dev.durable.inngest.engine.store.RunStatsStore;
import dev.durable.inngest.engine.store.CronStore;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;
import dev.durable.inngest.autoconfigure.InngestLocalStoreConfiguration.EngineTransactions;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.local.DatabaseDurability;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.H2CloseOnExitPostProcessor;
import dev.durable.inngest.local.InngestSchemaVerifier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The local engine: runs durable functions on the application's own database, or in
 * memory when {@code inngest.local.store} is {@code memory} (see
 * {@link InngestLocalStoreConfiguration}). It backs off in remote mode
 * ({@code inngest.mode=remote}), where the platform runs them.
 */
@AutoConfiguration(
		after = { InngestAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				JacksonAutoConfiguration.class },
		afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean(FunctionDiscoverer.class)
@ConditionalOnProperty(name = "inngest.mode", havingValue = "local", matchIfMissing = true)
@Conditional(InngestLocalStoreConfiguration.OnStoreCondition.class)
@Import({ InngestLocalStoreConfiguration.Jdbc.class, InngestLocalStoreConfiguration.Memory.class })
public final class InngestLocalAutoConfiguration {

	/** Spring's own default time for each phase of the shutdown. */
	private static final Log logger = LogFactory.getLog(InngestLocalAutoConfiguration.class);

	private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/** The name of the engine's clock, which a test may replace to move time itself. */
	public static final String CLOCK_BEAN_NAME = "inngestClock";

	private final InngestProperties.Local properties;

	private final InngestProperties.Limits limits;

	/** The engine's time, read by every part of it that schedules or stamps. */
	private final Clock clock;

	InngestLocalAutoConfiguration(InngestProperties properties, @Qualifier(CLOCK_BEAN_NAME) Clock clock) {
		this.properties = properties.getLocal();
		this.limits = properties.getLimits();
		this.clock = clock;
	}

	/**
	 * The engine's time: UTC, as the database stores it. Injected only where its name
	 * asks for it ({@code @Qualifier("inngestClock")}), so that an application's own
	 * {@code Clock} stays the one injected by type.
	 * @return the clock
	 */
	@Bean(name = CLOCK_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = CLOCK_BEAN_NAME)
	static Clock inngestClock() {
		return Clock.systemUTC();
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
	JsonCodec inngestJsonCodec(ObjectProvider<JsonMapper> mapper) {
		return new JsonCodec(mapper.getIfUnique(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	RetryBackoff inngestRetryBackoff(Environment environment) {
		InngestProperties.Backoff backoff = this.properties.getBackoff();
		Duration jitter = PropertyChecks.notNegative("inngest.local.backoff.jitter", backoff.getJitter());
		if (backoff.getInitial() == null) {
			// Set alone, to cap or slow Inngest's schedule, they would be ignored in
			// silence.
			for (String unused : List.of("inngest.local.backoff.max", "inngest.local.backoff.multiplier")) {
				if (Binder.get(environment).bind(unused, String.class).isBound()) {
					logger.warn(unused + " is set but inngest.local.backoff.initial is not: retries follow "
							+ "Inngest's schedule, up to 2h apart, and ignore it; set inngest.local.backoff.initial "
							+ "for an exponential back-off of your own");
				}
			}
			return new RetryBackoff(jitter);
		}
		Duration initial = PropertyChecks.atLeastOneMillisecond("inngest.local.backoff.initial", backoff.getInitial());
		Duration max = PropertyChecks.atLeastOneMillisecond("inngest.local.backoff.max", backoff.getMax());
		if (max.compareTo(initial) < 0) {
			// Else the back-off would quietly wait the maximum every time.
			throw new InvalidConfigurationPropertyValueException("inngest.local.backoff.max", max,
					"It must be at least inngest.local.backoff.initial (" + initial + ").");
		}
		return new RetryBackoff(initial,
				PropertyChecks.atLeast("inngest.local.backoff.multiplier", backoff.getMultiplier(), 1), max, jitter);
	}

	@Bean
	@ConditionalOnMissingBean
	RunQueue inngestRunQueue() {
		return new RunQueue(this.clock);
	}

	@Bean
	@ConditionalOnMissingBean
	Ids inngestIds() {
		return new Ids(this.clock);
	}

	@Bean
	@ConditionalOnMissingBean
	ExpressionCache inngestExpressionCache() {
		return new ExpressionCache();
	}

	@Bean
	@ConditionalOnMissingBean
	EventIntake inngestEventIntake(EventStore events, RunStore runs, StepStore steps, WaitStore waits,
			EngineTransactions transactions, JsonCodec json, Ids ids, ExpressionCache expressions, RunSignals signals,
			FunctionDiscoverer functions, RunQueue queue, LeasedRuns executing) {
		return new EventIntake(events, runs, steps, waits, transactions.template(), this.clock, json, ids, expressions,
				this.properties.getLease().getDuration(), signals, functions::registry, queue, executing,
				this.limits.toInputLimits());
	}

	@Bean
	@ConditionalOnMissingBean
	EventIngestor inngestEventIngestor(EventIntake intake, RunCanceller canceller, SharedCommits commits,
			EventStore events, EngineTransactions transactions, ObjectProvider<DatabaseDurability> durability,
			ObjectProvider<DatabasePlatform> platform, ObjectProvider<InngestSchemaVerifier> schema) {
		Boolean groupCommit = this.properties.getSendGroupCommit();
		boolean together = (groupCommit != null) ? groupCommit : commitsWaitForDisk(durability, platform, schema);
		if (!together) {
			return new EventIngestor(intake, canceller);
		}
		// Where a send alone is one statement in autocommit, joining a group of
		// completions would cost it that group's round trips: sends are grouped with
		// sends only there.
		return new EventIngestor(intake, canceller,
				events.insertsAtOnce() ? new SharedCommits(transactions.template()) : commits);
	}

	@Bean
	@ConditionalOnMissingBean
	SharedCommits inngestSharedCommits(EngineTransactions transactions) {
		return new SharedCommits(transactions.template());
	}

	/**
	 * Whether each commit waits for the database's disk before it returns (H2 with no
	 * write delay, PostgreSQL with {@code synchronous_commit} on): there, committing
	 * concurrent writes together saves more than their wait for one another costs. Where
	 * a commit costs next to nothing, or in memory, the wait would cost more.
	 */
	private static boolean commitsWaitForDisk(ObjectProvider<DatabaseDurability> durability,
			ObjectProvider<DatabasePlatform> platform, ObjectProvider<InngestSchemaVerifier> schema) {
		DatabasePlatform database = platform.getIfAvailable();
		if (database == DatabasePlatform.H2) {
			return durability.getObject().commitWriteDelay() == 0;
		}
		InngestSchemaVerifier verifier = schema.getIfAvailable();
		return database == DatabasePlatform.POSTGRESQL && verifier != null && verifier.postgresSynchronousCommit();
	}

	@Bean
	@ConditionalOnMissingBean
	LeasedRuns inngestLeasedRuns() {
		return new LeasedRuns();
	}

	@Bean
	@ConditionalOnMissingBean
	RunCanceller inngestRunCanceller(RunStore runs, StepStore steps, WaitStore waits, EngineTransactions transactions,
			RunSignals signals, RunEndEvents endEvents, ObjectProvider<RunOutcomes> outcomes, LeasedRuns executing) {
		return new RunCanceller(runs, steps, waits, transactions.template(), this.clock, signals, endEvents,
				RunOutcomes.all(outcomes.orderedStream().toList()), executing);
	}

	@Bean
	@ConditionalOnMissingBean
	BulkCancellations inngestBulkCancellations(RunStore runs, Ids ids, ExpressionCache expressions,
			CancellationStore store, FunctionDiscoverer functions, RunCanceller canceller) {
		return new BulkCancellations(runs, this.clock, ids, expressions, store, functions::registry, canceller,
				this.limits.toInputLimits(), this.limits.toCountBudget());
	}

	@Bean
	@ConditionalOnMissingBean
	RunReplays inngestRunReplays(RunStore runs, ReplayStore store, EventIntake intake, EngineTransactions transactions,
			Ids ids, ExpressionCache expressions, FunctionDiscoverer functions, BulkCancellations bulk) {
		return new RunReplays(runs, store, intake, transactions.template(), this.clock, ids, expressions,
				functions::registry, bulk, this.limits.toCountBudget());
	}

	@Bean
	@ConditionalOnMissingBean
	InngestRuns inngestRuns(RunStore runs, CancellationStore cancellations, RunCanceller canceller,
			BulkCancellations bulk, JsonCodec json, ReplayStore replayStore, RunReplays replays, StepStore steps,
			FunctionDiscoverer functions, RunStatsStore stats, EventStore events) {
		return new EngineInngestRuns(runs, cancellations, canceller, bulk, json, replayStore, replays, steps,
				functions::registry, stats, events);
	}

	@Bean
	@ConditionalOnMissingBean
	RunEndEvents inngestRunEndEvents(InngestProperties properties, Environment environment, EventIntake intake,
			FunctionDiscoverer functions, ApplicationEventPublisher publisher, EngineTransactions transactions) {
		String appId = properties.determineAppId(environment);
		TransactionTemplate newTransaction = transactions.template();
		newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		return new RunEndEvents(appId, intake, functions::registry, publisher, newTransaction);
	}

	@Bean
	@ConditionalOnMissingBean
	RunExecutor inngestRunExecutor(RunStore runs, StepStore steps, WaitStore waits, EngineTransactions transactions,
			JsonCodec json, RetryBackoff backoff, ExpressionCache expressions, RunSignals signals,
			FunctionDiscoverer functions, EventIngestor ingestor, RunEndEvents endEvents,
			ObjectProvider<RunOutcomes> outcomes, RunCanceller canceller, LeasedRuns executing,
			ObjectProvider<DatabaseDurability> durability, ObjectProvider<DatabasePlatform> platform,
			ObjectProvider<StepInterceptor> interceptor, ObjectProvider<InngestSchemaVerifier> schema,
			SharedCommits commits) {
		Boolean groupCommit = this.properties.getGroupCommit();
		boolean commitTogether = (groupCommit != null) ? groupCommit : commitsWaitForDisk(durability, platform, schema);
		return new RunExecutor(runs, steps, waits, transactions.template(), this.clock, json, backoff, expressions,
				this.properties.getLease().getDuration(), signals, functions::registry, ingestor, endEvents,
				RunOutcomes.all(outcomes.orderedStream().toList()), canceller, executing,
				commitTogether ? commits : null, new OutputWriter(json, this.properties.getMaxOutputSize()),
				StepInterceptor.chain(interceptor.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	CronScheduler inngestCronScheduler(CronStore store, FunctionDiscoverer functions, EventIngestor ingestor,
			EngineTransactions transactions) {
		return new CronScheduler(store, functions::registry, ingestor, this.clock, transactions.template(),
				this.properties.getCrons().isEnabled());
	}

	/**
	 * How long stopping waits for executing runs: as set, else as long as Spring gives
	 * each phase of the shutdown, which the engine's synchronous stop does not otherwise
	 * respect.
	 */
	private Duration shutdownTimeout(Environment environment) {
		Duration set = this.properties.getShutdownTimeout();
		if (set != null) {
			return set;
		}
		return Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_SHUTDOWN_TIMEOUT);
	}

	@Bean
	@ConditionalOnMissingBean
	RunScheduler inngestRunScheduler(RunQueue queue, RunExecutor executor, RunStore runs, CronScheduler crons,
			LeasedRuns executing, BulkCancellations bulkCancellations, RunReplays replays,
			ObjectProvider<InngestSchemaVerifier> schema, Environment environment) {
		// The schema verifier is asked for first so that a missing schema fails the start
		// first.
		schema.getIfAvailable();
		RunScheduler.Settings settings = new RunScheduler.Settings(this.properties.getWorkers(),
				this.properties.getPollInterval(), this.properties.getLease().getDuration(),
				shutdownTimeout(environment), this.properties.getEagerStart().isEnabled(),
				this.properties.getEagerStart().getMaxWait(), this.properties.getStepTimeout(),
				Threading.VIRTUAL.isActive(environment));
		if (settings.eagerStart() && settings.hold().compareTo(settings.eagerStartMaxWait()) < 0
				&& Binder.get(environment).bind("inngest.local.eager-start.max-wait", Duration.class).isBound()) {
			logger.warn("inngest.local.eager-start.max-wait is " + settings.eagerStartMaxWait()
					+ ", more than a third of inngest.local.lease.duration (" + settings.leaseDuration()
					+ "): a run created leased waits at most " + settings.hold() + " for a worker here");
		}
		RunScheduler scheduler = new RunScheduler(queue, executor, runs, crons, executing, bulkCancellations, replays,
				settings, this.clock);
		scheduler.setAutoStartup(this.properties.isAutoStartup());
		return scheduler;
	}

	@Bean
	@ConditionalOnMissingBean
	DueRuns inngestDueRuns(RunStore runs, RunExecutor executor, CronScheduler crons,
			BulkCancellations bulkCancellations, RunReplays replays) {
		return new DueRuns(runs, executor, crons, bulkCancellations, replays, this.clock);
	}

	@Bean
	@ConditionalOnMissingBean
	UndeclaredFunctionRuns inngestUndeclaredFunctionRuns(RunStore runs, FunctionDiscoverer functions) {
		return new UndeclaredFunctionRuns(runs, functions::registry, this.clock);
	}

	@Bean
	@ConditionalOnMissingBean
	InngestClient inngestClient(EventIngestor ingestor, ObjectProvider<InngestSchemaVerifier> schema) {
		// The schema verifier is asked for so that a missing schema fails the start
		// first.
		schema.ifAvailable((verifier) -> {
		});
		return new EngineInngestClient(ingestor);
	}

	/**
	 * Gauges of the backlog and of the workers, when Micrometer is on the class path.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class BacklogMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BacklogMetrics inngestBacklogMetrics(RunStore runs, @Qualifier(CLOCK_BEAN_NAME) Clock clock) {
			return new BacklogMetrics(runs, clock, Duration.ofSeconds(1));
		}

		@Bean
		@ConditionalOnMissingBean
		WorkerMetrics inngestWorkerMetrics(ObjectProvider<RunScheduler> scheduler) {
			return new WorkerMetrics(scheduler::getObject);
		}

	}

}
