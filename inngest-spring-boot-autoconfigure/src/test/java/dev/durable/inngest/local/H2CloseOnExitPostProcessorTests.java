package dev.durable.inngest.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which H2 URLs H2 would close from its own shutdown hook.
 */
class H2CloseOnExitPostProcessorTests {

	@Test
	void anH2DatabaseInThisProcessIsClosedOnExitUnlessItsUrlSaysOtherwise() {
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:h2:file:./data/app")).isTrue();
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:h2:./data/app;WRITE_DELAY=0")).isTrue();
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:h2:mem:app;DB_CLOSE_DELAY=-1")).isTrue();
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:h2:file:./data/app;db_close_on_exit=true")).isFalse();
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:h2:mem:app;DB_CLOSE_ON_EXIT=FALSE")).isFalse();
	}

	@Test
	void aDatabaseOnAServerOrNotH2IsNotClosedByThisProcess() {
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:h2:tcp://localhost/~/app")).isFalse();
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:h2:ssl://localhost/~/app")).isFalse();
		assertThat(H2CloseOnExitPostProcessor.closedOnExit("jdbc:postgresql://localhost/app")).isFalse();
	}

}
