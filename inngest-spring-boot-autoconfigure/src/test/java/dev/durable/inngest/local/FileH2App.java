package dev.durable.inngest.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An application on a file H2 database with nothing but its URL set, run in a process of
 * its own by {@link FileH2ProcessTests}:
 * {@code FileH2App <url> <stop|halt> [property=value...]}. With {@code stop} it sends one
 * event whose run spends a second and a half in a step that writes to the database,
 * prints {@code In step slow} from it, and waits to be stopped; with {@code halt} it
 * sends {@value #HALT_EVENTS} events in one call, prints {@code Sent} once the call
 * returns, and halts the process at once, as {@code kill -9} would: no shutdown hook
 * runs, nothing is closed or flushed.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class FileH2App {

	static final int HALT_EVENTS = 50;

	static final int SLOW_STEP_WRITES = 15;

	public static void main(String[] args) throws InterruptedException {
		String url = args[0];
		String mode = args[1];
		// No JPA: the engine uses JDBC, and Hibernate would only slow the start.
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=" + url,
				"spring.autoconfigure.exclude=org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
						+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
				"spring.main.banner-mode=off"));
		properties.addAll(Arrays.asList(args).subList(2, args.length));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FileH2App.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
		InngestClient inngest = context.getBean(InngestClient.class);
		if (mode.equals("halt")) {
			List<Event> events = new ArrayList<>();
			for (int i = 0; i < HALT_EVENTS; i++) {
				events.add(Event.of("test/nap", Map.of("n", i)));
			}
			inngest.send(events);
			System.out.println("Sent");
			System.out.flush();
			Runtime.getRuntime().halt(0);
		}
		context.getBean(JdbcTemplate.class).execute("CREATE TABLE IF NOT EXISTS shipment_log (n INT)");
		inngest.send(Event.of("test/slow-step", Map.of()));
		// The engine's threads are daemons: the process lives until it is stopped.
		new CountDownLatch(1).await();
	}

	@Bean
	Functions functions(JdbcTemplate jdbc) {
		return new Functions(jdbc);
	}

	static class Functions {

		private final JdbcTemplate jdbc;

		Functions(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		/**
		 * A step that works with the application's database for a second and a half, as a
		 * step that ships an order writes to the application's own tables.
		 */
		@InngestFunction(id = "slow-step", event = "test/slow-step")
		String slowStep(Step step) {
			step.run("slow", () -> {
				System.out.println("In step slow");
				System.out.flush();
				for (int n = 0; n < SLOW_STEP_WRITES; n++) {
					this.jdbc.update("INSERT INTO shipment_log (n) VALUES (?)", n);
					sleep(Duration.ofMillis(100));
				}
			});
			step.run("after", () -> System.out.println("In step after"));
			return "finished";
		}

		@InngestFunction(id = "nap", event = "test/nap")
		void nap(Step step) {
			step.sleep("nap", Duration.ofHours(1));
		}

		private static void sleep(Duration duration) {
			try {
				Thread.sleep(duration.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
