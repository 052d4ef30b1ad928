package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import dev.durable.inngest.Event;
import dev.durable.inngest.testsupport.Latches;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.NestedTransactionNotSupportedException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The in-memory store's transactions: propagation, synchronizations and isolation, as the
 * engine uses them.
 */
class InMemoryTransactionManagerTests {

	private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

	private final InMemoryInngestStore store = new InMemoryInngestStore();

	private final TransactionTemplate required = new TransactionTemplate(this.store.transactionManager());

	private final TransactionTemplate requiresNew = new TransactionTemplate(this.store.transactionManager());

	private final DataSource applicationDatabase = new SimpleDriverDataSource(new org.h2.Driver(),
			"jdbc:h2:mem:application-" + UUID.randomUUID(), "sa", "");

	InMemoryTransactionManagerTests() {
		this.requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	@Test
	void anAfterCommitCallbackStoresInATransactionOfItsOwn() {
		this.required.executeWithoutResult((status) -> {
			insert("first");
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					InMemoryTransactionManagerTests.this.requiresNew.executeWithoutResult((inner) -> insert("after"));
				}
			});
		});
		assertThat(existing("first", "after")).containsExactlyInAnyOrder("first", "after");
	}

	@Test
	void aNewTransactionCommitsOrRollsBackApartFromTheOneItSuspends() {
		assertThatIllegalStateException().isThrownBy(() -> this.required.executeWithoutResult((status) -> {
			insert("outer");
			this.requiresNew.executeWithoutResult((inner) -> insert("committed"));
			assertThatIllegalStateException().isThrownBy(() -> this.requiresNew.executeWithoutResult((inner) -> {
				insert("rolled-back");
				throw new IllegalStateException("inner");
			}));
			throw new IllegalStateException("outer");
		}));
		assertThat(existing("outer", "committed", "rolled-back")).containsExactly("committed");
	}

	@Test
	void aJoinedTransactionThatFailsRollsBackTheWhole() {
		assertThatExceptionOfType(UnexpectedRollbackException.class)
			.isThrownBy(() -> this.required.executeWithoutResult((status) -> {
				insert("outer");
				this.required.executeWithoutResult((inner) -> {
					insert("inner");
					inner.setRollbackOnly();
				});
			}));
		assertThat(existing("outer", "inner")).isEmpty();
	}

	@Test
	void nestedTransactionsAreRefused() {
		TransactionTemplate nested = new TransactionTemplate(this.store.transactionManager());
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		assertThatExceptionOfType(NestedTransactionNotSupportedException.class)
			.isThrownBy(() -> this.required.executeWithoutResult((status) -> nested.executeWithoutResult((inner) -> {
			})));
	}

	@Test
	void anotherThreadSeesATransactionsChangesOnlyOnceItCommits() throws Exception {
		CountDownLatch inserted = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<Void> transaction = CompletableFuture
			.runAsync(() -> this.required.executeWithoutResult((status) -> {
				insert("pending");
				inserted.countDown();
				Latches.await(commit);
			}));
		assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> existing("pending"));
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> read.get(200, TimeUnit.MILLISECONDS));
		commit.countDown();
		transaction.get(10, TimeUnit.SECONDS);
		assertThat(read.get(10, TimeUnit.SECONDS)).containsExactly("pending");
	}

	@Test
	void aTransactionWithATimeoutGivesUpWaitingForTheStore() throws Exception {
		CountDownLatch begun = new CountDownLatch(1);
		CountDownLatch end = new CountDownLatch(1);
		CompletableFuture<Void> holder = CompletableFuture
			.runAsync(() -> this.required.executeWithoutResult((status) -> {
				begun.countDown();
				Latches.await(end);
			}));
		assertThat(begun.await(10, TimeUnit.SECONDS)).isTrue();
		TransactionTemplate impatient = new TransactionTemplate(this.store.transactionManager());
		impatient.setTimeout(1);
		try {
			assertThatExceptionOfType(CannotCreateTransactionException.class)
				.isThrownBy(() -> impatient.executeWithoutResult((status) -> insert("late")));
		}
		finally {
			end.countDown();
			holder.get(10, TimeUnit.SECONDS);
		}
		assertThat(existing("late")).isEmpty();
	}

	@Test
	void aTransactionInTheApplicationsTransactionIsUndoneWhenThatRollsBack() {
		assertThatIllegalStateException().isThrownBy(() -> application().executeWithoutResult((outer) -> {
			this.required.executeWithoutResult((status) -> insert("joined"));
			this.requiresNew.executeWithoutResult((status) -> insert("own"));
			throw new IllegalStateException("the application's transaction fails");
		}));
		assertThat(existing("joined", "own")).containsExactly("own");
		// Released: another thread uses the store.
		assertThat(CompletableFuture.supplyAsync(() -> existing("own")).join()).containsExactly("own");
	}

	@Test
	void aTransactionInTheApplicationsTransactionIsKeptAndLockedUntilThatCommits() throws Exception {
		List<String> afterCommit = new CopyOnWriteArrayList<>();
		CountDownLatch joined = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<Void> application = CompletableFuture
			.runAsync(() -> application().executeWithoutResult((outer) -> {
				this.required.executeWithoutResult((status) -> {
					insert("joined");
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
						@Override
						public void afterCommit() {
							afterCommit.add("handed off");
						}
					});
				});
				assertThat(afterCommit).isEmpty();
				joined.countDown();
				Latches.await(commit);
			}));
		assertThat(joined.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> existing("joined"));
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> read.get(200, TimeUnit.MILLISECONDS));
		commit.countDown();
		application.get(10, TimeUnit.SECONDS);
		assertThat(read.get(10, TimeUnit.SECONDS)).containsExactly("joined");
		assertThat(afterCommit).containsExactly("handed off");
	}

	/** The application's own transactions, on a database of its own. */
	private TransactionTemplate application() {
		return new TransactionTemplate(new DataSourceTransactionManager(this.applicationDatabase));
	}

	private void insert(String id) {
		this.store.events().insert(List.of(new Event("test", Map.of(), null, id, NOW.toEpochMilli(), null)), NOW);
	}

	private List<String> existing(String... ids) {
		return List.copyOf(this.store.events().lastReceived(List.of(ids)).keySet());
	}

}
