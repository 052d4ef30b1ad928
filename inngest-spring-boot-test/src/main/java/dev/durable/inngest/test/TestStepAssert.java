package dev.durable.inngest.test;

import dev.durable.inngest.engine.store.StepStatus;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on a {@link TestStep}, from {@link TestRunAssert#step(String)} or
 * {@link InngestAssertions#assertThat(TestStep)}.
 */
public final class TestStepAssert extends AbstractAssert<TestStepAssert, TestStep> {

	TestStepAssert(TestStep step) {
		super(step, TestStepAssert.class);
	}

	/**
	 * Verifies how many attempts the step made, failed ones included.
	 * @param attempts the attempts
	 * @return this
	 */
	public TestStepAssert hasAttempts(int attempts) {
		isNotNull();
		if (this.actual.attempts() != attempts) {
			failWithMessage("Expected step '%s' to have made %d attempts but it made %d (failures: %s)",
					this.actual.key(), attempts, this.actual.attempts(), ErrorTexts.of(this.actual.failures()));
		}
		return this;
	}

	/**
	 * Verifies the step's status.
	 * @param status the status
	 * @return this
	 */
	public TestStepAssert hasStatus(StepStatus status) {
		isNotNull();
		if (this.actual.status() != status) {
			failWithMessage("Expected step '%s' to be %s but it was %s%s", this.actual.key(), status,
					this.actual.status(),
					(this.actual.error() != null) ? " (" + this.actual.error().message() + ")" : "");
		}
		return this;
	}

	/**
	 * Verifies that the step completed.
	 * @return this
	 */
	public TestStepAssert isCompleted() {
		return hasStatus(StepStatus.COMPLETED);
	}

	/**
	 * Verifies that the step failed for good.
	 * @return this
	 */
	public TestStepAssert isFailed() {
		return hasStatus(StepStatus.FAILED);
	}

	/**
	 * Verifies the step's result, compared as JSON.
	 * @param expected the result expected
	 * @return this
	 */
	public TestStepAssert hasOutput(@Nullable Object expected) {
		isNotNull();
		if (!JsonValues.equal(this.actual.output(), expected)) {
			failWithMessage("Expected step '%s' to have output %s but it had %s", this.actual.key(),
					JsonValues.describe(expected), JsonValues.describe(this.actual.output()));
		}
		return this;
	}

	/**
	 * Verifies that the step's last error, its final one when it failed for good, has a
	 * message that contains the given text.
	 * @param text the text
	 * @return this
	 */
	public TestStepAssert hasErrorMessageContaining(String text) {
		isNotNull();
		if (!ErrorTexts.messageContains(this.actual.error(), text)) {
			failWithMessage("Expected step '%s' to have an error whose message contains \"%s\" but its error was %s",
					this.actual.key(), text, ErrorTexts.of(this.actual.error()));
		}
		return this;
	}

	/**
	 * Verifies how many of the step's attempts failed.
	 * @param failures the failed attempts
	 * @return this
	 */
	public TestStepAssert hasFailedAttempts(int failures) {
		isNotNull();
		if (this.actual.failures().size() != failures) {
			failWithMessage("Expected step '%s' to have failed %d times but it failed %d times: %s", this.actual.key(),
					failures, this.actual.failures().size(), ErrorTexts.of(this.actual.failures()));
		}
		return this;
	}

}
