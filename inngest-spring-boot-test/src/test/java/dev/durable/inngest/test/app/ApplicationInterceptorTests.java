package dev.durable.inngest.test.app;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.Event;
import dev.durable.inngest.engine.StepInterceptor;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mocks beside a {@link StepInterceptor} of the application's own: a mocked step is the
 * mock's, and every other step goes through the application's interceptor.
 */
@InngestTest
@Import(ApplicationInterceptorTests.Tracing.class)
class ApplicationInterceptorTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	Functions functions;

	@Autowired
	Traced traced;

	@BeforeEach
	void resetCounters() {
		this.functions.charges.set(0);
		this.functions.flakyCalls.set(0);
		this.traced.steps.clear();
	}

	@Test
	void aMockedStepIsTheMocksAndTheOthersGoThroughTheApplicationsInterceptor() {
		this.inngest.mockStep("charge").returns("ch-mocked");
		String paid = this.inngest.send(Event.of("app/pay", Map.of())).runId();
		assertThat(this.inngest.awaitEnd(paid)).isCompleted().hasOutput("ch-mocked");
		assertThat(this.functions.charges).hasValue(0);
		this.functions.flakyCalls.set(2);
		String flaky = this.inngest.send(Event.of("app/flaky", Map.of())).runId();
		assertThat(this.inngest.awaitEnd(flaky)).isCompleted().hasOutput(3);
		assertThat(this.traced.steps).containsExactly("call-service");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Tracing {

		@Bean
		Traced traced() {
			return new Traced();
		}

		@Bean
		StepInterceptor tracingInterceptor(Traced traced) {
			return (step, body) -> {
				traced.steps.add(step.stepId());
				return body.call();
			};
		}

	}

	static class Traced {

		final List<String> steps = new CopyOnWriteArrayList<>();

	}

}
