package dev.durable.sample;

import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.transaction.TestTransaction;
import org.springframework.transaction.annotation.Transactional;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * With the engine on the application's database, events the application sends in a
 * {@code @Transactional} test's transaction are reported by the next call of the test
 * environment, as with the in-memory store, rather than silently not run: the engine
 * cannot see rows that transaction has not committed.
 */
@InngestTest(properties = { "shop.demo-orders=false", "inngest.local.store=jdbc" })
@Import(JdbcStoreTransactionTests.Probe.class)
@Transactional
class JdbcStoreTransactionTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	InngestClient client;

	@Test
	void eventsTheApplicationSendsInTheTestsTransactionAreReportedNotMissed() {
		this.client.send(Event.of("probe/jdbc-transaction"));
		assertThatIllegalStateException().isThrownBy(this.inngest::runUntilIdle)
			.withMessageContaining("in the test's transaction (a @Transactional test?)");
	}

	@Test
	void eventsTheApplicationSendsInTheTestsTransactionRunOnceItCommits() {
		String eventId = this.client.send(Event.of("probe/jdbc-transaction")).get(0);
		TestTransaction.flagForCommit();
		TestTransaction.end();
		this.inngest.runUntilIdle();
		// The store on a database is not emptied between tests: this test's run only.
		assertThat(this.inngest.runsOf("jdbc-transaction-probe")).filteredOn((run) -> eventId.equals(run.event().id()))
			.singleElement()
			.satisfies((run) -> assertThat(run).isCompleted().hasOutput(Map.of("ran", true)));
	}

	@Test
	void aTransactionThatSentNothingIsNoObstacle() {
		String runId = this.inngest.send(Event.of("probe/jdbc-transaction")).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Probe {

		@InngestFunction(id = "jdbc-transaction-probe", event = "probe/jdbc-transaction")
		public Map<String, Object> probe() {
			return Map.of("ran", true);
		}

	}

}
