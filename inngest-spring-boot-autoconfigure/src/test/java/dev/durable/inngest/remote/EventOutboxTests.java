package dev.durable.inngest.remote;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.remote.FakeEventApi.Answer;
import dev.durable.inngest.remote.FakeEventApi.Received;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events sent in a transaction go through the outbox on a real database (H2, or
 * PostgreSQL in the PostgreSQL run): sent once if it commits, never if it rolls back, and
 * sent by the forwarder if the process stopped between the commit and the send.
 */
class EventOutboxTests {

	private static final Duration LEASE = Duration.ofMillis(300);

	private FakeEventApi platform;

	private DataSource dataSource;

	private TransactionTemplate transactions;

	private EventOutbox outbox;

	private EventOutboxForwarder forwarder;

	private RemoteInngestClient client;

	@BeforeEach
	void setUp() throws Exception {
		this.platform = new FakeEventApi();
		this.dataSource = new DriverManagerDataSource(TestDatabases.newUrl("outbox"));
		new EventOutboxSchemaInitializer(this.dataSource, DatabaseInitializationMode.ALWAYS).initializeDatabase();
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		EventApi api = new EventApi(RestClient.create(), this.platform.origin(), "key", false, null,
				RemoteInngestClientTests.FAST);
		this.outbox = new EventOutbox(this.dataSource, Clock.systemUTC(), LEASE);
		this.forwarder = new EventOutboxForwarder(this.outbox, api, Duration.ofMillis(100), Duration.ofMillis(50),
				Duration.ofMillis(200));
		this.client = new RemoteInngestClient(api, 512 * 1024, Clock.systemUTC(), this.outbox, this.forwarder);
	}

	@AfterEach
	void tearDown() {
		this.forwarder.stop();
		this.platform.close();
	}

	@Test
	void embeddedInitializationCreatesTheTableInAFileH2Database(@TempDir Path directory) {
		DataSource file = new DriverManagerDataSource("jdbc:h2:file:" + directory.resolve("outbox"));
		assertThat(new EventOutboxSchemaInitializer(file, DatabaseInitializationMode.EMBEDDED).initializeDatabase())
			.isTrue();
		assertThat(new JdbcTemplate(file).queryForObject("SELECT COUNT(*) FROM inngest_outbox", Long.class)).isZero();
	}

	@Test
	void aRolledBackTransactionSendsNothing() {
		this.forwarder.start();
		this.transactions.executeWithoutResult((status) -> {
			this.client.send(Event.of("shop/order.placed", Map.of("orderId", "o-1")));
			status.setRollbackOnly();
		});
		assertThat(this.outbox.size()).isZero();
		assertThat(this.forwarder.forwardAvailable()).isZero();
		assertThat(this.platform.received()).isEmpty();
	}

	@Test
	void aCommittedTransactionSendsItsEventsOnce() {
		this.forwarder.start();
		List<String> ids = this.transactions.execute((status) -> {
			List<String> sent = this.client.send(Event.of("shop/order.placed"), Event.of("shop/order.paid"));
			assertThat(this.platform.received()).as("nothing is sent before the commit").isEmpty();
			return sent;
		});
		await().untilAsserted(() -> assertThat(this.platform.taken()).hasSize(2));
		await().untilAsserted(() -> assertThat(this.outbox.size()).isZero());
		assertThat(this.platform.taken()).containsOnlyKeys(ids).allSatisfy((id, count) -> assertThat(count).isOne());
		assertThat(this.platform.received()).hasSize(1);
	}

