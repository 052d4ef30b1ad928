package dev.durable.inngest.test;

/**
 * Entry points of the assertions on runs, beside AssertJ's own: <pre class="code">
 * assertThat(inngest.awaitEnd(runId)).isCompleted()
 * 	.hasOutput(Map.of("status", "shipped"))
 * 	.step("charge").hasAttempts(3);
 * </pre>
 */
public final class InngestAssertions {

	private InngestAssertions() {
	}

	/**
	 * Assertions on a run.
	 * @param run the run, from {@link InngestTestEnvironment#run(String)}
	 * @return the assertions
	 */
	public static TestRunAssert assertThat(TestRun run) {
		return new TestRunAssert(run);
	}

	/**
	 * Assertions on a step of a run.
	 * @param step the step, from {@link TestRun#step(String)}
	 * @return the assertions
	 */
	public static TestStepAssert assertThat(TestStep step) {
		return new TestStepAssert(step);
	}

}
