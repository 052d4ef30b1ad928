package dev.durable.inngest.autoconfigure;

import java.net.URI;
import java.time.Duration;

import dev.durable.inngest.executor.AppRefresher;
import dev.durable.inngest.executor.AppSyncs;
import dev.durable.inngest.executor.InvalidExecutorConfigurationException;
import dev.durable.inngest.executor.ServedApps;
import dev.durable.inngest.testsupport.StartupFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.durable.inngest.testsupport.StartupFailures.assertInvalidProperty;

/**
 * The conditions of the executor's auto-configuration, the start that its missing or
 * malformed signing key or app URL fails, and the start that an app that is down does not
 * fail.
 */
@ExtendWith(OutputCaptureExtension.class)
class InngestExecutorAutoConfigurationTests {

	private static final String KEY = "signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				InngestExecutorAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void executorValuesThatCannotBeUsedFailTheStart() {
		String[] executor = { "inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY };
		this.runner.withPropertyValues(executor)
			.withPropertyValues("inngest.executor.call-timeout=0s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.executor.call-timeout",
					"PT0S"));
		this.runner.withPropertyValues(executor)
			.withPropertyValues("inngest.executor.refresh-interval=0s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.executor.refresh-interval",
					"PT0S"));
		this.runner.withPropertyValues(executor)
			.withPropertyValues("inngest.executor.max-call-payload=0B")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.executor.max-call-payload",
					"0B"));
		this.runner.withPropertyValues(executor)
			.withPropertyValues("inngest.limits.request-size=-1B")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.limits.request-size", "-1B"));
	}

	@Test
	void theExecutorIsOffByDefault() {
		this.runner.withPropertyValues("inngest.executor.signing-key=" + KEY).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ServedApps.class);
			assertThat(context).doesNotHaveBean("inngestRegisterApi");
			assertThat(context).doesNotHaveBean("inngestRunPayloadApi");
		});
	}

	@Test
	void theExecutorIsOnWhenEnabledWithASigningKey() {
		this.runner.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY)
			.run((context) -> {
				assertThat(context).hasSingleBean(ServedApps.class);
				assertThat(context).hasSingleBean(AppRefresher.class);
				assertThat(context).hasBean("inngestRegisterApi");
				assertThat(context).hasBean("inngestRunPayloadApi");
			});
	}

	@Test
	void anAppThatCannotBeReachedDoesNotFailTheStart(CapturedOutput output) {
		this.runner
			.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
					"inngest.executor.apps=http://127.0.0.1:1/api/inngest")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(AppSyncs.class).urls())
					.containsExactly(URI.create("http://127.0.0.1:1/api/inngest"));
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(
							() -> assertThat(output).contains(
									"The sync of the app at http://127.0.0.1:1/api/inngest failed: Syncing "
											+ "http://127.0.0.1:1/api/inngest failed",
									"trying again in the background"));
			});
	}

	@Test
	void anAppThatIsNotAnHttpUrlFailsTheStart() {
		this.runner
			.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
					"inngest.executor.apps=billing.internal/api/inngest")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
					.contains("inngest.executor.apps", "absolute http or https URL");
			});
	}

	@Test
	void anAppsPollIntervalUnderAMillisecondFailsTheStart() {
		this.runner
			.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
					"inngest.executor.apps-poll-interval=500us")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
					.contains("inngest.executor.apps-poll-interval", "must be at least 1ms");
			});
	}

	@Test
	void anEnabledExecutorWithoutAnEventKeyWarns(CapturedOutput output) {
		this.runner.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY)
			.run((context) -> assertThat(output).contains("inngest.event-key is not set"));
	}

	@Test
	void anEnabledExecutorWithAnEventKeyDoesNotWarn(CapturedOutput output) {
		this.runner
			.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
					"inngest.event-key=key")
			.run((context) -> assertThat(output).doesNotContain("inngest.event-key is not set"));
	}

	@Test
	void theExecutorIsOffInRemoteMode() {
		this.runner
			.withPropertyValues("inngest.mode=remote", "inngest.executor.enabled=true",
					"inngest.executor.signing-key=" + KEY)
			.run((context) -> assertThat(context).doesNotHaveBean(ServedApps.class));
	}

	@Test
	void anEnabledExecutorWithoutASigningKeyFailsTheStart() {
		this.runner.withPropertyValues("inngest.executor.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
			assertThat(StartupFailures.cause(context.getStartupFailure(), InvalidExecutorConfigurationException.class))
				.hasMessage("inngest.executor.signing-key is not set");
			assertThat(analysis.getDescription())
				.isEqualTo("The Inngest executor cannot start: inngest.executor.signing-key is not set");
			assertThat(analysis.getAction()).contains("inngest.executor.enabled=false");
		});
	}

	@Test
	void aMalformedSigningKeyFailsTheStartWithoutShowingIt() {
		String secret = "signkey-prod-not-hex-but-secret-value";
		this.runner.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + secret)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("is not a signing key of the form");
				assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("secret");
				assertThat(context.getStartupFailure().toString()).doesNotContain("secret");
			});
	}

}
