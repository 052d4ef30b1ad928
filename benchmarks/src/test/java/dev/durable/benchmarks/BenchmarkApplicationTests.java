package dev.durable.benchmarks;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.RunScheduler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's application, which has the starter and no Actuator on its class path,
 * as many applications do: the starter must start there.
 */
class BenchmarkApplicationTests {

	@Test
	void theEngineStartsInAnApplicationWithoutActuator() {
		assertThat(ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint", null))
			.as("Actuator on the benchmark's class path")
			.isFalse();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.datasource.url=jdbc:h2:mem:bench-app-test;DB_CLOSE_DELAY=-1",
					"spring.main.banner-mode=off")
			.run()) {
			assertThat(context.getBean(InngestClient.class)).isNotNull();
			assertThat(context.getBean(RunScheduler.class).isRunning()).isTrue();
		}
	}

}
