package dev.durable.inngest.test.mainmethod;

import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that sets itself up in its {@code main} method, and reads arguments, is
 * tested with {@code @InngestTest} as with {@code @SpringBootTest}.
 */
@InngestTest(classes = MainMethodTests.Main.class, useMainMethod = UseMainMethod.ALWAYS, args = "--greeting=hello")
class MainMethodTests {

	@Autowired
	Environment environment;

	@Autowired
	InngestTestEnvironment inngest;

	@Test
	void theContextIsTheOneTheMainMethodStartsWithTheArguments() {
		assertThat(this.environment.getProperty("set.by.main")).isEqualTo("yes");
		assertThat(this.environment.getProperty("greeting")).isEqualTo("hello");
		assertThat(this.inngest.send(Event.of("app/nothing", Map.of())).runIds()).isEmpty();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Main {

		public static void main(String[] args) {
			new SpringApplicationBuilder(Main.class).properties("set.by.main=yes").run(args);
		}

	}

}
