package dev.durable.inngest.autoconfigure;

import dev.durable.inngest.actuate.EndpointExposureWarning;
import dev.durable.inngest.actuate.InngestEndpoint;
import dev.durable.inngest.actuate.InngestEndpointWebExtension;
import dev.durable.inngest.actuate.InngestHealthIndicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of the Actuator auto-configuration, and the warnings it gives at
 * start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class InngestActuatorAutoConfigurationTests {

	private static final String WARNING = "The inngest Actuator endpoint is exposed over HTTP at /actuator/inngest "
			+ "and this application has no Spring Security filter chain";

	// The application's conversion service, as SpringApplication sets it, reads
	// "unrestricted" as an Access.
	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withInitializer((context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				InngestActuatorAutoConfiguration.class, InngestWebAutoConfiguration.class,
				EndpointAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void theEndpointAndHealthIndicatorAreConfiguredWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=inngest").run((context) -> {
			assertThat(context).hasSingleBean(InngestEndpoint.class);
			assertThat(context).hasSingleBean(InngestEndpointWebExtension.class);
			assertThat(context).hasSingleBean(InngestHealthIndicator.class);
		});
	}

	@Test
	void theEndpointIsNotConfiguredWhenNotExposed() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(InngestEndpoint.class);
			assertThat(context).doesNotHaveBean(EndpointExposureWarning.class);
		});
	}

	@Test
	void aUsersEndpointWins() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=inngest")
			.withUserConfiguration(UserEndpoint.class)
			.run((context) -> assertThat(context).getBean(InngestEndpoint.class)
				.isSameAs(context.getBean("userInngestEndpoint")));
	}

	@Test
	void theHealthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.inngest.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InngestHealthIndicator.class));
	}

	@Test
	void anEndpointExposedOverHttpWithoutSpringSecurityIsWarnedOf(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=inngest").run((context) -> {
			assertThat(context).hasSingleBean(EndpointExposureWarning.class);
			assertThat(output).contains(WARNING)
				.contains("read every run's function, state, timing and errors")
				.doesNotContain("cancel any run")
				.doesNotContain("read the values runs carry");
		});
	}

	@Test
	void theWarningNamesWriteAccessAndShownValues(CapturedOutput output) {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=inngest",
					"management.endpoint.inngest.access=unrestricted", "management.endpoint.inngest.show-values=always")
			.run((context) -> assertThat(output).contains(WARNING)
				.contains("cancel any run and start bulk cancellations, rerun runs and start bulk replays (which "
						+ "repeat what their steps do), as management.endpoint.inngest.access=unrestricted allows")
				.contains("read the values runs carry (event data, outputs, stacks), as "
						+ "management.endpoint.inngest.show-values=always allows"));
	}

	@Test
	void anEndpointExposedOnlyOverJmxIsNotWarnedOf(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoints.jmx.exposure.include=inngest").run((context) -> {
			assertThat(context).doesNotHaveBean(EndpointExposureWarning.class);
			assertThat(output).doesNotContain(WARNING);
		});
	}

	@Test
	void anEndpointBehindSpringSecurityIsNotWarnedOf(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=inngest")
			.withBean("springSecurityFilterChain", Object.class, Object::new)
			.run((context) -> assertThat(output).doesNotContain(WARNING));
	}

	@Test
	void anEnabledDashboardWithoutTheEndpointSaysWhyItIsNotServed(CapturedOutput output) {
		this.runner.withPropertyValues("inngest.dashboard.enabled=true").run((context) -> {
			assertThat(context).doesNotHaveBean("inngestDashboard");
			assertThat(output)
				.contains("inngest.dashboard.enabled is true but the dashboard is not served at "
						+ "/inngest/dashboard: it needs the inngest Actuator endpoint")
				.contains("Expose the endpoint over HTTP")
				.doesNotContain("Add spring-boot-starter-actuator");
		});
	}

	@Test
	void anEnabledDashboardInRemoteModeSaysThePlatformShowsTheRuns(CapturedOutput output) {
		this.runner
			.withPropertyValues("inngest.dashboard.enabled=true", "inngest.mode=remote",
					"management.endpoints.web.exposure.include=inngest")
			.run((context) -> {
				assertThat(context).doesNotHaveBean("inngestDashboard");
				assertThat(output)
					.contains("inngest.dashboard.enabled is true but the dashboard is not served at "
							+ "/inngest/dashboard: it shows the runs of the local engine, and inngest.mode is remote")
					.doesNotContain("Expose the endpoint over HTTP");
			});
	}

	@Test
	void anEnabledDashboardIsServedWithTheEndpoint(CapturedOutput output) {
		this.runner
			.withPropertyValues("inngest.dashboard.enabled=true", "management.endpoints.web.exposure.include=inngest")
			.run((context) -> {
				assertThat(context).hasBean("inngestDashboard");
				assertThat(output).doesNotContain("inngest.dashboard.enabled is true but");
			});
	}

	@Test
	void theFilterOfUnreadableQueriesIsConfiguredWhereActuatorServesTheEndpointOverHttp() {
		WebApplicationContextRunner management = new WebApplicationContextRunner()
			.withUserConfiguration(InngestEndpointManagementContextConfiguration.class);
		management.withPropertyValues("management.endpoints.web.exposure.include=inngest")
			.run((context) -> assertThat(context).hasBean("inngestUnreadableQueryFilter"));
		management.withPropertyValues("management.endpoints.jmx.exposure.include=inngest")
			.run((context) -> assertThat(context).doesNotHaveBean("inngestUnreadableQueryFilter"));
		new ApplicationContextRunner().withUserConfiguration(InngestEndpointManagementContextConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=inngest")
			.run((context) -> assertThat(context).doesNotHaveBean("inngestUnreadableQueryFilter"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpoint {

		@Bean
		InngestEndpoint userInngestEndpoint() {
			return new InngestEndpoint(() -> null, null, null, null,
					org.springframework.boot.actuate.endpoint.Show.NEVER, java.util.Set.of());
		}

	}

}
