package dev.durable.inngest.autoconfigure;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.actuate.InngestRemoteEndpoint;
import dev.durable.inngest.actuate.InngestRemoteHealthIndicator;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.remote.AppSync;
import dev.durable.inngest.remote.CallHandler;
import dev.durable.inngest.remote.CallResponse;
import dev.durable.inngest.remote.RemoteSettings;
import dev.durable.inngest.remote.ServeEndpoint;
import dev.durable.inngest.remote.StartupSync;
import dev.durable.inngest.remote.SyncClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Remote mode, {@code inngest.mode=remote}: the application's functions are served to the
 * Inngest platform (Inngest Cloud, or the dev server with {@code inngest.dev}) through the serve
 * endpoint at {@code inngest.serve-path}, and synced to it at start-up. No local engine and no
 * database: {@link InngestLocalAutoConfiguration} backs off in this mode.
 */
@AutoConfiguration(after = InngestAutoConfiguration.class, before = InngestWebAutoConfiguration.class)
@ConditionalOnProperty(name = "inngest.mode", havingValue = "remote")
@ConditionalOnClass(RestClient.class)
public final class InngestRemoteAutoConfiguration {

	private static final Log logger = LogFactory.getLog(InngestRemoteAutoConfiguration.class);

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
				properties.isAllowInBandSync());
	}

	// In dev mode nothing is verified, which a key in the configuration suggests was not meant.
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
	AppSync inngestAppSync(RemoteSettings settings, FunctionDiscoverer functions,
			ObjectProvider<RestClient.Builder> builder) {
		HttpClient httpClient = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(READ_TIMEOUT);
		RestClient restClient = builder.getIfAvailable(RestClient::builder).clone().requestFactory(requestFactory)
			.build();
		SyncClient client = new SyncClient(restClient, settings.apiOrigin(), settings.signingKey(),
				settings.fallbackKey(), settings.env());
		return new AppSync(client, settings.appId(), functions::registry, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "inngest.sync.on-startup", havingValue = "true", matchIfMissing = true)
	StartupSync inngestStartupSync(AppSync sync, RemoteSettings settings, InngestProperties properties,
			Environment environment) {
		InngestProperties.Sync config = properties.getSync();
		return new StartupSync(sync, () -> startupUrl(settings, environment), settings.apiOrigin(),
				config.getInitialInterval(), config.getMaxInterval(), Clock.systemUTC());
	}

	/**
	 * The URL synced at start-up: the configured origin's, else, in dev mode, the local server's,
	 * which the dev server on the same machine reaches; Inngest Cloud could not.
	 */
	private static String startupUrl(RemoteSettings settings, Environment environment) {
		if (settings.configuredAppUrl() != null) {
			return settings.configuredAppUrl();
		}
		String port = environment.getProperty("local.server.port");
		if (!settings.dev() || port == null) {
			return null;
		}
		return "http://localhost:" + port + environment.getProperty("server.servlet.context-path", "")
				+ settings.servePath();
	}

	// Executing call requests (steps, ops) is another part of remote mode; until it is there, the
	// endpoint answers call requests with a retriable error that says so.
	@Bean
	@ConditionalOnMissingBean
	CallHandler inngestCallHandler() {
		return (request) -> new CallResponse(500, Map.of("X-Inngest-No-Retry", "false"),
				"{\"error\":\"Executing functions is not supported in remote mode yet\",\"status\":500}");
	}

	// Sending events to Inngest's event API and reading runs from its REST API are other parts of
	// remote mode; their beans replace these, which only let an application that injects them start.
	@Bean
	@ConditionalOnMissingBean
	InngestClient inngestClient() {
		return NotYetInRemoteMode.of(InngestClient.class, "Sending events");
	}

	@Bean
	@ConditionalOnMissingBean
	InngestRuns inngestRuns() {
		return NotYetInRemoteMode.of(InngestRuns.class, "Reading and cancelling runs");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RouterFunction.class)
	static class ServeConfiguration {

		@Bean
		RouterFunction<ServerResponse> inngestServeEndpoint(RemoteSettings settings, FunctionDiscoverer functions,
				CallHandler callHandler, AppSync sync, InngestProperties properties) {
			return new ServeEndpoint(settings, functions::registry, callHandler, sync, Clock.systemUTC(),
					properties.getLimits().getServeRequestSize().toBytes())
				.routes();
		}

	}

	// Without Spring MVC nothing serves the platform, which would fail every call without a word here.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnNotWebApplication
	static class NoServeEndpointConfiguration {

		@Bean
		SmartInitializingSingleton inngestNoServeEndpointWarning(RemoteSettings settings) {
			return () -> logger.warn("inngest.mode is remote but the application is not a Spring MVC web "
					+ "application, so nothing serves " + settings.servePath() + " and the platform cannot call "
					+ "the functions. Add spring-boot-starter-webmvc.");
		}

	}

	// The Actuator conditions sit one class further in, so that nothing reads them without Actuator.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class ActuatorConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnAvailableEndpoint(InngestRemoteEndpoint.class)
		static class EndpointConfiguration {

			@Bean
			@ConditionalOnMissingBean
			InngestRemoteEndpoint inngestRemoteEndpoint(RemoteSettings settings, FunctionDiscoverer functions,
					AppSync sync) {
				return new InngestRemoteEndpoint(settings, functions::registry, sync);
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
