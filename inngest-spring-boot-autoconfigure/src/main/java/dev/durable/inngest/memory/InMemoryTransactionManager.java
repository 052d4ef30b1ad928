package dev.durable.inngest.memory;

import java.util.concurrent.TimeUnit;

import dev.durable.inngest.memory.InMemoryInngestStore.UndoLog;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.SmartTransactionObject;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactions of an {@link InMemoryInngestStore}. A transaction takes the store's
 * lock when it begins and releases it when it commits or rolls back, so that transactions
 * run one at a time and each store call outside them waits for them: serializable,
 * whatever isolation level is asked. Every change made in the transaction is logged, and
 * a rollback undoes the changes in reverse order. A transaction that {@code REQUIRES_NEW}
 * suspends the thread's transaction, whose lock the thread keeps; nested transactions
 * (savepoints) are not supported.
 * <p>
 * On a thread in a transaction of another transaction manager (the application's
 * {@code @Transactional}), a transaction of the store takes part in that transaction,
 * unless it {@code REQUIRES_NEW}, as the engine's work takes part in the application's
 * transaction on a database: its changes, and the store's changes of that thread outside
 * transactions, are kept if that transaction commits and undone if it rolls back; its
 * synchronizations run with that transaction's; and the thread keeps the store locked
 * until then, as a database keeps the rows a transaction wrote locked. A failure of the
 * work taking part undoes all of the store's changes in that transaction, even if the
 * other manager commits.
 */
final class InMemoryTransactionManager extends AbstractPlatformTransactionManager {

	private final InMemoryInngestStore store;

	private final ThreadLocal<@Nullable Transaction> current = new ThreadLocal<>();

	InMemoryTransactionManager(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	protected Object doGetTransaction() {
		Transaction current = this.current.get();
		TransactionObject transaction = new TransactionObject(current);
		if (current == null && TransactionSynchronizationManager.isActualTransactionActive()
				&& TransactionSynchronizationManager.isSynchronizationActive()) {
			transaction.other = otherTransaction();
		}
		return transaction;
	}

	@Override
	protected boolean isExistingTransaction(Object transaction) {
		TransactionObject object = (TransactionObject) transaction;
		return object.transaction != null || object.other != null;
	}

	@Override
	protected void doBegin(Object transaction, TransactionDefinition definition) {
		int timeout = determineTimeout(definition);
		lock(timeout);
		Transaction begun = new Transaction();
		begun.locked = true;
		bind(begun);
		((TransactionObject) transaction).transaction = begun;
	}

	private void lock(int timeout) {
		try {
			if (timeout == TransactionDefinition.TIMEOUT_DEFAULT) {
				// Not interruptibly: a worker whose step was interrupted still stores its
				// outcome.
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
	}

	@Override
	protected Object doSuspend(Object transaction) {
		TransactionObject object = (TransactionObject) transaction;
		Suspended suspended = new Suspended(this.current.get(), this.store.currentUndoLog());
		object.transaction = null;
		object.other = null;
		bind(null);
		return suspended;
	}

	@Override
	protected void doResume(@Nullable Object transaction, Object suspendedResources) {
		Suspended suspended = (Suspended) suspendedResources;
		bind(suspended.transaction());
		if (suspended.transaction() == null) {
			this.store.bindUndoLog(suspended.undo());
		}
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
		TransactionObject object = (TransactionObject) status.getTransaction();
		if (object.transaction != null) {
			object.transaction.undo.setRollbackOnly();
		}
		else if (object.other != null) {
			object.other.undo.setRollbackOnly();
		}
	}

	@Override
	protected void doCleanupAfterCompletion(Object transaction) {
		Transaction completed = ((TransactionObject) transaction).transaction;
		if (completed != null) {
			completed.unlock(this.store);
		}
		bind(null);
	}

	/**
	 * The store's part in the thread's transaction of another manager, found or begun:
	 * the thread locks the store, and the end of that transaction keeps or undoes the
	 * changes and releases the store.
	 */
	private OtherTransaction otherTransaction() {
		OtherTransaction other = (OtherTransaction) TransactionSynchronizationManager.getResource(this);
		if (other != null) {
			return other;
		}
		lock(TransactionDefinition.TIMEOUT_DEFAULT);
		OtherTransaction begun = new OtherTransaction();
		try {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public int getOrder() {
					// After every other synchronization, which may still read the store.
					return Ordered.LOWEST_PRECEDENCE;
				}

				@Override
				public void afterCompletion(int status) {
					end(begun, status == STATUS_COMMITTED);
				}

			});
		}
		catch (RuntimeException ex) {
			this.store.lock().unlock();
			throw ex;
		}
		TransactionSynchronizationManager.bindResource(this, begun);
		// The store's changes outside its transactions belong to the other one, as on a
		// database.
		this.store.bindUndoLog(begun.undo);
		return begun;
	}

	private void end(OtherTransaction other, boolean committed) {
		TransactionSynchronizationManager.unbindResourceIfPossible(this);
		this.store.bindUndoLog(null);
		try {
			if (committed && !other.undo.isRollbackOnly()) {
				other.undo.forget();
			}
			else {
				other.undo.undo();
			}
		}
		finally {
			this.store.lock().unlock();
		}
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

	/**
	 * The store's changes in a transaction of another manager; the thread holds the lock.
	 */
	private static final class OtherTransaction {

		final UndoLog undo = new UndoLog();

	}

	/**
	 * What a new transaction suspended: the thread's transaction, or the undo log it was
	 * in.
	 */
	private record Suspended(@Nullable Transaction transaction, @Nullable UndoLog undo) {

	}

	/**
	 * What {@link #doGetTransaction()} returns: the thread's transaction, if it has begun
	 * one.
	 */
	private static final class TransactionObject implements SmartTransactionObject {

		@Nullable Transaction transaction;

		/**
		 * The thread's transaction of another manager, which a transaction takes part in.
		 */
		@Nullable OtherTransaction other;

		TransactionObject(@Nullable Transaction transaction) {
			this.transaction = transaction;
		}

		@Override
		public boolean isRollbackOnly() {
			if (this.transaction != null) {
				return this.transaction.undo.isRollbackOnly();
			}
			return this.other != null && this.other.undo.isRollbackOnly();
		}

		@Override
		public void flush() {
		}

	}

}
