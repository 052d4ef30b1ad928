package dev.durable.inngest.test.app;

import java.time.Duration;

import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestClock;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;
import org.springframework.test.context.TestExecutionListeners;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test class that declares listeners of its own, merged with Spring's defaults, still
 * has each of its tests start afresh.
 */
@InngestTest
@TestExecutionListeners(listeners = OwnTestExecutionListenersTests.Noop.class,
		mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwnTestExecutionListenersTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Test
	@Order(1)
	void movesTheClock() {
		this.inngest.advance(Duration.ofDays(1));
		assertThat(this.inngest.now()).isAfterOrEqualTo(InngestTestClock.START.plus(Duration.ofDays(1)));
	}

	@Test
	@Order(2)
	void startsAtTheClocksStartAgain() {
		assertThat(this.inngest.now()).isEqualTo(InngestTestClock.START);
	}

	static class Noop implements TestExecutionListener {

		@Override
		public void beforeTestMethod(TestContext testContext) {
		}

	}

}
