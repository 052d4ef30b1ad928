package dev.durable.inngest.testsupport;

import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points every test application that does not choose its own database at a new PostgreSQL
 * database when the tests run on PostgreSQL, and every one that does not choose its own
 * store at the in-memory store when the tests run in memory (see {@link TestDatabases});
 * on H2 it does nothing.
 */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (TestDatabases.memory()) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("inngestTestStore", Map.of("inngest.local.store", "memory")));
			return;
		}
		if (!TestDatabases.postgresql()) {
			return;
		}
		String url = environment.getProperty("spring.datasource.url");
		if (url == null) {
			url = TestDatabases.newUrl("test");
			environment.getPropertySources()
				.addFirst(new MapPropertySource("inngestTestDatabase", Map.of("spring.datasource.url", url)));
		}
		if (url.startsWith("jdbc:postgresql:")) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("inngestTestSchema",
						Map.of("inngest.local.schema.initialize", "always")));
		}
	}

}
