package dev.durable.inngest.test;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An engine time-out that no call could wait for fails the start, naming the property.
 */
class EngineTimeoutPropertyTests {

	@Test
	void anEngineTimeoutUnderAMillisecondIsRefused() {
		for (String value : new String[] { "0s", "-1s", "500us" }) {
			MockEnvironment environment = new MockEnvironment().withProperty("inngest.test.engine-timeout", value);
			// As an application's environment converts durations.
			environment.setConversionService(new ApplicationConversionService());
			assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
				.isThrownBy(() -> new InngestTestConfiguration().inngestEngineThread(environment))
				.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("inngest.test.engine-timeout"))
				.withMessageContaining("It must be at least 1ms");
		}
	}

}
