package dev.durable.inngest.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts an application of a test with its properties passed as command-line arguments.
 * The tests' {@code application.properties} outranks default properties
 * ({@link SpringApplicationBuilder#properties(String...)}), so a test that needs its own
 * shutdown timeout or back-off gives them as arguments, which outrank that file. A web
 * application listens on a free port unless the test gives {@code server.port}.
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
		return run(application, List.of(properties));
	}

	/**
	 * Runs an application with a test's own properties and more that one of its tests
	 * gives.
	 * @param application the application
	 * @param properties its properties, each {@code name=value}
	 * @param more more properties, of other names than the first ones (a property given
	 * twice as arguments takes both values, joined by a comma)
	 * @return the started application
	 */
	public static ConfigurableApplicationContext run(SpringApplicationBuilder application, List<String> properties,
			String... more) {
		List<String> all = Stream.concat(properties.stream(), Arrays.stream(more)).toList();
		// A web application on a port of its own, not 8080, which another test or an
		// application running on the same machine may hold.
		Stream<String> port = all.stream().anyMatch((property) -> property.startsWith("server.port=")) ? Stream.empty()
				: Stream.of("server.port=0");
		return application
			.run(Stream.concat(all.stream(), port).map((property) -> "--" + property).toArray(String[]::new));
	}

}
