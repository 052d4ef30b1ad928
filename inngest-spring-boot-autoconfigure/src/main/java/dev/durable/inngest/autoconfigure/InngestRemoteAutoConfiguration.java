package dev.durable.inngest.autoconfigure;

import java.util.Arrays;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.actuate.InngestRemoteEndpoint;
import dev.durable.inngest.actuate.InngestRemoteHealthIndicator;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.local.AutoCommitDataSource;
import dev.durable.inngest.remote.AppSync;
import dev.durable.inngest.remote.CallHandler;
import dev.durable.inngest.remote.EventApi;
import dev.durable.inngest.remote.EventOutbox;
import dev.durable.inngest.remote.EventOutboxForwarder;
import dev.durable.inngest.remote.EventOutboxSchemaInitializer;
import dev.durable.inngest.remote.HttpRunPayloads;
import dev.durable.inngest.remote.RemoteCalls;
import dev.durable.inngest.remote.RemoteInngestClient;
import dev.durable.inngest.remote.RemoteInngestRuns;
import dev.durable.inngest.remote.RemoteSettings;
import dev.durable.inngest.remote.ServeEndpoint;
import dev.durable.inngest.remote.ServedFunctions;
import dev.durable.inngest.remote.StartupSync;
import dev.durable.inngest.remote.SyncClient;
import dev.durable.inngest.remote.SystemEventFunctions;
import dev.durable.inngest.engine.PropertyChecks;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Remote mode, {@code inngest.mode=remote}: the application's functions are served to the
 * Inngest platform (Inngest Cloud, or the dev server with {@code inngest.dev}) through
 * the serve endpoint at {@code inngest.serve-path}, and synced to it at start-up; call
 * requests are executed with the local engine's step semantics. Events are sent to the
 * platform's event API, through an outbox on the application's {@link DataSource} when
 * there is one; runs are found and cancelled through its REST API; and functions
 * triggered by the platform's {@code inngest/function.failed} and
 * {@code inngest/function.cancelled} publish
 * {@link dev.durable.inngest.FunctionFailedEvent} and
 * {@link dev.durable.inngest.FunctionCancelledEvent}. No local engine:
 * {@link InngestLocalAutoConfiguration} backs off in this mode.
 */
@AutoConfiguration(
		after = { InngestAutoConfiguration.class, JacksonAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class },
		afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		before = InngestWebAutoConfiguration.class)
@ConditionalOnProperty(name = "inngest.mode", havingValue = "remote")
@ConditionalOnClass({ InngestFunction.class, RestClient.class })
@EnableConfigurationProperties(InngestProperties.class)
public final class InngestRemoteAutoConfiguration {

	private static final Log logger = LogFactory.getLog(InngestRemoteAutoConfiguration.class);

	/** The largest call request the platform sends. */
	private static final DataSize PLATFORM_REQUEST_SIZE = DataSize.ofMegabytes(4);

	/** How long a sync waits to connect to the platform, and then for its answer. */
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	RemoteSettings inngestRemoteSettings(InngestProperties properties, Environment environment) {
		return RemoteSettings.resolve(properties.determineAppId(environment), properties.getDev(),
				properties.getBaseUrl(), properties.getApiBaseUrl(), properties.getEventApiBaseUrl(),
				properties.getServePath(), properties.getServeOrigin(), properties.getSigningKey(),
				properties.getSigningKeyFallback(), properties.getEventKey(), properties.getEnv(),
				properties.isAllowInBandSync(), environment.getProperty("server.servlet.context-path"));
	}

