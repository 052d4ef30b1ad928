package dev.durable.inngest.test;

import java.util.function.Consumer;

import dev.durable.inngest.RunStatus;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on a {@link TestRun}, from {@link InngestAssertions#assertThat(TestRun)}.
 */
public final class TestRunAssert extends AbstractAssert<TestRunAssert, TestRun> {

	TestRunAssert(TestRun run) {
		super(run, TestRunAssert.class);
	}

	/**
	 * Verifies that the run has the given status.
	 * @param status the status
	 * @return this
	 */
	public TestRunAssert hasStatus(RunStatus status) {
		isNotNull();
		if (this.actual.status() != status) {
			failWithMessage("Expected run %s of '%s' to be %s but it was %s%s", this.actual.id(),
					this.actual.functionId(), status, this.actual.status(), why());
		}
		return this;
	}

	/**
	 * Verifies that the run completed.
	 * @return this
	 */
	public TestRunAssert isCompleted() {
		return hasStatus(RunStatus.COMPLETED);
	}

	/**
	 * Verifies that the run failed.
	 * @return this
	 */
	public TestRunAssert isFailed() {
		return hasStatus(RunStatus.FAILED);
	}

	/**
	 * Verifies that the run was cancelled.
	 * @return this
	 */
	public TestRunAssert isCancelled() {
		return hasStatus(RunStatus.CANCELLED);
	}

	/**
	 * Verifies the run's output, compared as JSON: {@code Map.of("total", 3)} equals an
	 * output read back as a map with a long.
	 * @param expected the output expected
	 * @return this
	 */
	public TestRunAssert hasOutput(@Nullable Object expected) {
		isNotNull();
		if (!JsonValues.equal(this.actual.output(), expected)) {
			failWithMessage("Expected run %s to have output %s but it had %s", this.actual.id(),
					JsonValues.describe(expected), JsonValues.describe(this.actual.output()));
		}
		return this;
	}

	/**
	 * Verifies the run's output with the given requirements.
	 * @param requirements checks the output, as read from JSON
	 * @return this
	 */
	public TestRunAssert hasOutputSatisfying(Consumer<@Nullable Object> requirements) {
		isNotNull();
		requirements.accept(this.actual.output());
		return this;
	}

	/**
	 * Verifies that the run failed with an error whose message contains the given text.
	 * @param text the text
	 * @return this
	 */
	public TestRunAssert hasErrorMessageContaining(String text) {
		isNotNull();
		if (!ErrorTexts.messageContains(this.actual.error(), text)) {
			failWithMessage("Expected run %s to have an error whose message contains \"%s\" but its error was %s",
					this.actual.id(), text, ErrorTexts.of(this.actual.error()));
		}
		return this;
	}

	/**
	 * Verifies that the run was cancelled by the given means, such as {@code event},
	 * {@code timeout} or {@code api}.
	 * @param by what cancelled it
	 * @return this
	 */
	public TestRunAssert wasCancelledBy(String by) {
		isCancelled();
		if (this.actual.cancellation() == null || !by.equals(this.actual.cancellation().by())) {
			failWithMessage("Expected run %s to be cancelled by %s but its cancellation was %s", this.actual.id(), by,
					this.actual.cancellation());
		}
		return this;
	}

	/**
	 * Verifies that the run has reached a step.
	 * @param key the step's key: its id for its first occurrence
	 * @return this
	 */
	public TestRunAssert hasStep(String key) {
		isNotNull();
		if (this.actual.step(key).isEmpty()) {
			failWithMessage("Expected run %s to have step '%s' but its steps were %s", this.actual.id(), key,
					this.actual.steps().stream().map(TestStep::key).toList());
		}
		return this;
	}

	/**
	 * Verifies that the run has not reached a step.
	 * @param key the step's key: its id for its first occurrence
	 * @return this
	 */
	public TestRunAssert doesNotHaveStep(String key) {
		isNotNull();
		if (this.actual.step(key).isPresent()) {
			failWithMessage("Expected run %s not to have step '%s' but it had it, %s", this.actual.id(), key,
					this.actual.step(key).get().status());
		}
		return this;
	}

	/**
	 * Assertions on one of the run's steps, which it must have reached.
	 * @param key the step's key: its id for its first occurrence
	 * @return the step's assertions
	 */
	public TestStepAssert step(String key) {
		hasStep(key);
		return new TestStepAssert(this.actual.step(key).get());
	}

	private String why() {
		if (this.actual.error() != null) {
			return " (" + ErrorTexts.of(this.actual.error()) + ")";
		}
		if (this.actual.cancellation() != null) {
			return " (cancelled by " + this.actual.cancellation().by() + ": " + this.actual.cancellation().reason()
					+ ")";
		}
		return "";
	}

}
