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

}
