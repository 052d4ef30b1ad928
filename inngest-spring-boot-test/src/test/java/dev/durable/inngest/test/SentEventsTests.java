package dev.durable.inngest.test;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a send reports of the runs it started.
 */
class SentEventsTests {

	@Test
	void eventsMadeWithoutDuplicatesHaveNoneAndSayWhyTheyStartedNoRun() {
		SentEvents sent = new SentEvents(List.of("e1"), List.of());
		assertThat(sent.duplicateIds()).isEmpty();
		assertThat(sent.runIds()).isEmpty();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(sent::runId)
			.withMessageContaining("no function is triggered by events [e1]");
	}

	@Test
	void eventsThatStartedNoRunAreNamedByTheirNames() {
		SentEvents sent = new SentEvents(List.of("e1", "e2"), List.of(), List.of(),
				List.of("shop/order.placd", "shop/order.placd"));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(sent::runId)
			.withMessage("Expected the events to start one run, but they started 0: no function is triggered by "
					+ "events named [shop/order.placd], or the condition of each function that is did not match them");
	}

}
