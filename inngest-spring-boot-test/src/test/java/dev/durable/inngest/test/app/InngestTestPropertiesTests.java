package dev.durable.inngest.test.app;

import java.time.Duration;

import dev.durable.inngest.autoconfigure.InngestProperties;
import dev.durable.inngest.test.InngestTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A test's own properties win over the defaults of {@link InngestTest @InngestTest}, and
 * one that sets a property the test engine needs otherwise is refused, naming it.
 */
class InngestTestPropertiesTests {

	@Nested
	@InngestTest(classes = TestApplication.class)
	class Defaults {

		@Autowired
		InngestProperties properties;

		@Test
		void theEngineIsInMemoryWithoutJitterOrRetention() {
			assertThat(this.properties.getLocal().getStore()).isEqualTo(InngestProperties.Store.MEMORY);
			assertThat(this.properties.getLocal().getBackoff().getJitter()).isZero();
			assertThat(this.properties.getLocal().getRetention().isEnabled()).isFalse();
		}

	}

	@Nested
	@InngestTest(classes = TestApplication.class)
	class Enclosing {

		@Nested
		class NestedInIt {

			@Autowired
			InngestProperties properties;

			@Test
			void aNestedTestHasTheDefaultsAndTheEngineDrivenByTheTest() {
				assertThat(this.properties.getMode()).isEqualTo(InngestProperties.Mode.LOCAL);
				assertThat(this.properties.getLocal().isAutoStartup()).isFalse();
				assertThat(this.properties.getLocal().getStore()).isEqualTo(InngestProperties.Store.MEMORY);
				assertThat(this.properties.getLocal().getBackoff().getJitter()).isZero();
			}

		}

	}

	@Nested
	@InngestTest(classes = TestApplication.class,
			properties = { "inngest.local.backoff.jitter=7s", "inngest.local.retention.enabled=true" })
	class SetByTheTest {

		@Autowired
		InngestProperties properties;

		@Test
		void theTestsPropertiesWin() {
			assertThat(this.properties.getLocal().getBackoff().getJitter()).isEqualTo(Duration.ofSeconds(7));
			assertThat(this.properties.getLocal().getRetention().isEnabled()).isTrue();
		}

	}

	@Nested
	@InngestTest(classes = TestApplication.class)
	@TestPropertySource(properties = "inngest.local.backoff.jitter=3s")
	class SetByTestPropertySource {

		@Autowired
		InngestProperties properties;

		@Test
		void theTestsPropertiesWin() {
			assertThat(this.properties.getLocal().getBackoff().getJitter()).isEqualTo(Duration.ofSeconds(3));
		}

	}

	@Nested
	@InngestTest(classes = TestApplication.class)
	@TestPropertySource(locations = "classpath:jitter-4s.properties")
	class SetByATestPropertiesFile {

		@Autowired
		InngestProperties properties;

		@Test
		void theFilesPropertiesWin() {
			assertThat(this.properties.getLocal().getBackoff().getJitter()).isEqualTo(Duration.ofSeconds(4));
		}

	}

	@Test
	void aTestThatStartsTheWorkersIsRefusedNamingTheProperty() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new TestContextManager(StartsWorkers.class).getTestContext().getApplicationContext())
			.havingRootCause()
			.withMessage(StartsWorkers.class.getName() + " sets inngest.local.auto-startup=true, but @InngestTest "
					+ "needs inngest.local.auto-startup=false: it executes runs on its own engine thread when the "
					+ "test says, in local mode. Remove the property, or test with @SpringBootTest instead of "
					+ "@InngestTest");
	}

	@Test
	void aTestWhosePropertiesFileSetsARequiredPropertyIsRefusedNamingTheFile() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new TestContextManager(RemoteInAFile.class).getTestContext().getApplicationContext())
			.havingRootCause()
			.withMessageStartingWith(RemoteInAFile.class.getName() + " sets inngest.mode=remote in class path "
					+ "resource [remote-mode.properties], but @InngestTest needs inngest.mode=local");
	}

	// Bootstrapped by the tests above, never run: no test methods.
	@InngestTest(classes = TestApplication.class)
	@TestPropertySource(locations = "classpath:remote-mode.properties")
	static class RemoteInAFile {

	}

	// Bootstrapped by the test above, never run: no test methods.
	@InngestTest(classes = TestApplication.class, properties = "inngest.local.auto-startup=true")
	static class StartsWorkers {

	}

}
