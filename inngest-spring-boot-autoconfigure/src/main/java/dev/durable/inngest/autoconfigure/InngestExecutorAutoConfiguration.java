package dev.durable.inngest.autoconfigure;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import dev.durable.inngest.engine.CronScheduler;
import dev.durable.inngest.engine.PropertyChecks;
import dev.durable.inngest.engine.RunExecutor;
import dev.durable.inngest.engine.store.AppStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.executor.AppRefresher;
import dev.durable.inngest.executor.AppSyncs;
import dev.durable.inngest.executor.InvalidExecutorConfigurationException;
import dev.durable.inngest.executor.RegisterEndpoint;
import dev.durable.inngest.executor.RunPayloadEndpoint;
import dev.durable.inngest.executor.ServedApps;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.SigningKeys;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The local engine as an Inngest executor ({@code inngest.executor.enabled}): apps that
 * serve functions with an Inngest SDK sync to {@code /fn/register} and their functions
 * run on the engine, fetching the events and steps of a call too large to carry them from
 * {@code /v0/runs/{runId}}, and the apps of {@code inngest.executor.apps} are synced once
 * the application has started. Off by default: a sync adds code that the engine calls.
 */
@AutoConfiguration(after = InngestLocalAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnProperty(name = "inngest.executor.enabled", havingValue = "true")
@ConditionalOnBean(RunExecutor.class)
public final class InngestExecutorAutoConfiguration {

	private static final Log logger = LogFactory.getLog(InngestExecutorAutoConfiguration.class);

	/**
	 * A key as Inngest makes them: its prefix, then the hex of at least 16 bytes, which
	 * the SDKs hash hex-decoded.
	 */
	private static final Pattern SIGNING_KEY = Pattern.compile("signkey-\\w+-(?:[0-9a-fA-F]{2}){16,}");

	@Bean
	@ConditionalOnMissingBean
	ServedApps inngestServedApps(InngestProperties properties, AppStore store, FunctionDiscoverer functions,
			ObjectProvider<JsonMapper> mapper, @Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) Clock clock,
			CronScheduler crons) {
		InngestProperties.Executor executor = properties.getExecutor();
		// A served function's schedule counts from the sync that brought it.
		return ServedApps.create(store, functions, signingKey(executor.getSigningKey()),
				PropertyChecks.atLeastOneMillisecond("inngest.executor.call-timeout", executor.getCallTimeout()),
				PropertyChecks.positive("inngest.executor.max-call-payload", executor.getMaxCallPayload()).toBytes(),
				mapper.getIfUnique(() -> JsonMapper.builder().build()), clock, crons::register);
	}

	@Bean
	@ConditionalOnMissingBean
	AppRefresher inngestAppRefresher(ServedApps apps, InngestProperties properties) {
		return new AppRefresher(apps, PropertyChecks.atLeastOneMillisecond("inngest.executor.refresh-interval",
				properties.getExecutor().getRefreshInterval()));
	}

	@Bean
	@ConditionalOnMissingBean
	AppSyncs inngestAppSyncs(ServedApps apps, InngestProperties properties, ObjectProvider<JsonMapper> mapper) {
		List<URI> urls = properties.getExecutor().getApps();
		for (URI url : urls) {
			String scheme = url.getScheme();
			if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || url.getHost() == null) {
				throw new InvalidConfigurationPropertyValueException("inngest.executor.apps", url,
						"Each app must be the absolute http or https URL it serves its functions at");
			}
		}
		Duration pollInterval = properties.getExecutor().getAppsPollInterval();
		if (pollInterval != null && pollInterval.toMillis() < 1) {
			throw new InvalidConfigurationPropertyValueException("inngest.executor.apps-poll-interval", pollInterval,
					"The interval must be at least 1ms; leave it unset to sync the apps once, at start-up");
		}
		return new AppSyncs(apps, urls, mapper.getIfUnique(() -> JsonMapper.builder().build()), pollInterval);
	}

	// The apps send their events, step.sendEvent's included, to the Event API, which the
	// event key turns on: without it their sends fail, and their runs with them.
	@Bean
	SmartInitializingSingleton inngestExecutorEventKeyWarning(InngestProperties properties) {
		return () -> {
			if (!StringUtils.hasText(properties.getEventKey())) {
				logger.warn("inngest.executor.enabled is true but inngest.event-key is not set: the Event API is off, "
						+ "so the apps synced to this application cannot send events");
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean(name = "inngestRegisterApi")
	RouterFunction<ServerResponse> inngestRegisterApi(ServedApps apps, InngestProperties properties) {
		return new RegisterEndpoint(apps, signingKeys(properties.getExecutor().getSigningKey()),
				PropertyChecks.positive("inngest.limits.request-size", properties.getLimits().getRequestSize())
					.toBytes())
			.routes();
	}

	@Bean
	@ConditionalOnMissingBean(name = "inngestRunPayloadApi")
	RouterFunction<ServerResponse> inngestRunPayloadApi(RunStore runs, StepStore steps, FunctionDiscoverer functions,
			InngestProperties properties, ObjectProvider<JsonMapper> mapper) {
		return new RunPayloadEndpoint(runs, steps, functions, signingKeys(properties.getExecutor().getSigningKey()),
				mapper.getIfUnique(() -> JsonMapper.builder().build()))
			.routes();
	}

	private static SigningKey signingKey(@Nullable String key) {
		if (key == null || key.isBlank()) {
			throw new InvalidExecutorConfigurationException("is not set");
		}
		if (!SIGNING_KEY.matcher(key.trim()).matches()) {
			throw new InvalidExecutorConfigurationException(
					"is not a signing key of the form signkey-<env>-<hex>, with an even number of at least 32 hex "
							+ "digits (" + key.trim().length() + " characters given)");
		}
		return SigningKey.of(key);
	}

	/**
	 * The bearer tokens the apps authenticate with: the executor's key, hashed as the
	 * SDKs send it or as it is.
	 */
	private static SigningKeys signingKeys(@Nullable String key) {
		signingKey(key);
		return new SigningKeys(key);
	}

}
