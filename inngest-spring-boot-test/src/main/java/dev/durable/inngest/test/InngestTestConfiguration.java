package dev.durable.inngest.test;

import java.time.Duration;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;
import dev.durable.inngest.engine.DueRuns;
import dev.durable.inngest.engine.EventIngestor;
import dev.durable.inngest.engine.JsonCodec;
import dev.durable.inngest.engine.PropertyChecks;
import dev.durable.inngest.engine.RunQueue;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.memory.InMemoryInngestStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * What {@link InngestTest @InngestTest} adds to the application: the test clock in place
 * of the engine's, the mocks consulted before each step, the capture of the engine's
 * Spring events, the thread runs execute on and the {@link InngestTestEnvironment} over
 * them.
 */
@TestConfiguration(proxyBeanMethods = false)
class InngestTestConfiguration {

	/**
	 * Fails the start with what to do when the context has no local engine to test,
	 * rather than with the first of the engine's beans that the environment misses.
	 */
	@Bean
	static BeanFactoryPostProcessor inngestTestEngineCheck() {
		return (beanFactory) -> {
			if (beanFactory.getBeanNamesForType(DueRuns.class, true, false).length == 0) {
				throw new IllegalStateException("@InngestTest found no local Inngest engine in the application "
						+ "context to test: the configuration it started does not auto-configure one. Give "
						+ "@InngestTest(classes = ...) the application's @SpringBootApplication class, or add "
						+ "@EnableAutoConfiguration to the configuration classes it is given (or leave classes out, "
						+ "to find the @SpringBootConfiguration from the test's package)");
			}
		};
	}

	// As the engine's own clock: injected only by its name, so that an application's own
	// Clock stays the one injected by type.
	@Bean(name = InngestLocalAutoConfiguration.CLOCK_BEAN_NAME, defaultCandidate = false)
	InngestTestClock inngestClock() {
		return new InngestTestClock();
	}

	@Bean
	MockedSteps inngestMockedSteps() {
		return new MockedSteps();
	}

	@Bean
	CapturedEvents inngestCapturedEvents() {
		return new CapturedEvents();
	}

	@Bean
	EngineThread inngestEngineThread(Environment environment) {
		return new EngineThread(PropertyChecks.atLeastOneMillisecond("inngest.test.engine-timeout",
				environment.getProperty("inngest.test.engine-timeout", Duration.class, Duration.ofMinutes(2))));
	}

	@Bean
	InngestTestEnvironment inngestTestEnvironment(
			@Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) InngestTestClock clock, DueRuns dueRuns,
			InngestClient client, InngestRuns runs, RunStore runStore, StepStore steps, EventStore eventStore,
			EventIngestor ingestor, RunQueue queue, JsonCodec json, MockedSteps mocks, CapturedEvents events,
			ObjectProvider<InMemoryInngestStore> store, FunctionDiscoverer functions, EngineThread engineThread) {
		// Without the store in memory (a test that chose jdbc), each test starts with the
		// runs before it.
		return new InngestTestEnvironment(clock, dueRuns, client, runs, runStore, steps, eventStore, ingestor, queue,
				json, mocks, events, store.getIfAvailable(), functions::registry, engineThread);
	}

}
