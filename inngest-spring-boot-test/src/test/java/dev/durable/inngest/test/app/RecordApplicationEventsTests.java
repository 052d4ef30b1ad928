package dev.durable.inngest.test.app;

import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.RepeatedTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events the engine publishes while it executes a test's runs, on its own thread, are
 * recorded for that test by {@code @RecordApplicationEvents}, in every test of the class
 * and not in the first alone.
 */
@InngestTest
@RecordApplicationEvents
class RecordApplicationEventsTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	ApplicationEvents events;

	@RepeatedTest(3)
	void theEnginesEventsAreRecordedForEachTest() {
		String runId = this.inngest.send(Event.of("app/doomed", Map.of())).runId("doomed");
		this.inngest.awaitEnd(runId);
		assertThat(this.events.stream(FunctionFailedEvent.class)).singleElement()
			.extracting(FunctionFailedEvent::runId)
			.isEqualTo(runId);
	}

}
