package dev.durable.inngest.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties set where they have no effect are warned of at start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class IgnoredPropertiesWarningTests {

	private static final String KEY = "signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private final AutoConfigurations configurations = AutoConfigurations.of(InngestAutoConfiguration.class,
			InngestLocalAutoConfiguration.class, InngestExecutorAutoConfiguration.class,
			DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class);

	@Test
	void remoteModesSettingsWhereLocalModeIsTheDefaultAreWarnedOf(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("inngest.dev=true", "inngest.serve-origin=https://shop.example.com",
					"inngest.local.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output)
					.contains("inngest.dev, inngest.serve-origin are set, but only remote mode reads "
							+ "them, and inngest.mode is not set")
					.contains("Set inngest.mode=remote to serve them to an Inngest server");
			});
	}

	@Test
	void remoteModesSettingsWhereLocalModeWasChosenAreNotWarnedOf(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("inngest.mode=local", "inngest.dev=true", "inngest.local.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("only remote mode reads");
			});
	}

	@Test
	void nothingIsWarnedOfWhenEverySettingIsRead(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
					"inngest.local.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(InngestExecutorAutoConfiguration.class);
				assertThat(output).doesNotContain("only remote mode reads").doesNotContain("the executor is off");
			});
	}

	@Test
	void anExecutorEnabledOutsideAWebApplicationIsWarnedOf(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
					"inngest.local.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(InngestExecutorAutoConfiguration.class);
				assertThat(output).contains("inngest.executor.enabled is true, but the executor is off: it runs on "
						+ "the local engine (inngest.mode=local) of a Spring MVC web application, and this "
						+ "application is not one");
			});
	}

}
