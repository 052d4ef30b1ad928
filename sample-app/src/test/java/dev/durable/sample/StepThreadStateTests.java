package dev.durable.sample;

import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.transaction.TestTransaction;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A step of a {@code @Transactional} test, run by a signed-in user, sees neither the
 * transaction nor the user, as on the engine's workers in production; what the
 * application sends in the test's transaction is reported rather than waited for.
 */
@InngestTest(properties = "shop.demo-orders=false")
@Import(StepThreadStateTests.Probe.class)
@Transactional
class StepThreadStateTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	InngestClient client;

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void aStepSeesNeitherTheTestsTransactionNorItsUser() {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("test-user", null, List.of()));
		String runId = this.inngest.send(Event.of("probe/thread-state")).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput(Map.of("transaction", false, "user", "none"));
	}

	@Test
	void eventsTheApplicationSendsInTheTestsTransactionAreReportedNotWaitedFor() {
		this.client.send(Event.of("probe/thread-state"));
		assertThatIllegalStateException().isThrownBy(this.inngest::runUntilIdle)
			.withMessageContaining("in the test's transaction (a @Transactional test?)");
	}

	@Test
	void eventsTheApplicationSendsInTheTestsTransactionRunOnceItCommits() {
		this.client.send(Event.of("probe/thread-state"));
		TestTransaction.flagForCommit();
		TestTransaction.end();
		this.inngest.runUntilIdle();
		assertThat(this.inngest.runsOf("thread-state-probe")).singleElement()
			.satisfies((run) -> assertThat(run).isCompleted());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Probe {

		@InngestFunction(id = "thread-state-probe", event = "probe/thread-state")
		public Map<String, Object> probe(Step step) {
			boolean transaction = step.run("transaction", Boolean.class,
					TransactionSynchronizationManager::isActualTransactionActive);
			String user = step.run("user", String.class, () -> {
				Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
				return (authentication != null) ? authentication.getName() : "none";
			});
			return Map.of("transaction", transaction, "user", user);
		}

	}

}
