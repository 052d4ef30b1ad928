package dev.durable.inngest.test.app;

import java.util.Map;

import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Step;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A failure or cancellation handler is not invoked from data, which it could not read:
 * the test is told how to make it run.
 */
@InngestTest
@Import(InvokeHandlerTests.Handled.class)
class InvokeHandlerTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Test
	void invokingAFailureHandlerFailsSayingHowToRunIt() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.invoke("fragile-failure", Map.of()))
			.withMessageStartingWith("'fragile-failure' is an @OnFailure handler, which cannot be invoked: it runs "
					+ "when a run of its function fails");
		assertThat(this.inngest.runsOf("fragile-failure")).isEmpty();
	}

	@Test
	void invokingACancellationHandlerFailsSayingHowToRunIt() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.invoke("fragile-cancel", Map.of()))
			.withMessageStartingWith("'fragile-cancel' is an @OnCancel handler, which cannot be invoked: it runs "
					+ "when a run of its function is cancelled");
	}

	@Test
	void theFailureHandlerRunsWhenARunOfItsFunctionFails() {
		this.inngest.mockStep("fragile", "work").alwaysFails(() -> new NonRetriableException("broken"));
		String runId = this.inngest.invoke("fragile", Map.of()).id();
		assertThat(this.inngest.run(runId)).isFailed();
		assertThat(this.inngest.runsOf("fragile-failure")).singleElement()
			.satisfies((handler) -> assertThat(handler).isCompleted().hasOutput("handled " + runId));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Handled {

		@InngestFunction(id = "fragile", event = "probe/fragile")
		public String fragile(Step step) {
			return step.run("work", String.class, () -> "done");
		}

		@OnFailure(function = "fragile")
		public String fragileFailed(FailureContext failure) {
			return "handled " + failure.runId();
		}

		@OnCancel(function = "fragile")
		public String fragileCancelled(FunctionCancelledEvent cancelled) {
			return "cancelled " + cancelled.runId();
		}

	}

}
