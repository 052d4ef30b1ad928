package dev.durable.inngest.engine;

import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;

import dev.durable.inngest.memory.InMemoryInngestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An application with the test functions, on an embedded H2 database (or as the test
 * support chooses, on PostgreSQL or in memory).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ RetryFunctions.class, StepFunctions.class, FailureFunctions.class, CancellationFunctions.class,
		CancellationHandlerFunctions.class })
public class EngineTestApplication {

	@Bean
	Executions executions() {
		return new Executions();
	}

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	RunProbe runProbe(JdbcClient jdbc, RunStore runs, StepStore steps, ObjectProvider<InMemoryInngestStore> memory) {
		return new RunProbe(jdbc, runs, steps, memory.getIfAvailable());
	}

}
