package dev.durable.inngest.memory;

import java.util.concurrent.TimeUnit;

import dev.durable.inngest.memory.InMemoryInngestStore.UndoLog;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.SmartTransactionObject;

/**
 * The transactions of an {@link InMemoryInngestStore}. A transaction takes the store's lock when
 * it begins and releases it when it commits or rolls back, so that transactions run one at a
 * time and each store call outside them waits for them: serializable, whatever isolation level
 * is asked. Every change made in the transaction is logged, and a rollback undoes the changes in
 * reverse order. A transaction that {@code REQUIRES_NEW} suspends the thread's transaction,
 * whose lock the thread keeps; nested transactions (savepoints) are not supported.
 */
final class InMemoryTransactionManager extends AbstractPlatformTransactionManager {

	private final InMemoryInngestStore store;

	private final ThreadLocal<@Nullable Transaction> current = new ThreadLocal<>();

	InMemoryTransactionManager(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	protected Object doGetTransaction() {
		return new TransactionObject(this.current.get());
	}

	@Override
	protected boolean isExistingTransaction(Object transaction) {
		return ((TransactionObject) transaction).transaction != null;
	}

	@Override
	protected void doBegin(Object transaction, TransactionDefinition definition) {
		int timeout = determineTimeout(definition);
		Transaction begun = new Transaction();
		try {
			if (timeout == TransactionDefinition.TIMEOUT_DEFAULT) {
				// Not interruptibly: a worker whose step was interrupted still stores its outcome.
				this.store.lock().lock();
			}
			else if (!this.store.lock().tryLock(timeout, TimeUnit.SECONDS)) {
				throw new CannotCreateTransactionException(
						"The in-memory store was not free within " + timeout + " seconds");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CannotCreateTransactionException("Interrupted while waiting for the in-memory store", ex);
		}
		begun.locked = true;
		bind(begun);
		((TransactionObject) transaction).transaction = begun;
	}

	@Override
	protected Object doSuspend(Object transaction) {
		Transaction suspended = this.current.get();
		((TransactionObject) transaction).transaction = null;
		bind(null);
		return (suspended != null) ? suspended : new Transaction();
	}

	@Override
	protected void doResume(@Nullable Object transaction, Object suspendedResources) {
		bind((Transaction) suspendedResources);
	}

	@Override
	protected void doCommit(DefaultTransactionStatus status) {
		Transaction transaction = transaction(status);
		transaction.undo.forget();
		transaction.unlock(this.store);
	}

	@Override
	protected void doRollback(DefaultTransactionStatus status) {
		Transaction transaction = transaction(status);
		try {
			transaction.undo.undo();
		}
		finally {
			transaction.unlock(this.store);
		}
	}

	@Override
	protected void doSetRollbackOnly(DefaultTransactionStatus status) {
		transaction(status).undo.setRollbackOnly();
	}

	@Override
	protected void doCleanupAfterCompletion(Object transaction) {
		Transaction completed = ((TransactionObject) transaction).transaction;
		if (completed != null) {
			completed.unlock(this.store);
		}
		bind(null);
	}

	private static Transaction transaction(DefaultTransactionStatus status) {
		Transaction transaction = ((TransactionObject) status.getTransaction()).transaction;
		if (transaction == null) {
			throw new IllegalStateException("No in-memory transaction");
		}
		return transaction;
	}

	private void bind(@Nullable Transaction transaction) {
		if (transaction != null) {
			this.current.set(transaction);
			this.store.bindUndoLog(transaction.undo);
		}
		else {
			this.current.remove();
			this.store.bindUndoLog(null);
		}
	}

	/** A transaction begun: its undo log, and whether it still holds the store's lock. */
	private static final class Transaction {

		final UndoLog undo = new UndoLog();

		boolean locked;

		void unlock(InMemoryInngestStore store) {
			if (this.locked) {
				this.locked = false;
				store.lock().unlock();
			}
		}

	}

	/** What {@link #doGetTransaction()} returns: the thread's transaction, if it has begun one. */
	private static final class TransactionObject implements SmartTransactionObject {

		@Nullable Transaction transaction;

		TransactionObject(@Nullable Transaction transaction) {
			this.transaction = transaction;
		}

		@Override
		public boolean isRollbackOnly() {
			return this.transaction != null && this.transaction.undo.isRollbackOnly();
		}

		@Override
		public void flush() {
		}

	}

}
