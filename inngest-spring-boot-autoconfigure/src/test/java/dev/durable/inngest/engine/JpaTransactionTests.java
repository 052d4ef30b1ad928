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
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
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
 */
@SpringBootTest(classes = JpaShopApplication.class, properties = { "spring.jpa.hibernate.ddl-auto=create-drop",
		"spring.jpa.properties.hibernate.generate_statistics=true" })
class JpaTransactionTests {

	@Autowired
	Purchases purchases;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	DataSource dataSource;

	@Autowired
	EntityManagerFactory entityManagerFactory;

	@Autowired
	InngestClient inngest;

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
	void theEnginesWorkOutsideATransactionOpensNoEntityManager() {
		Statistics statistics = this.entityManagerFactory.unwrap(SessionFactory.class).getStatistics();
		String eventId = "outside-" + UUID.randomUUID();
		long opened = statistics.getSessionOpenCount();

		this.inngest.send(Event.of("shop/purchase.placed", Map.of()).withId(eventId));
		RunRecord run = this.probe.awaitEnded(this.probe.awaitRunId(eventId, "confirm-purchase"),
				Duration.ofSeconds(20));

		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		// Sent, claimed, stepped and completed in the data source's own transactions: JPA
		// would open a session for each of them.
		assertThat(statistics.getSessionOpenCount()).isEqualTo(opened);
		assertThat(count("inngest_event", eventId)).isOne();
	}

	private int count(String table, String id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE id = ?").param(id).query(Integer.class).single();
	}

}
