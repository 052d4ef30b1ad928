package dev.durable.inngest.engine;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.StepStore;

import static dev.durable.inngest.RunStatus.CANCELLED;
import static dev.durable.inngest.RunStatus.COMPLETED;
import static dev.durable.inngest.RunStatus.FAILED;
import static dev.durable.inngest.RunStatus.QUEUED;
import static dev.durable.inngest.RunStatus.RUNNING;
import static dev.durable.inngest.RunStatus.SLEEPING;
import static dev.durable.inngest.RunStatus.WAITING;

/**
 * The whole life of a run, and of its steps, as two tables: every change of state, the
 * states it leaves, the state it reaches, the guard under which the store makes it, and
 * the store methods that make it. A store method that changes a state makes exactly the
 * transitions that name it, under their guard, in one conditional write; when the guard
 * does not hold it changes nothing and says so, which is how a worker that lost its
 * lease, or a run that has ended, is noticed. <pre>
 * (new) ── create ──────────▶ QUEUED ── claim ──▶ RUNNING ── complete ──▶ COMPLETED
 * (new) ── create leased ─────────────────────▶ RUNNING ── fail ──────▶ FAILED
 * RUNNING ── suspend ──▶ QUEUED | SLEEPING | WAITING ── claim, when due ──▶ RUNNING
 * RUNNING ── give back ──▶ QUEUED          WAITING ── wake ──▶ QUEUED
 * RUNNING ── renew, take over ──▶ RUNNING
 * QUEUED | RUNNING | SLEEPING | WAITING ── cancel ──▶ CANCELLED
 * QUEUED, never started ── cancel unstarted ──▶ CANCELLED
 * </pre> {@link RunStatus#isFinal()} names the states without exits.
 */
public final class RunLifecycle {

	private RunLifecycle() {
	}

	/**
	 * The condition under which a transition is stored; checked by the store in the same
	 * write.
	 */
	public enum Guard {

		/** Always: the run is new. */
		NONE("none: the run is new"),

		/** The run is due: its due time has passed and no worker holds it. */
		DUE("due: its due time has passed"),

		/** A worker held the run, but its lease expired without being renewed. */
		LEASE_EXPIRED("lease expired: it is running, but its lease's due time has passed"),

		/**
		 * The caller holds the run's lease: it is running under the caller's lease token.
		 */
		LEASE_HELD("lease held: it is running under the caller's lease token"),

		/** The run waits for an event. */
		WAITING_FOR_EVENT("waiting: it is suspended in a wait for an event"),

		/** The run has not ended, whoever holds it. */
		NOT_ENDED("not ended: it is queued, running, sleeping or waiting"),

		/** The run is queued and no attempt of it has started. */
		NOT_STARTED("not started: it is queued and no attempt of it has started"),

		/** The step has not completed: a completed step is never changed. */
		STEP_NOT_COMPLETED("not completed: a completed step is never changed");

		private final String description;

		Guard(String description) {
			this.description = description;
		}

		/**
		 * The guard in words, for messages.
		 * @return the description
		 */
		public String description() {
			return this.description;
		}

	}

	/**
	 * A change of a run's state.
	 */
	public enum Transition {

		/** A run starts queued, due at once, for any instance to claim. */
		CREATE(EnumSet.noneOf(RunStatus.class), EnumSet.of(QUEUED), Guard.NONE, "create"),

		/**
		 * A run starts already leased to the instance that created it, which starts it
		 * unclaimed.
		 */
		CREATE_LEASED(EnumSet.noneOf(RunStatus.class), EnumSet.of(RUNNING), Guard.NONE, "create"),

		/**
		 * A worker takes the lease of a due run: new, retried, or at the end of its sleep
		 * or wait.
		 */
		CLAIM(EnumSet.of(QUEUED, SLEEPING, WAITING), EnumSet.of(RUNNING), Guard.DUE, "claim"),

		/**
		 * A worker takes over a run whose worker let its lease expire: crashed, or cut
		 * off.
		 */
		TAKE_OVER(EnumSet.of(RUNNING), EnumSet.of(RUNNING), Guard.LEASE_EXPIRED, "claim"),

		/** The worker extends its lease. */
		RENEW(EnumSet.of(RUNNING), EnumSet.of(RUNNING), Guard.LEASE_HELD, "renew"),

		/**
		 * The worker releases the run until it is due again: queued for a retry (or for
		 * another instance), sleeping in a sleep step, or waiting for an event.
		 */
		SUSPEND(EnumSet.of(RUNNING), EnumSet.of(QUEUED, SLEEPING, WAITING), Guard.LEASE_HELD, "suspend"),

		/**
		 * A run created leased that no worker started, one claimed first by an instance
		 * that does not declare its function, or one claimed first and refused by the
		 * workers as they shut down, is queued again, as if never started.
		 */
		GIVE_BACK(EnumSet.of(RUNNING), EnumSet.of(QUEUED), Guard.LEASE_HELD, "giveBack"),

