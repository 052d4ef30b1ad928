package dev.durable.inngest.test;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Starts each test of an {@link InngestTest @InngestTest} afresh, though its application
 * context is shared with others: see {@link InngestTestEnvironment#reset()}. It resets
 * before the test rather than after, so that what a test leaves stays there for its own
 * clean-up to read. One of Spring's default listeners, so that a test class that declares
 * listeners of its own, merged with the defaults, still starts afresh; a no-op in a test
 * without the environment.
 */
final class InngestTestExecutionListener implements TestExecutionListener, Ordered {

	@Override
	public int getOrder() {
		// After the dependency injection, before the test's own @BeforeEach methods.
		return 5000;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (!testContext.hasApplicationContext()) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		context.getBeanProvider(InngestTestEnvironment.class).ifAvailable(InngestTestEnvironment::reset);
	}

}
