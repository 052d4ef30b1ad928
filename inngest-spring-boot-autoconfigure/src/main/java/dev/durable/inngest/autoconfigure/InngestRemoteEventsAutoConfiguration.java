package dev.durable.inngest.autoconfigure;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.remote.EventApi;
import dev.durable.inngest.remote.EventOutbox;
import dev.durable.inngest.remote.EventOutboxForwarder;
import dev.durable.inngest.remote.EventOutboxSchemaInitializer;
import dev.durable.inngest.remote.RemoteInngestClient;
import dev.durable.inngest.remote.RemoteInngestRuns;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.SystemEventFunctions;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * In remote mode ({@code inngest.mode=remote}): sends events to the Inngest platform's Event API,
 * through an outbox on the application's {@link DataSource} when there is one; finds and cancels
 * runs through its REST API; and defines the functions that publish
 * {@link dev.durable.inngest.FunctionFailedEvent} and
 * {@link dev.durable.inngest.FunctionCancelledEvent} when runs end on the platform.
 */
@AutoConfiguration(after = { InngestAutoConfiguration.class, DataSourceAutoConfiguration.class,
		DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class },
		afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		before = InngestLocalAutoConfiguration.class)
@ConditionalOnClass({ InngestFunction.class, RestClient.class })
@ConditionalOnProperty(prefix = "inngest", name = "mode", havingValue = "remote")
@EnableConfigurationProperties({ InngestProperties.class, InngestRemoteEventsProperties.class })
public final class InngestRemoteEventsAutoConfiguration {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	EventApi inngestEventApi(InngestProperties properties, InngestRemoteEventsProperties remote) {
		InngestRemoteEventsProperties.Send send = remote.getSend();
		return new EventApi(restClient(), remote.determineEventApiOrigin(), properties.getEventKey(),
				remote.isDevMode(), remote.getEnv(),
				new EventApi.Retry(send.getMaxRetries(), send.getInitialDelay(), send.getMaxDelay()));
	}

	@Bean
	@ConditionalOnMissingBean(InngestClient.class)
	RemoteInngestClient inngestClient(EventApi eventApi, InngestProperties properties,
			ObjectProvider<EventOutbox> outbox, ObjectProvider<EventOutboxForwarder> forwarder) {
		return new RemoteInngestClient(eventApi, properties.getLimits().getEventSize().toBytes(), Clock.systemUTC(),
				outbox.getIfAvailable(), forwarder.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(InngestRuns.class)
	RemoteInngestRuns inngestRuns(InngestProperties properties, InngestRemoteEventsProperties remote,
			Environment environment) {
		return new RemoteInngestRuns(restClient(), remote.determineApiOrigin(), key(properties.getSigningKey()),
				key(properties.getSigningKeyFallback()), remote.getEnv(), properties.determineAppId(environment),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	SystemEventFunctions inngestSystemEventFunctions(InngestProperties properties, Environment environment,
			ApplicationEventPublisher publisher, ObjectProvider<PlatformTransactionManager> transactionManager) {
		PlatformTransactionManager manager = transactionManager.getIfUnique();
		TransactionOperations transaction = TransactionOperations.withoutTransaction();
		if (manager != null) {
			TransactionTemplate template = new TransactionTemplate(manager);
			template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			transaction = template;
		}
		return new SystemEventFunctions(properties.determineAppId(environment), publisher, transaction);
	}

	private static RestClient restClient() {
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
		requestFactory.setReadTimeout(READ_TIMEOUT);
		return RestClient.builder().requestFactory(requestFactory).build();
	}

	private static SigningKey key(String key) {
		return StringUtils.hasText(key) ? SigningKey.of(key) : null;
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
				InngestRemoteEventsProperties remote) {
			return new EventOutboxSchemaInitializer(dataSource, remote.getOutbox().getSchemaInitialize());
		}

		@Bean
		@ConditionalOnMissingBean
		EventOutbox inngestEventOutbox(DataSource dataSource, InngestRemoteEventsProperties remote,
				EventOutboxSchemaInitializer schema) {
			return new EventOutbox(dataSource, Clock.systemUTC(), remote.getOutbox().getLease());
		}

		@Bean
		@ConditionalOnMissingBean
		EventOutboxForwarder inngestEventOutboxForwarder(EventOutbox outbox, EventApi eventApi,
				InngestRemoteEventsProperties remote) {
			InngestRemoteEventsProperties.Outbox properties = remote.getOutbox();
			return new EventOutboxForwarder(outbox, eventApi, properties.getPollInterval(),
					properties.getRetryDelay(), properties.getMaxRetryDelay());
		}

	}

}
