package dev.durable.inngest.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.durable.inngest.testsupport.StartupFailures.assertInvalidProperty;

/**
 * The conditions of the web auto-configuration: each HTTP surface is there only when
 * configured.
 */
class InngestWebAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(InngestAutoConfiguration.class,
			InngestLocalAutoConfiguration.class, InngestActuatorAutoConfiguration.class,
			InngestWebAutoConfiguration.class, EndpointAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class);

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withInitializer((context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
		.withConfiguration(CONFIGURATIONS);

	@Test
	void limitsThatCannotBeUsedFailTheStart() {
		this.runner.withPropertyValues("inngest.event-key=evt-key", "inngest.limits.events-per-request=0")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.limits.events-per-request",
					"0"));
		this.runner.withPropertyValues("inngest.limits.request-size=0B")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.limits.request-size", "0B"));
	}

	@Test
	void withoutKeysNorDashboardNoRouteIsAdded() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void theRunsApiNeedsASigningKey() {
		this.runner.withPropertyValues("inngest.signing-key=signkey-test-0123abcd").run((context) -> {
			assertThat(context).hasBean("inngestRunsApi");
			assertThat(context).doesNotHaveBean("inngestEventsApi");
		});
	}

	@Test
	void theEventsApiNeedsAnEventKey() {
		this.runner.withPropertyValues("inngest.event-key=evt-key").run((context) -> {
			assertThat(context).hasBean("inngestEventsApi");
			assertThat(context).doesNotHaveBean("inngestRunsApi");
		});
	}

	@Test
	void blankKeysAsAnUnsetVariableLeavesThemTurnTheApisOff() {
		this.runner.withPropertyValues("inngest.signing-key=", "inngest.event-key=  ").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("inngestRunsApi");
			assertThat(context).doesNotHaveBean("inngestEventsApi");
		});
	}

	@Test
	void anApplicationsOwnRouteOfTheSameNameReplacesTheEventsApi() {
		RouterFunction<ServerResponse> own = RouterFunctions.route()
			.POST("/e/{key}", (request) -> ServerResponse.accepted().build())
			.build();
		this.runner.withPropertyValues("inngest.event-key=evt-key")
			.withBean("inngestEventsApi", RouterFunction.class, () -> own)
			.run((context) -> assertThat(context).hasNotFailed().getBean("inngestEventsApi").isSameAs(own));
	}

	@Test
	void theDashboardNeedsToBeEnabledAndTheEndpointExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=inngest")
			.run((context) -> assertThat(context).doesNotHaveBean("inngestDashboard"));
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=inngest", "inngest.dashboard.enabled=true")
			.run((context) -> assertThat(context).hasBean("inngestDashboard"));
	}

	@Test
	void withoutActuatorTheDashboardIsNotServedAndTheRestStarts() {
		new WebApplicationContextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class,
					InngestLocalAutoConfiguration.class, InngestWebAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class))
			.withPropertyValues("inngest.dashboard.enabled=true", "inngest.event-key=evt-key")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("inngestDashboard");
				assertThat(context).hasBean("inngestEventsApi");
			});
	}

	@Test
	void outsideAServletApplicationNoRouteIsAdded() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("inngest.signing-key=signkey-test-0123abcd", "inngest.event-key=evt-key",
					"inngest.dashboard.enabled=true", "management.endpoints.web.exposure.include=inngest")
			.run((context) -> assertThat(context).doesNotHaveBean(RouterFunction.class));
	}

}
