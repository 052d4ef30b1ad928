package dev.durable.inngest.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.actuate.InngestRemoteEndpoint;
import dev.durable.inngest.actuate.InngestRemoteHealthIndicator;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.remote.EventApi;
import dev.durable.inngest.remote.AppSync;
import dev.durable.inngest.remote.CallHandler;
import dev.durable.inngest.remote.CallResponse;
import dev.durable.inngest.remote.InvalidRemoteConfigurationException;
import dev.durable.inngest.remote.RemoteCalls;
import dev.durable.inngest.remote.RemoteInngestClient;
import dev.durable.inngest.remote.RemoteInngestRuns;
import dev.durable.inngest.remote.RemoteSettings;
import dev.durable.inngest.remote.ServedFunctions;
import dev.durable.inngest.remote.StartupSync;
import dev.durable.inngest.remote.SystemEventFunctions;
import dev.durable.inngest.testsupport.StartupFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The conditions and the configuration of remote mode.
 */
@ExtendWith(OutputCaptureExtension.class)
class InngestRemoteAutoConfigurationTests {

	private static final String KEY = "signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private static final String RAW_KEY = "8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private final ApplicationContextRunner withDatabase = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				InngestRemoteAutoConfiguration.class, InngestActuatorAutoConfiguration.class,
				InngestRetentionAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class));

	private final ApplicationContextRunner withoutDatabase = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				InngestRemoteAutoConfiguration.class, InngestActuatorAutoConfiguration.class,
				InngestRetentionAutoConfiguration.class));

	@Test
	void localModeIsTheDefault() {
		this.withDatabase.run((context) -> {
			assertThat(context).hasSingleBean(RunScheduler.class);
			assertThat(context).doesNotHaveBean(RemoteSettings.class);
			assertThat(context).doesNotHaveBean(AppSync.class);
		});
	}

	@Test
	void remoteModeBacksTheLocalEngineOffEvenWithADataSource() {
		this.withDatabase.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + KEY).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(DataSource.class);
			assertThat(context).doesNotHaveBean(RunScheduler.class);
			assertThat(context).doesNotHaveBean(RunStore.class);
			assertThat(context).doesNotHaveBean(InngestSchemaInitializer.class);
			assertThat(context).hasSingleBean(RemoteSettings.class);
			assertThat(context).hasSingleBean(CallHandler.class);
			assertThat(context).hasSingleBean(StartupSync.class);
		});
	}

	@Test
	void remoteModeStartsWithNoDataSource() {
		this.withoutDatabase.withPropertyValues("inngest.mode=REMOTE", "inngest.dev=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(DataSource.class);
			assertThat(context).doesNotHaveBean(RunScheduler.class);
			assertThat(context).hasSingleBean(AppSync.class);
			assertThat(context.getBean(RemoteSettings.class).dev()).isTrue();
		});
	}

	@Test
	void withoutADataSourceLocalModeConfiguresNoEngine() {
		this.withoutDatabase.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RunScheduler.class);
			assertThat(context).doesNotHaveBean(RemoteSettings.class);
		});
	}

	@Test
	void remoteModeStartsWithoutActuatorOnTheClassPath() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestRemoteAutoConfiguration.class))
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(AppSync.class);
			});
	}

	@Test
	void remoteModeWithoutSpringMvcSaysNothingServesThePlatform() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("inngestNoServeEndpointWarning"));
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestRemoteAutoConfiguration.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("inngestNoServeEndpointWarning"));
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestRemoteAutoConfiguration.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("inngestServeEndpoint")
				.doesNotHaveBean("inngestNoServeEndpointWarning"));
	}

	@Test
	void theEventKeyInTheEventApisUrlNeverGoesThroughTheApplicationsRestClient() {
		List<String> seen = new CopyOnWriteArrayList<>();
		this.withoutDatabase.withBean(RestClient.Builder.class,
				() -> RestClient.builder().requestInterceptor((request, body, execution) -> {
					seen.add(request.getURI().toString());
					return execution.execute(request, body);
				}))
			.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + KEY,
					"inngest.event-key=secret-event-key", "inngest.event-api-base-url=http://127.0.0.1:1",
					"inngest.api-base-url=http://127.0.0.1:1", "inngest.send.max-retries=0",
					"inngest.sync.on-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> context.getBean(EventApi.class)
					.send("[{\"name\":\"test/x\",\"data\":{}}]".getBytes(StandardCharsets.UTF_8)));
				// The runs client goes through it, with no secret in its URL.
				assertThatExceptionOfType(RuntimeException.class)
					.isThrownBy(() -> context.getBean(InngestRuns.class).find("01RUN"));
				assertThat(seen).isNotEmpty().noneMatch((uri) -> uri.contains("secret-event-key"));
			});
	}

	@Test
	void remoteModeWithoutRestClientStopsTheStartNamingTheStarter() {
		this.withoutDatabase.withClassLoader(new FilteredClassLoader(RestClient.class))
			.withPropertyValues("inngest.mode=remote")
			.run((context) -> {
				assertThat(context).hasFailed();
				StartupFailures.assertInvalidProperty(context.getStartupFailure(), "inngest.mode", "remote");
				assertThat(context.getStartupFailure()).hasStackTraceContaining("inngest-spring-boot-starter-remote");
			});
	}

	@Test
	void theHealthIndicatorAndEndpointShowTheSync() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class,
					InngestLocalAutoConfiguration.class, InngestRemoteAutoConfiguration.class,
					InngestWebAutoConfiguration.class, EndpointAutoConfiguration.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true",
					"management.endpoints.web.exposure.include=inngest")
			.run((context) -> {
				assertThat(context).hasSingleBean(InngestRemoteHealthIndicator.class);
				assertThat(context).getBean("inngestServeEndpoint").isNotNull();
				assertThat(context).hasSingleBean(InngestRemoteEndpoint.class);
				assertThat(context.getBean(InngestRemoteEndpoint.class).remote()).containsEntry("sync", "not_synced")
					.containsEntry("lastSyncedAt", "never");
			});
	}

	@Test
	void aServeRequestSizeBelowWhatThePlatformSendsIsWarnedOf(CapturedOutput output) {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestRemoteAutoConfiguration.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.sync.on-startup=false",
					"inngest.limits.serve-request-size=1MB")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("inngest.limits.serve-request-size is 1048576 bytes, below the 4MB a "
						+ "call request from the platform may take");
			});
	}

	@Test
	void sizesThatCannotBeUsedFailTheStartInRemoteMode() {
		WebApplicationContextRunner web = new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestRemoteAutoConfiguration.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true");
		web.withPropertyValues("inngest.limits.serve-request-size=0B")
			.run((context) -> StartupFailures.assertInvalidProperty(context.getStartupFailure(),
					"inngest.limits.serve-request-size", "0B"));
		web.withPropertyValues("inngest.send.initial-delay=0ms")
			.run((context) -> StartupFailures.assertInvalidProperty(context.getStartupFailure(),
					"inngest.send.initial-delay", "PT0S"));
		web.withPropertyValues("inngest.send.max-delay=100ms")
			.run((context) -> StartupFailures.assertInvalidProperty(context.getStartupFailure(),
					"inngest.send.max-delay", "PT0.1S"));
		web.withPropertyValues("inngest.limits.event-size=-1KB")
			.run((context) -> StartupFailures.assertInvalidProperty(context.getStartupFailure(),
					"inngest.limits.event-size", "-1024B"));
	}

	@Test
	void callsAreExecutedAndEventsAndRunsGoToThePlatform() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=1").run((context) -> {
			assertThat(context).getBean(CallHandler.class).isInstanceOf(RemoteCalls.class);
			assertThat(context).getBean(InngestClient.class).isInstanceOf(RemoteInngestClient.class);
			assertThat(context).getBean(InngestRuns.class).isInstanceOf(RemoteInngestRuns.class);
		});
	}

	@Test
	void theSystemFunctionsAreServedWithTheApplicationsOwn() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=1", "inngest.app-id=shop")
			.withUserConfiguration(OneFunction.class)
			.run((context) -> assertThat(context.getBean(ServedFunctions.class).get().all())
				.extracting(FunctionDefinition::id)
				.containsExactlyInAnyOrder("charge", SystemEventFunctions.FAILED_ID,
						SystemEventFunctions.CANCELLED_ID));
	}

	@Test
	void theUsersOwnCallHandlerWins() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=1")
			.withBean(CallHandler.class, () -> (request) -> new CallResponse(200, Map.of(), "null"))
			.run((context) -> {
				assertThat(context).hasSingleBean(CallHandler.class);
				assertThat(context).doesNotHaveBean(RemoteCalls.class);
			});
	}

	@Test
	void theStartupSyncCanBeTurnedOff() {
		this.withoutDatabase
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.sync.on-startup=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(StartupSync.class);
				assertThat(context).hasSingleBean(AppSync.class);
			});
	}

	@Test
	void cloudModeWithoutASigningKeyStopsTheStartNamingThePropertyAndTheFix() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote").run((context) -> {
			assertThat(context).hasFailed();
			// Spring logs the exception's message before the analysis, so it names the
			// property as well.
			assertThat(StartupFailures.cause(context.getStartupFailure(), InvalidRemoteConfigurationException.class))
				.hasMessageStartingWith("inngest.signing-key is not set");
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.isEqualTo("Inngest remote mode cannot start: inngest.signing-key is not set, and Inngest Cloud "
						+ "signs every request with it");
			assertThat(analysis.getAction()).contains("INNGEST_SIGNING_KEY").contains("inngest.dev=true");
		});
	}

	@Test
	void aValueThatIsNotASigningKeyStopsTheStartWithoutBeingEchoed(CapturedOutput output) {
		String typo = "signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6fz";
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + typo).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("inngest.signing-key")
				.contains("not an Inngest signing key: it holds characters that are not hex digits");
			assertThat(analysis.getAction()).contains("signkey-<env>-<hex>");
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(RAW_KEY);
		});
		assertThat(output).doesNotContain(RAW_KEY);
	}

	@Test
	void aKeyWithAnOddNumberOfHexDigitsSaysSo() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.signing-key=signkey-prod-abc")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("not an Inngest signing key: it has 3 hex digits, an odd number"));
	}

	@Test
	void anInvalidFallbackKeyNamesItsProperty() {
		this.withoutDatabase
			.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + KEY,
					"inngest.signing-key-fallback=not a key")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("inngest.signing-key-fallback"));
	}

	@Test
	void anInvalidModeStopsTheStartNamingTheValuesItTakes() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remtoe").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure(),
					new MockEnvironment().withProperty("inngest.mode", "remtoe"));
			assertThat(analysis.getDescription()).contains("inngest.mode").contains("remtoe");
			assertThat(analysis.getAction()).containsIgnoringCase("local").containsIgnoringCase("remote");
		});
	}

	@Test
	void anInvalidDevValueOrOriginNamesItsProperty() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=yes")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("inngest.dev"));
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.base-url=inngest")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("inngest.base-url"));
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.serve-path=api")
			.run((context) -> assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("inngest.serve-path"));
	}

	@Test
	void devModeWithASigningKeyWarnsWithoutShowingTheKey(CapturedOutput output) {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true", "inngest.signing-key=" + KEY)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("inngest.dev is set").contains("inngest.signing-key is set");
		assertThat(output).doesNotContain(RAW_KEY);
	}

	@Test
	void remoteModeWithoutSpringMvcWarnsThatNothingServesThePlatform(CapturedOutput output) {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("nothing serves /api/inngest");
	}

	@Test
	void cloudModeWithAKeyDoesNotWarn(CapturedOutput output) {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + KEY)
			.run((context) -> assertThat(context.getBean(RemoteSettings.class).toString()).doesNotContain(RAW_KEY));
		assertThat(output).doesNotContain("inngest.dev is set").doesNotContain(RAW_KEY);
	}

	@Test
	void cloudModeTalksToInngestCloud() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + KEY).run((context) -> {
			RemoteSettings settings = context.getBean(RemoteSettings.class);
			assertThat(settings.dev()).isFalse();
			assertThat(settings.apiOrigin()).isEqualTo("https://api.inngest.com");
			assertThat(settings.eventApiOrigin()).isEqualTo("https://inn.gs");
			assertThat(settings.servePath()).isEqualTo("/api/inngest");
		});
	}

	@Test
	void devModeTalksToTheDevServer() {
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=true").run((context) -> {
			RemoteSettings settings = context.getBean(RemoteSettings.class);
			assertThat(settings.apiOrigin()).isEqualTo("http://localhost:8288");
			assertThat(settings.eventApiOrigin()).isEqualTo("http://localhost:8288");
		});
		this.withoutDatabase.withPropertyValues("inngest.mode=remote", "inngest.dev=http://127.0.0.1:9999/")
			.run((context) -> {
				RemoteSettings settings = context.getBean(RemoteSettings.class);
				assertThat(settings.dev()).isTrue();
				assertThat(settings.apiOrigin()).isEqualTo("http://127.0.0.1:9999");
				assertThat(settings.eventApiOrigin()).isEqualTo("http://127.0.0.1:9999");
			});
	}

	@Test
	void eachOriginOverridesTheBaseUrl() {
		this.withoutDatabase
			.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + KEY,
					"inngest.base-url=https://inngest.example.com", "inngest.api-base-url=https://api.example.com",
					"inngest.serve-origin=https://orders.example.com/", "inngest.serve-path=/inngest/serve/")
			.run((context) -> {
				RemoteSettings settings = context.getBean(RemoteSettings.class);
				assertThat(settings.apiOrigin()).isEqualTo("https://api.example.com");
				assertThat(settings.eventApiOrigin()).isEqualTo("https://inngest.example.com");
				assertThat(settings.configuredAppUrl()).isEqualTo("https://orders.example.com/inngest/serve");
			});
	}

	@Test
	void theUrlSyncedFromTheServeOriginHasTheServletContextPath() {
		this.withoutDatabase
			.withPropertyValues("inngest.mode=remote", "inngest.signing-key=" + KEY,
					"inngest.serve-origin=https://orders.example.com", "server.servlet.context-path=/shop/")
			.run((context) -> {
				RemoteSettings settings = context.getBean(RemoteSettings.class);
				assertThat(settings.configuredAppUrl()).isEqualTo("https://orders.example.com/shop/api/inngest");
				assertThat(settings.serveOrigin()).isEqualTo("https://orders.example.com");
			});
	}

	@Test
	void theSdksEnvironmentVariablesConfigureRemoteMode() {
		Map<String, Object> variables = Map.of("INNGEST_MODE", "remote", "INNGEST_SIGNING_KEY", KEY,
				"INNGEST_SIGNING_KEY_FALLBACK", "signkey-prod-0123456789abcdef0123456789abcdef", "INNGEST_EVENT_KEY",
				"evt", "INNGEST_ENV", "feature-x", "INNGEST_API_BASE_URL", "https://api.example.com",
				"INNGEST_EVENT_API_BASE_URL", "https://events.example.com", "INNGEST_SERVE_ORIGIN",
				"https://orders.example.com", "INNGEST_SERVE_PATH", "/serve");
		this.withoutDatabase
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", variables)))
			.run((context) -> {
				RemoteSettings settings = context.getBean(RemoteSettings.class);
				assertThat(settings.signingKey()).isNotNull();
				assertThat(settings.fallbackKey()).isNotNull();
				assertThat(settings.eventKey()).isEqualTo("evt");
				assertThat(settings.env()).isEqualTo("feature-x");
				assertThat(settings.apiOrigin()).isEqualTo("https://api.example.com");
				assertThat(settings.eventApiOrigin()).isEqualTo("https://events.example.com");
				assertThat(settings.configuredAppUrl()).isEqualTo("https://orders.example.com/serve");
			});
		this.withoutDatabase
			.withInitializer(
					(context) -> context.getEnvironment()
						.getPropertySources()
						.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", Map.of("INNGEST_MODE",
								"remote", "INNGEST_DEV", "1", "INNGEST_BASE_URL", "http://inngest:8288"))))
			.run((context) -> {
				RemoteSettings settings = context.getBean(RemoteSettings.class);
				assertThat(settings.dev()).isTrue();
				assertThat(settings.apiOrigin()).isEqualTo("http://inngest:8288");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OneFunction {

		@Bean
		Charge charge() {
			return new Charge();
		}

	}

	static class Charge {

		@InngestFunction(id = "charge", event = "shop/order.placed")
		void charge(Event event) {
		}

	}

}
