package dev.durable.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application the workloads run in: the starter with its defaults and the benchmark's
 * functions.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchmarkApplication {

	@Bean
	BenchFunctions benchFunctions() {
		return new BenchFunctions();
	}

}
