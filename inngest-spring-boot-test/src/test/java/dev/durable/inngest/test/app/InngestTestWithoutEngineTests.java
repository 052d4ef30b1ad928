package dev.durable.inngest.test.app;

import dev.durable.inngest.test.InngestTest;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An {@link InngestTest @InngestTest} given configuration classes that auto-configure no
 * engine fails its start saying what to give it, rather than naming an engine bean it
 * missed.
 */
class InngestTestWithoutEngineTests {

	@Test
	void classesWithoutAutoConfigurationAreExplained() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new TestContextManager(PlainConfiguration.class).getTestContext().getApplicationContext())
			.havingRootCause()
			.withMessageStartingWith("@InngestTest found no local Inngest engine in the application context to test")
			.withMessageContaining("Give @InngestTest(classes = ...) the application's @SpringBootApplication class");
	}

	// Bootstrapped by the test above, never run: no test methods.
	@InngestTest(classes = PlainConfiguration.Config.class)
	static class PlainConfiguration {

		@Configuration(proxyBeanMethods = false)
		static class Config {

		}

	}

}
