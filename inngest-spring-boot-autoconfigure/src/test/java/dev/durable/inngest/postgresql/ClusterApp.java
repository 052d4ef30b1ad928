package dev.durable.inngest.postgresql;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * One instance of an application with the {@link ClusterFunctions}, in this JVM or,
 * through {@link #main}, in a process of its own.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ClusterFunctions.class)
public class ClusterApp {

	/**
	 * Starts an instance on a database.
	 * @param url the JDBC URL of the database
	 * @param instance the instance's name in the step log
	 * @param properties more properties, as {@code name=value}
	 * @return the running instance
	 */
	public static ConfigurableApplicationContext start(String url, String instance, String... properties) {
		// As command-line arguments, they win over the tests' application.properties.
		Map<String, String> values = new LinkedHashMap<>();
		Stream.concat(defaults(url, instance).stream(), Arrays.stream(properties)).forEach((property) -> {
			int equals = property.indexOf('=');
			values.put(property.substring(0, equals), property.substring(equals + 1));
		});
		String[] args = values.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		return new SpringApplicationBuilder(ClusterApp.class).web(WebApplicationType.NONE).run(args);
	}

	private static List<String> defaults(String url, String instance) {
		return List.of("spring.datasource.url=" + url, "test.instance=" + instance, "spring.application.name=cluster",
				"inngest.local.schema.initialize=always", "inngest.local.poll-interval=200ms",
				"inngest.local.shutdown-timeout=1s", "spring.datasource.hikari.maximum-pool-size=12",
				"spring.datasource.hikari.connection-timeout=2000", "spring.jpa.open-in-view=false",
				"spring.main.banner-mode=off");
	}

	/**
	 * Runs an instance in a process of its own until it is killed.
	 * @param args the database URL, the instance name, then more properties as
	 * {@code name=value}
	 */
	public static void main(String[] args) throws InterruptedException {
		String[] properties = Arrays.copyOfRange(args, 2, args.length);
		start(args[0], args[1], properties);
		System.out.println("Instance " + args[1] + " started");
		// The engine's threads are daemons: keep the process alive until it is killed.
		new CountDownLatch(1).await();
	}

}