	@Test
	void theEventsAreWrittenInTheCallersTransaction() {
		this.transactions.executeWithoutResult((status) -> {
			this.client.send(Event.of("shop/order.placed"));
			assertThat(this.outbox.size()).as("seen in the transaction").isOne();
			status.setRollbackOnly();
		});
		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void aBatchLeftBehindByAStoppedProcessIsSentByTheForwarder() {
		// Not started: as if the process stopped right after the commit, before the send.
		List<String> ids = this.transactions.execute((status) -> this.client.send(Event.of("shop/order.placed")));
		assertThat(this.outbox.size()).isOne();
		assertThat(this.platform.received()).isEmpty();
		this.forwarder.start();
		await().untilAsserted(() -> assertThat(this.outbox.size()).isZero());
		assertThat(this.platform.taken()).containsExactly(Map.entry(ids.get(0), 1));
	}

	@Test
	void aNewBatchIsLeftToTheInstanceThatWroteItForTheLease() {
		String id = this.transactions.execute((status) -> this.outbox.add("[]"));
		assertThat(this.outbox.available(10)).isEmpty();
		await().untilAsserted(() -> assertThat(this.outbox.available(10)).containsExactly(id));
	}

	@Test
	void anAvailableBatchIsClaimedByOneInstanceOnly() {
		String id = this.transactions.execute((status) -> this.outbox.add("[]"));
		new JdbcTemplate(this.dataSource).update("UPDATE inngest_outbox SET available_at = CURRENT_TIMESTAMP");
		// A lease long enough that a slow machine cannot see it end between the claim and
		// the checks.
		EventOutbox one = new EventOutbox(this.dataSource, Clock.systemUTC(), Duration.ofMinutes(1));
		EventOutbox other = new EventOutbox(this.dataSource, Clock.systemUTC(), Duration.ofMinutes(1));
		assertThat(one.claim(id)).isPresent();
		assertThat(other.claim(id)).isEmpty();
		assertThat(other.available(10)).isEmpty();
	}

	@Test
	void aBatchWrittenByHandIsSent() {
		new JdbcTemplate(this.dataSource).update("INSERT INTO inngest_outbox (id, events, created_at, available_at, "
				+ "attempts) VALUES ('crashed', '[{\"name\":\"a/b\",\"data\":{},\"id\":\"e-1\",\"ts\":1735689600000}]', "
				+ "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)");
		this.forwarder.start();
		await().untilAsserted(() -> assertThat(this.outbox.size()).isZero());
		assertThat(this.platform.taken()).containsExactly(Map.entry("e-1", 1));
	}

	@Test
	void anEventApiFailingTwiceStillTakesEachEventOnce() {
		this.platform.answer(Answer.status(500, "{\"error\":\"boom\"}"), Answer.status(503, "unavailable"),
				Answer.ok());
		this.forwarder.start();
		List<String> ids = this.transactions
			.execute((status) -> this.client.send(Event.of("a/one"), Event.of("a/two"), Event.of("a/three")));
		await().untilAsserted(() -> assertThat(this.outbox.size()).isZero());
		assertThat(this.platform.received()).hasSize(3)
			.extracting(Received::eventIds)
			.allSatisfy((eventIds) -> assertThat(eventIds).isEqualTo(ids));
		assertThat(this.platform.taken()).containsOnlyKeys(ids).allSatisfy((id, count) -> assertThat(count).isOne());
	}

	@Test
	void aBatchWhoseRetriesAllFailIsTriedAgainLater() {
		int failures = RemoteInngestClientTests.FAST.maxRetries() + 2;
		Answer[] answers = new Answer[failures + 1];
		java.util.Arrays.fill(answers, Answer.status(500, "{\"error\":\"down\"}"));
		answers[failures] = Answer.ok();
		this.platform.answer(answers);
		this.forwarder.start();
		List<String> ids = this.transactions.execute((status) -> this.client.send(Event.of("a/b")));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.outbox.size()).isZero());
		assertThat(this.platform.received()).hasSize(failures + 1);
		assertThat(this.platform.taken()).containsExactly(Map.entry(ids.get(0), 1));
	}

	@Test
	void aBatchAnsweredWithSomethingElseThanTheEventApisAnswerStaysInTheOutbox() {
		this.platform.answer(Answer.status(200, "<html>not the Event API</html>"), Answer.ok());
		List<String> ids = this.transactions.execute((status) -> this.client.send(Event.of("a/b")));
		new JdbcTemplate(this.dataSource).update("UPDATE inngest_outbox SET available_at = CURRENT_TIMESTAMP");
		assertThat(this.forwarder.forwardAvailable()).isZero();
		assertThat(this.outbox.size()).isOne();
		new JdbcTemplate(this.dataSource).update("UPDATE inngest_outbox SET available_at = CURRENT_TIMESTAMP");
		assertThat(this.forwarder.forwardAvailable()).isOne();
		assertThat(this.outbox.size()).isZero();
		assertThat(this.platform.taken()).containsExactly(Map.entry(ids.get(0), 1));
	}

	@Test
	void aFailedTryIsRecordedWithTheBatch() {
		this.platform.answer(Answer.status(401, "{\"error\":\"Event key not found\"}"));
		this.transactions.executeWithoutResult((status) -> this.client.send(Event.of("a/b")));
		new JdbcTemplate(this.dataSource).update("UPDATE inngest_outbox SET available_at = CURRENT_TIMESTAMP");
		assertThat(this.forwarder.forwardAvailable()).isZero();
		Map<String, Object> row = new JdbcTemplate(this.dataSource)
			.queryForMap("SELECT attempts, last_error FROM inngest_outbox");
		assertThat(row.get("attempts")).isEqualTo(1);
		assertThat((String) row.get("last_error")).contains("refused the event key");
	}

	@Test
	void outsideATransactionEventsAreSentAtOnce() {
		List<String> ids = this.client.send(Event.of("a/b"));
		assertThat(ids).hasSize(1);
		assertThat(this.platform.received()).hasSize(1);
		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void withoutAnOutboxACommittedTransactionSendsFromMemory() {
		EventApi api = new EventApi(RestClient.create(), this.platform.origin(), "key", false, null,
				RemoteInngestClientTests.FAST);
		RemoteInngestClient inMemory = new RemoteInngestClient(api, 512 * 1024, Clock.systemUTC());
		this.transactions.executeWithoutResult((status) -> {
			inMemory.send(Event.of("a/rolled-back"));
			status.setRollbackOnly();
		});
		assertThat(this.platform.received()).isEmpty();
		List<String> ids = this.transactions.execute((status) -> {
			List<String> sent = inMemory.send(Event.of("a/committed"));
			assertThat(this.platform.received()).isEmpty();
			return sent;
		});
		assertThat(this.platform.taken()).containsExactly(Map.entry(ids.get(0), 1));
		assertThat(this.outbox.size()).isZero();
	}

}
