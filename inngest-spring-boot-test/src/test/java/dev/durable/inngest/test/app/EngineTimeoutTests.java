package dev.durable.inngest.test.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A call whose run does not finish in time fails the test, showing where the engine's
 * thread is, rather than waiting for ever.
 */
@InngestTest(properties = "inngest.test.engine-timeout=500ms")
@Import(EngineTimeoutTests.Stuck.class)
class EngineTimeoutTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	Stuck stuck;

	@AfterEach
	void release() {
		this.stuck.release.countDown();
	}

	@Test
	void aCallWhoseStepDoesNotEndInTimeFailsWithTheEnginesStack() {
		assertThatIllegalStateException().isThrownBy(() -> this.inngest.send(Event.of("probe/stuck")))
			.withMessageStartingWith("The Inngest test engine's thread (inngest-test-engine) has not finished the "
					+ "work this call gave it in PT0.5S (inngest.test.engine-timeout)")
			.satisfies((ex) -> assertThat(ex.getStackTrace())
				.anyMatch((frame) -> frame.getClassName().startsWith(Stuck.class.getName())));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Stuck {

		final CountDownLatch release = new CountDownLatch(1);

		@InngestFunction(id = "stuck", event = "probe/stuck")
		public void stuck(Step step) {
			step.run("wait", () -> this.release.await(30, TimeUnit.SECONDS));
		}

	}

}
