package dev.durable.benchmarks;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What one {@code send} costs against the cheapest durable write: the engine's
 * {@code send} of one event and a one-row insert in autocommit into a plain table, in
 * turns, from one thread, on a new database that writes every commit to disk (an H2 file
 * with {@code WRITE_DELAY=0}, or PostgreSQL with {@code fsync} and
 * {@code synchronous_commit} on), with the engine's workers executing the runs sent
 * ({@code true}) or stopped ({@code false}). Prints the p50 and p99 of each, per round of
 * 5,000. With {@code ids}, each event carries an id of the sender's, an idempotency key
 * never sent before, which the engine looks up before it stores the event.
 * <p>
 * {@code SendCost <true|false> [rounds] [h2|postgresql] [ids]}
 */
public final class SendCost {

	private static final int CALLS = 5_000;

	private SendCost() {
	}

	public static void main(String[] args) throws Exception {
		boolean workers = Boolean.parseBoolean(args[0]);
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		boolean postgresql = args.length > 2 && "postgresql".equals(args[2]);
		boolean ids = args.length > 3 && "ids".equals(args[3]);
		EmbeddedPostgres postgres = postgresql ? EmbeddedPostgres.builder()
			.setServerConfig("fsync", "on")
			.setServerConfig("synchronous_commit", "on")
			.start() : null;
		String url = (postgres != null) ? postgres.getJdbcUrl("postgres", "postgres")
				: "jdbc:h2:file:" + Files.createTempDirectory("inngest-send-cost").resolve("bench")
						+ ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + url,
					"spring.datasource.username=" + (postgresql ? "postgres" : "sa"),
					"inngest.local.schema.initialize=always", "spring.main.banner-mode=off", "logging.level.root=WARN",
					"spring.jpa.open-in-view=false", "inngest.local.auto-startup=" + workers)
			.run()) {
			InngestClient client = context.getBean(InngestClient.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE plain_job (id VARCHAR(64) PRIMARY KEY, data VARCHAR(200), due_at TIMESTAMP)");
			for (int round = 0; round < rounds; round++) {
				long[] sends = new long[CALLS];
				long[] inserts = new long[CALLS];
				for (int i = 0; i < CALLS; i++) {
					long start = System.nanoTime();
					Event event = Event.of("bench/one-step", Map.of("n", i));
					client.send(ids ? event.withId("order-" + round + "-" + i) : event);
					sends[i] = System.nanoTime() - start;
					start = System.nanoTime();
					jdbc.update("INSERT INTO plain_job VALUES (?, ?, CURRENT_TIMESTAMP)", round + "-" + i,
							"{\"n\":" + i + "}");
					inserts[i] = System.nanoTime() - start;
				}
				System.out.printf(
						"{\"workers\":%s,\"ids\":%s,\"round\":%d,\"sendP50Micros\":%d,\"sendP99Micros\":%d,"
								+ "\"insertP50Micros\":%d,\"insertP99Micros\":%d}%n",
						workers, ids, round, percentile(sends, 0.50), percentile(sends, 0.99),
						percentile(inserts, 0.50), percentile(inserts, 0.99));
			}
		}
		System.exit(0);
	}

	private static long percentile(long[] nanos, double percentile) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return sorted[(int) Math.ceil(sorted.length * percentile) - 1] / 1000;
	}

}
