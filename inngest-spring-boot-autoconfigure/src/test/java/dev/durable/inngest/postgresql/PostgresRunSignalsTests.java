package dev.durable.inngest.postgresql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.local.PostgresRunSignals;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signals to the other instances, on a real PostgreSQL: sent once the transaction
 * that gave them commits, never when it rolls back, and at once outside a transaction.
 */
class PostgresRunSignalsTests {

	private DriverManagerDataSource dataSource;

	private PostgresRunSignals signals;

	private RunSignalListener listener;

	private TransactionTemplate transactions;

	@BeforeEach
	void listen() throws Exception {
		String url = TestDatabases.newPostgresDatabase(TestDatabases.sharedServer());
		this.dataSource = new DriverManagerDataSource(url, "postgres", "");
		this.signals = new PostgresRunSignals(new JdbcTemplate(this.dataSource));
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		this.listener = new RunSignalListener(url);
	}

	@AfterEach
	void close() throws Exception {
		this.signals.close();
		this.listener.close();
	}

	@Test
	void aSignalInATransactionIsSentOnceItCommits() throws Exception {
		this.transactions.executeWithoutResult((status) -> {
			this.signals.due(List.of("01A", "01B"));
			this.signals.cancelled(List.of("01C"));
			assertThat(received(300)).as("while the transaction is open").isEmpty();
		});
		assertThat(received(5000, 2)).containsExactlyInAnyOrder("due " + instance() + " 01A 01B",
				"cancelled " + instance() + " 01C");
	}

	@Test
	void aSignalInATransactionThatRollsBackIsNeverSent() throws Exception {
		this.transactions.executeWithoutResult((status) -> {
			this.signals.due(List.of("01A"));
			status.setRollbackOnly();
		});
		this.signals.due(List.of("01B"));
		// The later signal arrives alone: the rolled-back one was never queued.
		assertThat(received(5000, 1)).containsExactly("due " + instance() + " 01B");
		assertThat(received(300)).isEmpty();
	}

	@Test
	void signalsGivenTogetherShareNotificationsOfAtMostTwoHundredRuns() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 450; i++) {
			ids.add(String.format("01R%03d", i));
		}
		this.signals.due(ids);
		List<String> payloads = received(5000, 3);
		assertThat(payloads).hasSize(3);
		List<String> delivered = payloads.stream()
			.flatMap((payload) -> List.of(payload.substring(("due " + instance() + " ").length()).split(" ")).stream())
			.toList();
		assertThat(delivered).containsExactlyElementsOf(ids);
	}

	@Test
	void closingSendsWhatWasGiven() throws Exception {
		this.signals.due(List.of("01A"));
		this.signals.close();
		assertThat(received(5000, 1)).containsExactly("due " + instance() + " 01A");
	}

	@Test
	void eachInstanceSignsWithAnIdOfItsOwn() throws Exception {
		try (PostgresRunSignals other = new PostgresRunSignals(new JdbcTemplate(this.dataSource))) {
			assertThat(other.instance()).isNotBlank().doesNotContain(" ").isNotEqualTo(instance());
		}
	}

	private String instance() {
		return this.signals.instance();
	}

	private List<String> received(long millis) {
		return this.listener.received(Duration.ofMillis(millis));
	}

	private List<String> received(long millis, int count) {
		return this.listener.received(Duration.ofMillis(millis), count);
	}

}
