package dev.durable.inngest.test.app;

import dev.durable.inngest.test.InngestTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A test class that adds {@code @SpringBootTest} to {@link InngestTest @InngestTest} is
 * refused before its context starts, rather than losing {@code @InngestTest}'s
 * attributes.
 */
class SpringBootTestBesideInngestTestTests {

	@Test
	void aClassThatIsAlsoASpringBootTestIsRefusedNamingIt() {
		assertThatIllegalStateException().isThrownBy(() -> new TestContextManager(BothAnnotations.class))
			.withMessageStartingWith(
					BothAnnotations.class.getName() + " is annotated with both @InngestTest and @SpringBootTest")
			.withMessageEndingWith("remove @SpringBootTest from BothAnnotations and give its attributes to "
					+ "@InngestTest, such as @InngestTest(webEnvironment = WebEnvironment.RANDOM_PORT)");
	}

	// Bootstrapped by the test above, never run: no test methods.
	@InngestTest(properties = "app.greeting=hello")
	@SpringBootTest(classes = TestApplication.class)
	static class BothAnnotations {

	}

}
