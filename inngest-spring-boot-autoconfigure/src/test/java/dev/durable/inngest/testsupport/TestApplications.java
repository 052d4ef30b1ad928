package dev.durable.inngest.testsupport;

import java.util.Arrays;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts an application of a test with its properties passed as command-line arguments.
 * The tests' {@code application.properties} outranks default properties
 * ({@link SpringApplicationBuilder#properties(String...)}), so a test that needs its own
 * shutdown timeout or back-off gives them as arguments, which outrank that file.
 */
public final class TestApplications {

	private TestApplications() {
	}

	/**
	 * Runs an application.
	 * @param application the application
	 * @param properties its properties, each {@code name=value}
	 * @return the started application
	 */
	public static ConfigurableApplicationContext run(SpringApplicationBuilder application, String... properties) {
		return application.run(Arrays.stream(properties).map((property) -> "--" + property).toArray(String[]::new));
	}

}
