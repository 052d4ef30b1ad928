package dev.durable.inngest.test.app;

import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * A test that asks for the test environment without {@link InngestTest @InngestTest} is
 * told so, through Spring's own preparation of a test instance.
 */
class InngestTestRequiredTests {

	@Test
	void aSpringBootTestInjectingTheEnvironmentIsToldToUseInngestTest() {
		TestContextManager manager = new TestContextManager(PlainSpringBootTest.class);
		assertThatIllegalStateException().isThrownBy(() -> manager.prepareTestInstance(new PlainSpringBootTest()))
			.withMessage(PlainSpringBootTest.class.getName() + ".inngest is an InngestTestEnvironment, which only "
					+ "tests annotated with @InngestTest are given: annotate PlainSpringBootTest with "
					+ "@dev.durable.inngest.test.InngestTest in place of @SpringBootTest");
	}

	@Test
	void aSpringBootTestThatMayGoWithoutTheEnvironmentIsLeftAlone() {
		TestContextManager manager = new TestContextManager(OptionalEnvironmentTest.class);
		assertThatNoException().isThrownBy(() -> manager.prepareTestInstance(new OptionalEnvironmentTest()));
	}

	// Prepared by the test above, never run: no test methods.
	@SpringBootTest(classes = TestApplication.class, properties = "inngest.local.store=memory")
	static class PlainSpringBootTest {

		@Autowired
		InngestTestEnvironment inngest;

	}

	@SpringBootTest(classes = TestApplication.class,
			properties = { "inngest.local.store=memory", "inngest.local.auto-startup=false" })
	static class OptionalEnvironmentTest {

		@Autowired(required = false)
		InngestTestEnvironment inngest;

	}

}