	// In dev mode nothing is verified, which a key in the configuration suggests was not
	// meant.
	@Bean
	SmartInitializingSingleton inngestRemoteModeWarning(RemoteSettings settings) {
		return () -> {
			if (settings.dev() && settings.signingKey() != null) {
				logger.warn("inngest.dev is set, so the serve endpoint does not require requests to be signed, "
						+ "although inngest.signing-key is set. Do not set inngest.dev (INNGEST_DEV) in "
						+ "production, where Inngest Cloud signs every request.");
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	SystemEventFunctions inngestSystemEventFunctions(RemoteSettings settings, ApplicationEventPublisher publisher,
			ObjectProvider<PlatformTransactionManager> transactionManager) {
		PlatformTransactionManager manager = transactionManager.getIfUnique();
		TransactionOperations transaction = TransactionOperations.withoutTransaction();
		if (manager != null) {
			TransactionTemplate template = new TransactionTemplate(manager);
			template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			transaction = template;
		}
		return new SystemEventFunctions(settings.appId(), publisher, transaction);
	}

	// The functions synced, introspected and called: the application's and the system
	// functions.
	@Bean
	@ConditionalOnMissingBean
	ServedFunctions inngestServedFunctions(FunctionDiscoverer functions,
			ObjectProvider<SystemEventFunctions> systemFunctions) {
		return new ServedFunctions(functions::registry, systemFunctions.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	AppSync inngestAppSync(RemoteSettings settings, ServedFunctions functions,
			ObjectProvider<RestClient.Builder> builder) {
		SyncClient client = new SyncClient(restClient(builder), settings.apiOrigin(), settings.signingKey(),
				settings.fallbackKey(), settings.env());
		return new AppSync(client, settings.appId(), functions, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "inngest.sync.on-startup", havingValue = "true", matchIfMissing = true)
	StartupSync inngestStartupSync(AppSync sync, RemoteSettings settings, InngestProperties properties,
			Environment environment) {
		InngestProperties.Sync config = properties.getSync();
		return new StartupSync(sync, () -> startupUrl(settings, environment), settings.apiOrigin(),
				PropertyChecks.atLeastOneMillisecond("inngest.sync.initial-interval", config.getInitialInterval()),
				PropertyChecks.atLeastOneMillisecond("inngest.sync.max-interval", config.getMaxInterval()),
				Clock.systemUTC());
	}

	/**
	 * The URL synced at start-up: the configured origin's, else, in dev mode, the local
	 * server's, which the dev server on the same machine reaches; Inngest Cloud could
	 * not.
	 */
	private static @Nullable String startupUrl(RemoteSettings settings, Environment environment) {
		if (settings.configuredAppUrl() != null) {
			return settings.configuredAppUrl();
		}
		String port = environment.getProperty("local.server.port");
		if (!settings.dev() || port == null) {
			return null;
		}
		return "http://localhost:" + port + settings.contextPath() + settings.servePath();
	}

	@Bean
	@ConditionalOnMissingBean
	EventApi inngestEventApi(RemoteSettings settings, InngestProperties properties) {
		InngestProperties.Send send = properties.getSend();
		// A client of its own: the event key is in the URL, which the application's
		// builder would record in its observations and traces.
		return new EventApi(RestClient.builder().requestFactory(requestFactory()).build(), settings.eventApiOrigin(),
				settings.eventKey(), settings.dev(), settings.env(),
				new EventApi.Retry(send.getMaxRetries(), send.getInitialDelay(), send.getMaxDelay()));
	}

	@Bean
	@ConditionalOnMissingBean(InngestClient.class)
	RemoteInngestClient inngestClient(EventApi eventApi, InngestProperties properties,
			ObjectProvider<EventOutbox> outbox, ObjectProvider<EventOutboxForwarder> forwarder) {
		return new RemoteInngestClient(eventApi,
				PropertyChecks.positive("inngest.limits.event-size", properties.getLimits().getEventSize()).toBytes(),
				Clock.systemUTC(), outbox.getIfAvailable(), forwarder.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(InngestRuns.class)
	RemoteInngestRuns inngestRuns(RemoteSettings settings, ObjectProvider<RestClient.Builder> builder) {
		return new RemoteInngestRuns(restClient(builder), settings.apiOrigin(), settings.signingKey(),
				settings.fallbackKey(), settings.env(), settings.appId(), Clock.systemUTC());
	}

	// A sendEvent step posts its events as the application's client does, checked and
	// with ids.
	@Bean
	@ConditionalOnMissingBean(CallHandler.class)
	RemoteCalls inngestCallHandler(RemoteSettings settings, ServedFunctions functions, InngestClient client,
			ObjectProvider<JsonMapper> mapper, ObjectProvider<RestClient.Builder> builder) {
		JsonMapper json = mapper.getIfUnique(() -> JsonMapper.builder().build());
		HttpRunPayloads payloads = new HttpRunPayloads(restClient(builder), settings.apiOrigin(), settings.signingKey(),
				settings.fallbackKey(), settings.env());
		return new RemoteCalls(settings.appId(), functions, json, (events) -> client.send(events.toArray(Event[]::new)),
				payloads, Clock.systemUTC());
	}

	/**
	 * A client of the platform from the application's {@code RestClient.Builder}, when
	 * Spring Boot gives one, so that its customizers and observations apply, with the
	 * starter's time-outs.
	 */
	private static RestClient restClient(ObjectProvider<RestClient.Builder> builder) {
		return builder.getIfAvailable(RestClient::builder).clone().requestFactory(requestFactory()).build();
	}

	private static JdkClientHttpRequestFactory requestFactory() {
		HttpClient httpClient = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(READ_TIMEOUT);
		return requestFactory;
	}

	/**
	 * Says why events sent in a transaction are held in memory rather than written to the
	 * outbox, when the application has several {@code DataSource}s and none is primary:
	 * the outbox does not choose one.
	 * @param beans the application's beans
	 * @return the warning, given once the beans are created
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "inngest.outbox.enabled", matchIfMissing = true)
	static SmartInitializingSingleton inngestOutboxUnavailableWarning(ListableBeanFactory beans) {
		return () -> {
			String[] dataSources = beans.getBeanNamesForType(DataSource.class);
			if (dataSources.length > 1 && beans.getBeanNamesForType(EventOutbox.class).length == 0) {
				logger.warn("The event outbox is off: the application has several DataSources "
						+ Arrays.toString(dataSources) + " and none is primary, so events sent in a transaction are "
						+ "held in memory until it commits, and lost if the application stops first. Mark the one "
						+ "to hold the outbox @Primary, or set inngest.outbox.enabled=false.");
			}
		};
	}

	/**
	 * The outbox, on the application's DataSource.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnSingleCandidate(DataSource.class)
	@ConditionalOnBooleanProperty(name = "inngest.outbox.enabled", matchIfMissing = true)
	static class OutboxConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EventOutboxSchemaInitializer inngestEventOutboxSchemaInitializer(DataSource dataSource,
				InngestProperties properties) {
			return new EventOutboxSchemaInitializer(dataSource, properties.getOutbox().getSchemaInitialize());
		}

		@Bean
		@ConditionalOnMissingBean
		EventOutbox inngestEventOutbox(DataSource dataSource, InngestProperties properties,
				EventOutboxSchemaInitializer schema) {
			return new EventOutbox(AutoCommitDataSource.of(dataSource), Clock.systemUTC(),
					PropertyChecks.atLeastOneMillisecond("inngest.outbox.lease", properties.getOutbox().getLease()));
		}

		@Bean
		@ConditionalOnMissingBean
		EventOutboxForwarder inngestEventOutboxForwarder(EventOutbox outbox, EventApi eventApi,
				InngestProperties properties) {
			InngestProperties.Outbox config = properties.getOutbox();
			return new EventOutboxForwarder(outbox, eventApi,
					PropertyChecks.atLeastOneMillisecond("inngest.outbox.poll-interval", config.getPollInterval()),
					PropertyChecks.atLeastOneMillisecond("inngest.outbox.retry-delay", config.getRetryDelay()),
					PropertyChecks.atLeastOneMillisecond("inngest.outbox.max-retry-delay", config.getMaxRetryDelay()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RouterFunction.class)
	static class ServeConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "inngestServeEndpoint")
		RouterFunction<ServerResponse> inngestServeEndpoint(RemoteSettings settings, ServedFunctions functions,
				CallHandler callHandler, AppSync sync, InngestProperties properties) {
			DataSize limit = PropertyChecks.positive("inngest.limits.serve-request-size",
					properties.getLimits().getServeRequestSize());
			if (limit.toBytes() < PLATFORM_REQUEST_SIZE.toBytes()) {
				logger.warn("inngest.limits.serve-request-size is " + limit.toBytes() + " bytes, below the "
						+ PLATFORM_REQUEST_SIZE.toMegabytes()
						+ "MB a call request from the platform may take: a larger one is refused with 413, for good, and "
						+ "its run fails. Leave it unset (5MB) unless the platform sends this application less");
			}
			return new ServeEndpoint(settings, functions, callHandler, sync, Clock.systemUTC(), limit.toBytes())
				.routes();
		}

	}

	// Without Spring MVC (no web application, or a reactive one) nothing serves the
	// platform, which would fail every call without a word here.
	@Configuration(proxyBeanMethods = false)
	@Conditional(NotServletWebApplication.class)
	static class NoServeEndpointConfiguration {

		@Bean
		SmartInitializingSingleton inngestNoServeEndpointWarning(RemoteSettings settings) {
			return () -> logger.warn("inngest.mode is remote but the application is not a Spring MVC web "
					+ "application, so nothing serves " + settings.servePath() + " and the platform cannot call "
					+ "the functions. Add spring-boot-starter-webmvc (a WebFlux application is not supported).");
		}

	}

	static final class NotServletWebApplication extends NoneNestedConditions {

		NotServletWebApplication() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		@ConditionalOnClass(RouterFunction.class)
		static final class ServletWebApplication {

		}

	}

	// The Actuator conditions sit one class further in, so that nothing reads them
	// without Actuator.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class ActuatorConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnAvailableEndpoint(InngestRemoteEndpoint.class)
		static class EndpointConfiguration {

			@Bean
			@ConditionalOnMissingBean
			InngestRemoteEndpoint inngestRemoteEndpoint(RemoteSettings settings, ServedFunctions functions,
					AppSync sync) {
				return new InngestRemoteEndpoint(settings, functions, sync);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class HealthConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnEnabledHealthIndicator("inngest")
		static class HealthIndicatorConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "inngestHealthIndicator")
			InngestRemoteHealthIndicator inngestHealthIndicator(RemoteSettings settings, AppSync sync) {
				return new InngestRemoteHealthIndicator(settings, sync);
			}

		}

	}

}
