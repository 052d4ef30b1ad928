package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.jpa.JpaShopApplication;
import dev.durable.inngest.jpa.Purchases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An application that uses JPA gets its events stored in its JPA transactions: the
 * engine's JDBC joins the transaction that {@link JpaTransactionManager} holds on the
 * same data source.
 * <p>
 * Hibernate creates its tables at the start and leaves them: dropping them when the
 * context is closed, at the JVM's exit, would wait for a connection to a test database
 * server that may be stopping at the same time.
 */
@SpringBootTest(classes = JpaShopApplication.class, properties = "spring.jpa.hibernate.ddl-auto=create")
class JpaTransactionTests {

	@Autowired
	Purchases purchases;

	@Autowired
	JpaShopApplication.Packing packing;

	@Autowired
	InngestClient inngest;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	DataSource dataSource;

	@Autowired
	RunStore runs;

	@Autowired
	StepStore steps;

	JdbcClient jdbc;

	RunProbe probe;

	@BeforeEach
	void probe() {
		this.jdbc = JdbcClient.create(this.dataSource);
		this.probe = new RunProbe(this.jdbc, this.runs, this.steps);
	}

	@Test
	void applicationTransactionsAreJpaTransactions() {
		assertThat(this.transactionManager).isInstanceOf(JpaTransactionManager.class);
	}

	@Test
	void committedTransactionStoresTheEntityAndTheEventAndStartsTheRun() {
		String orderId = UUID.randomUUID().toString();
		this.purchases.place(orderId, 2400, false);
		assertThat(count("purchase_order", orderId)).isOne();
		assertThat(count("inngest_event", "purchase-" + orderId)).isOne();
		RunRecord run = this.probe.awaitEnded(this.probe.awaitRunId("purchase-" + orderId, "confirm-purchase"),
				Duration.ofSeconds(20));
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"confirmed\"");
	}

	@Test
	void rolledBackTransactionStoresNeitherTheEntityNorTheEvent() {
		String orderId = UUID.randomUUID().toString();
		assertThatIllegalStateException().isThrownBy(() -> this.purchases.place(orderId, 2400, true))
			.withMessage("Payment refused for " + orderId);
		assertThat(count("purchase_order", orderId)).isZero();
		assertThat(count("inngest_event", "purchase-" + orderId)).isZero();
		assertThat(this.probe.runIds("purchase-" + orderId, "confirm-purchase")).isEmpty();
	}

	@Test
	void aStepThatCallsATransactionalServiceCommitsItsWritesOnce() {
		String orderId = UUID.randomUUID().toString();
		this.inngest.send(Event.of("shop/purchase.paid", Map.of("orderId", orderId)).withId("paid-" + orderId));
		RunRecord run = this.probe.awaitEnded(this.probe.awaitRunId("paid-" + orderId, "ship-purchase"),
				Duration.ofSeconds(20));
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.output()).isEqualTo("\"shipped\"");
		assertThat(this.packing.timesPacked(orderId)).isOne();
		assertThat(count("purchase_order", "packed-" + orderId)).isOne();
	}

	private int count(String table, String id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE id = ?").param(id).query(Integer.class).single();
	}

}
