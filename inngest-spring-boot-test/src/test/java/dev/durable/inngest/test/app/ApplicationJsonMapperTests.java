package dev.durable.inngest.test.app;

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
 * An application whose {@code JsonMapper} writes names in snake case: the engine stores
 * outputs with it, and an expected output is compared as that mapper writes it.
 */
@InngestTest(properties = "spring.jackson.property-naming-strategy=SNAKE_CASE")
@Import(ApplicationJsonMapperTests.Shipping.class)
class ApplicationJsonMapperTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Test
	void anExpectedOutputIsWrittenWithTheApplicationsMapper() {
		String runId = this.inngest.send(Event.of("probe/ship")).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted()
			.hasOutput(new Receipt("o-1", 2))
			.step("pack")
			.hasOutput(new Receipt("o-1", 2));
	}

	/** A value with names of more than one word. */
	record Receipt(String orderId, int itemCount) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Shipping {

		@InngestFunction(id = "ship-probe", event = "probe/ship")
		Receipt ship(Step step) {
			return step.run("pack", Receipt.class, () -> new Receipt("o-1", 2));
		}

	}

}
