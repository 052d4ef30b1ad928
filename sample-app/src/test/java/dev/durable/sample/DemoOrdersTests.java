package dev.durable.sample;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo orders on the sample's file database, across a restart.
 */
class DemoOrdersTests {

	@TempDir
	Path directory;

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SampleApplication.class)
			.properties("spring.datasource.url=jdbc:h2:file:" + this.directory.resolve("order-service"),
					"server.port=0", "inngest.local.shutdown-timeout=1s")
			.run();
	}

	@Test
	void aRestartOnTheSameDatabaseWithinADayPlacesNoDemoOrderTwice() {
		try (ConfigurableApplicationContext first = start()) {
			assertThat(runsByFunction(first)).containsEntry("process-order", 3L).containsEntry("demo-manager", 1L);
		}
		try (ConfigurableApplicationContext second = start()) {
			assertThat(runsByFunction(second)).containsEntry("process-order", 3L).containsEntry("demo-manager", 1L);
			assertThat(JdbcClient.create(second.getBean(javax.sql.DataSource.class))
				.sql("SELECT COUNT(*) FROM inngest_event WHERE name = 'shop/order.placed'")
				.query(Long.class)
				.single()).isEqualTo(3);
		}
	}

	private static Map<String, Long> runsByFunction(ConfigurableApplicationContext context) {
		return JdbcClient.create(context.getBean(javax.sql.DataSource.class))
			.sql("SELECT function_id, COUNT(*) FROM inngest_run GROUP BY function_id")
			.query((rs) -> {
				Map<String, Long> counts = new java.util.HashMap<>();
				while (rs.next()) {
					counts.put(rs.getString(1), rs.getLong(2));
				}
				return counts;
			});
	}

}