		/** The awaited event arrived: the waiting run is due at once. */
		WAKE(EnumSet.of(WAITING), EnumSet.of(QUEUED), Guard.WAITING_FOR_EVENT, "wake"),

		/** The function body returned. */
		COMPLETE(EnumSet.of(RUNNING), EnumSet.of(COMPLETED), Guard.LEASE_HELD, "complete", "completeAll"),

		/** The function body threw, for good or with no retry left. */
		FAIL(EnumSet.of(RUNNING), EnumSet.of(FAILED), Guard.LEASE_HELD, "fail"),

		/** A cancellation ends the run, whether or not a worker holds it. */
		CANCEL(EnumSet.of(QUEUED, RUNNING, SLEEPING, WAITING), EnumSet.of(CANCELLED), Guard.NOT_ENDED, "cancel"),

		/**
		 * A run still queued past its start timeout is cancelled, unless a worker started
		 * it meanwhile.
		 */
		CANCEL_UNSTARTED(EnumSet.of(QUEUED), EnumSet.of(CANCELLED), Guard.NOT_STARTED, "cancelUnstarted");

		private final Set<RunStatus> from;

		private final Set<RunStatus> to;

		private final Guard guard;

		private final List<String> storedBy;

		Transition(Set<RunStatus> from, Set<RunStatus> to, Guard guard, String... storedBy) {
			this.from = from;
			this.to = to;
			this.guard = guard;
			this.storedBy = List.of(storedBy);
		}

		/**
		 * The states this transition leaves; none for a transition that creates a run.
		 * @return the states
		 */
		public Set<RunStatus> from() {
			return this.from.isEmpty() ? EnumSet.noneOf(RunStatus.class) : EnumSet.copyOf(this.from);
		}

		/**
		 * The states this transition may reach.
		 * @return the states
		 */
		public Set<RunStatus> to() {
			return EnumSet.copyOf(this.to);
		}

		/**
		 * The condition under which the store makes this transition.
		 * @return the guard
		 */
		public Guard guard() {
			return this.guard;
		}

		/**
		 * The names of the {@link RunStore} methods that store this transition.
		 * @return the method names
		 */
		public List<String> storedBy() {
			return this.storedBy;
		}

		/**
		 * Checks that this transition may reach a state, as the store does before it
		 * writes one.
		 * @param status the state asked for
		 * @return the state
		 * @throws IllegalArgumentException if this transition never reaches that state
		 */
		public RunStatus requireTarget(RunStatus status) {
			if (!this.to.contains(status)) {
				throw new IllegalArgumentException("A run cannot " + name().toLowerCase().replace('_', ' ') + " to "
						+ status + "; it can only reach " + this.to);
			}
			return status;
		}

	}

	/**
	 * A change of a step's state. A step is stored the first time it is reached, in the
	 * state it reached then, and changed only until it completes.
	 */
	public enum StepTransition {

		/**
		 * A step reached for the first time is stored: completed, failed for good, failed
		 * and waiting for a retry, or a sleep or a wait that has begun. Stored by
		 * {@link StepStore#insert}, or with the run by {@link RunStore#storeStep} and
		 * {@link RunStore#complete} for a step that completed.
		 */
		RECORD(EnumSet.noneOf(StepStatus.class),
				EnumSet.of(StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.RETRYING, StepStatus.SLEEPING,
						StepStatus.WAITING),
				Guard.NONE),

		/**
		 * A pending step moves on: a retry that completes, fails again or fails for good,
		 * a sleep that ends, a wait that its event or its time-out resolves. Stored by
		 * {@link StepStore#update}.
		 */
		RESOLVE(EnumSet.of(StepStatus.RETRYING, StepStatus.SLEEPING, StepStatus.WAITING),
				EnumSet.of(StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.RETRYING), Guard.STEP_NOT_COMPLETED),

		/**
		 * The run was cancelled: its pending steps never resume. Stored by
		 * {@link StepStore#cancelPending}, with the run's {@link Transition#CANCEL}.
		 */
		CANCEL_PENDING(EnumSet.of(StepStatus.RETRYING, StepStatus.SLEEPING, StepStatus.WAITING),
				EnumSet.of(StepStatus.CANCELLED), Guard.STEP_NOT_COMPLETED);

		private final Set<StepStatus> from;

		private final Set<StepStatus> to;

		private final Guard guard;

		StepTransition(Set<StepStatus> from, Set<StepStatus> to, Guard guard) {
			this.from = from;
			this.to = to;
			this.guard = guard;
		}

		/**
		 * The states this transition leaves; none for a step stored the first time.
		 * @return the states
		 */
		public Set<StepStatus> from() {
			return this.from.isEmpty() ? EnumSet.noneOf(StepStatus.class) : EnumSet.copyOf(this.from);
		}

		/**
		 * The states this transition may reach.
		 * @return the states
		 */
		public Set<StepStatus> to() {
			return EnumSet.copyOf(this.to);
		}

		/**
		 * The condition under which the store makes this transition.
		 * @return the guard
		 */
		public Guard guard() {
			return this.guard;
		}

	}

}
