package dev.durable.inngest.test.app;

import java.time.Duration;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;

import static dev.durable.inngest.test.InngestAssertions.assertThat;

/**
 * Runs execute on a thread of the engine's, as on its workers in production, while the
 * test's calls still return with the work done. (What a step then does not see of the
 * test's thread, its transaction and its user, the sample application's
 * {@code StepThreadStateTests} show.)
 */
@InngestTest
@Import(EngineThreadTests.Probe.class)
class EngineThreadTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Test
	void stepsExecuteOnTheEnginesThreadNotTheTests() {
		String runId = this.inngest.send(Event.of("probe/thread")).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().step("thread").hasOutput("inngest-test-engine");
	}

	@Test
	void runsWokenByMovingTheClockExecuteOnTheEnginesThreadToo() {
		String runId = this.inngest.send(Event.of("probe/later")).runId();
		this.inngest.advance(Duration.ofHours(1));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput("inngest-test-engine");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Probe {

		@InngestFunction(id = "thread-probe", event = "probe/thread")
		public String threadProbe(Step step) {
			return step.run("thread", String.class, () -> Thread.currentThread().getName());
		}

		@InngestFunction(id = "later-probe", event = "probe/later")
		public String laterProbe(Step step) {
			step.sleep("an-hour", Duration.ofHours(1));
			return step.run("thread", String.class, () -> Thread.currentThread().getName());
		}

	}

}
