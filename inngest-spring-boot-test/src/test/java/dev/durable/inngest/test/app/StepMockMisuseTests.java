package dev.durable.inngest.test.app;

import java.time.Duration;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import dev.durable.inngest.test.StepMock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A mock that cannot stand in for its step fails the test when the step is reached,
 * naming the step and what is wrong, rather than being stored or ignored.
 */
@InngestTest
@Import(StepMockMisuseTests.SharedIds.class)
class StepMockMisuseTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	Functions functions;

	@BeforeEach
	void resetCounters() {
		this.functions.charges.set(0);
	}

	@Test
	void nullOrBlankArgumentsAreRefusedAtTheCallNamingWhatIsMissing() {
		StepMock charge = this.inngest.mockStep("charge");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> charge.alwaysFails(null))
			.withMessage("The failure of the mock of step 'charge' must not be null");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> charge.failWith(null))
			.withMessage("The failure of the mock of step 'charge' must not be null");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> charge.answers(null))
			.withMessage("The answer of the mock of step 'charge' must not be null");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.inngest.mockStep(" "))
			.withMessage("The id of the step to mock must not be null or blank");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.inngest.mockStep("pay", null))
			.withMessage("The id of the step to mock must not be null or blank");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.inngest.advance(null))
			.withMessage("advance moves the clock forward: the duration must not be null");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.inngest.awaitEnd("any", null))
			.withMessage("awaitEnd moves the clock forward: the duration must not be null");
		// The mock was left as it was: the step still runs its body.
		String runId = this.inngest.send(Event.of("app/pay", Map.of())).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted();
		assertThat(charge.calls()).isOne();
	}

	@Test
	void aMockReturningAValueOfAnotherTypeFailsTheTestAndTheStepAtOnce() {
		this.inngest.mockStep("charge").returns(42);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.send(Event.of("app/pay", Map.of())))
			.withMessage("Step 'charge' of function 'pay' is mocked to return a java.lang.Integer, but the step's "
					+ "type is java.lang.String: a mock returns an instance of the step's type, or null");
		assertThat(this.inngest.runsOf("pay")).singleElement()
			.satisfies((run) -> assertThat(run).isFailed().step("charge").hasAttempts(1));
	}

	@Test
	void aMockAnsweringAValueOfAnotherTypeFailsTheTestAndTheStepAtOnce() {
		this.inngest.mockStep("charge").answers((step) -> step.attempt());
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.send(Event.of("app/pay", Map.of())))
			.withMessageContaining("mocked to return a java.lang.Integer, but the step's type is java.lang.String");
		assertThat(this.inngest.runsOf("pay")).singleElement()
			.satisfies((run) -> assertThat(run).isFailed().step("charge").hasAttempts(1));
	}

	@Test
	void aMockOfAValueReadFromJsonAsTheStepsTypeMustStillBeOfThatType() {
		this.inngest.mockStep("tomorrow").returns("2030-01-02T00:00:00Z");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.send(Event.of("app/bounded", Map.of())))
			.withMessageContaining("mocked to return a java.lang.String, but the step's type is java.time.Instant");
	}

	@Test
	void aMockOfAStepThatReturnsNothingReturnsNull() {
		this.inngest.mockStep("begin").returns("started");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.send(Event.of("app/job.started", Map.of("id", "j-1"))))
			.withMessageContaining("Step 'begin' of function 'long-job' is mocked to return a java.lang.String, but "
					+ "the step returns nothing: mock it with returns(null)");
	}

	@Test
	void aMockReturningNullIsTakenForAStepOfAnyType() {
		this.inngest.mockStep("charge").returns(null);
		String runId = this.inngest.send(Event.of("app/pay", Map.of())).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput(null);
		assertThat(this.functions.charges).hasValue(0);
	}

	@Test
	void aMockOfASleepFailsTheTestWhenTheSleepIsReached() {
		this.inngest.mockStep("wait-a-day").returns(null);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.send(Event.of("app/remind", Map.of("user", "ada"))))
			.withMessageStartingWith("Step 'wait-a-day' of function 'remind' is a sleep step, but it is mocked: "
					+ "only run steps (step.run) can be mocked");
	}

	@Test
	void aMockOfAWaitForEventFailsTheTestWhenTheWaitIsReached() {
		this.inngest.mockStep("approve", "approval").returns(null);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.send(Event.of("app/request", Map.of("id", "r-1"))))
			.withMessageStartingWith("Step 'approval' of function 'approve' is a wait step, but it is mocked");
	}

	@Test
	void aMockForEveryFunctionThatARunStepUsedIsNotTakenForAnotherFunctionsSleep() {
		StepMock notify = this.inngest.mockStep("notify").returns("mocked");
		this.inngest.send(Event.of("app/notify"));
		assertThat(notify.calls()).isOne();
		String sleeping = this.inngest.send(Event.of("app/notify-later")).runId();
		this.inngest.advance(Duration.ofMinutes(1));
		assertThat(this.inngest.awaitEnd(sleeping)).isCompleted();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SharedIds {

		@InngestFunction(id = "notify-now", event = "app/notify")
		public String notifyNow(Step step) {
			return step.run("notify", String.class, () -> "notified");
		}

		@InngestFunction(id = "notify-later", event = "app/notify-later")
		public void notifyLater(Step step) {
			step.sleep("notify", Duration.ofMinutes(1));
		}

	}

}
