package dev.durable.inngest.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The events at the end of a failed or cancelled run, emitted once per run. For a failed
 * run, in the transaction that stores the failure, the {@code inngest/function.failed}
 * system event is stored (starting the functions it triggers) together with a run of the
 * function's {@link dev.durable.inngest.OnFailure} handler; after the commit, a
 * {@link FunctionFailedEvent} is published to the application's listeners.
 * <p>
 * A failing failure handler triggers nothing, and a run that was itself triggered by
 * {@code inngest/function.failed} emits no further system event when it fails, so that a
 * failure listener that fails cannot feed itself.
 * <p>
 * For a cancelled run, in the transaction that stores the cancellation, the
 * {@code inngest/function.cancelled} system event is stored, saying what cancelled the
 * run (starting the functions it triggers, such as a cleanup) together with a run of the
 * function's {@link dev.durable.inngest.OnCancel} handler; after the commit, a
 * {@link FunctionCancelledEvent} is published. A cancellation handler's own failure is a
 * failure like any function's; it has no cancellation handler of its own. Likewise, a run
 * that was itself triggered by {@code inngest/function.cancelled} starts no function by
 * its own cancelled event, other than its own cancellation handler, so that a cleanup
 * that is cancelled, such as by its timeouts, cannot feed itself.
 * <p>
 * A run that a step invoked also stores, in the transaction that ends it however it ends,
 * the {@code inngest/function.finished} event that resumes that step
 * ({@link Invocations}).
 */
public final class RunEndEvents {

	private static final Log logger = LogFactory.getLog(RunEndEvents.class);

	private final String appId;

	private final EventIntake intake;

	private final Supplier<FunctionRegistry> registry;

	private final ApplicationEventPublisher publisher;

	private final TransactionOperations newTransaction;

	/**
	 * Creates the end-of-run events.
	 * @param appId the application's id, which prefixes function ids in system events
	 * @param intake stores the system event and starts its runs
	 * @param registry the functions
	 * @param publisher publishes the Spring event
	 * @param newTransaction runs work in a new transaction
	 */
	public RunEndEvents(String appId, EventIntake intake, Supplier<FunctionRegistry> registry,
			ApplicationEventPublisher publisher, TransactionOperations newTransaction) {
		this.appId = appId;
		this.intake = intake;
		this.registry = registry;
		this.publisher = publisher;
		this.newTransaction = newTransaction;
	}

	/**
	 * The full id of a function in system events: the app id, a dash and the function id.
	 * @param functionId the function id
	 * @return the full id
	 */
	public String fullId(String functionId) {
		return this.appId + "-" + functionId;
	}

	/**
	 * The full id of a function in system events: its own id for a function that another
	 * app serves, else the app id, a dash and the function id.
	 * @param function the function
	 * @return the full id
	 */
	public String fullId(FunctionDefinition function) {
		return function.isServed() ? function.id() : fullId(function.id());
	}

	/**
	 * Emits the events of a run that failed, in the transaction that stores its failure.
	 * @param run the run
	 * @param function its function
	 * @param error why it failed
	 * @param cancels cancels the runs that the system event cancels
	 */
	public void failed(RunRecord run, FunctionDefinition function, ErrorInfo error, EventIntake.Cancels cancels) {
		finished(run, fullId(function), null, error, cancels);
		if (function.isFailureHandler()) {
			return;
		}
		Event systemEvent = FunctionFailedEvent.systemEvent(run.event(), error, fullId(function), run.id());
		List<FunctionDefinition> handler = new ArrayList<>();
		if (function.failureHandlerId() != null) {
			this.registry.get().find(function.failureHandlerId()).ifPresent(handler::add);
		}
		Event stored = FunctionFailedEvent.NAME.equals(run.event().name())
				? this.intake.startRuns(systemEvent, handler, cancels)
				: this.intake.sendSystem(systemEvent, handler, cancels);
		publishAfterCommit(FunctionFailedEvent.of(stored), run.id());
	}

	/**
	 * Emits the events of a run that was cancelled, in the transaction that stores its
	 * cancellation.
	 * @param run the run
	 * @param cause what cancelled it
	 * @param cancels cancels the runs that the system event cancels
	 */
	public void cancelled(RunRecord run, FunctionCancelledEvent.Cause cause, EventIntake.Cancels cancels) {
		String fullId = this.registry.get()
			.find(run.functionId())
			.map(this::fullId)
			.orElseGet(() -> fullId(run.functionId()));
		finished(run, fullId, null, Invocations.CANCELLED, cancels);
		Event systemEvent = FunctionCancelledEvent.systemEvent(run.event(), fullId, run.id(), cause);
		List<FunctionDefinition> handler = new ArrayList<>();
		this.registry.get()
			.find(run.functionId())
			.map(FunctionDefinition::cancellationHandlerId)
			.flatMap(this.registry.get()::find)
			.ifPresent(handler::add);
		// A run started by a cancellation triggers no function when it is cancelled in
		// turn: a cleanup that times out would else start itself again, without end.
		Event stored = FunctionCancelledEvent.NAME.equals(run.event().name())
				? this.intake.startRuns(systemEvent, handler, cancels)
				: this.intake.sendSystem(systemEvent, handler, cancels);
		publishAfterCommit(FunctionCancelledEvent.of(stored), run.id());
	}

	/**
	 * Emits the event of a run that completed, in the transaction that stores its
	 * completion, if a step invoked it: only such a run has an event at its completion.
	 * @param run the run
	 * @param function its function
	 * @param output its output
	 * @param cancels cancels the runs that the event cancels
	 */
	public void completed(RunRecord run, FunctionDefinition function, @Nullable Object output,
			EventIntake.Cancels cancels) {
		finished(run, fullId(function), output, null, cancels);
	}

	/**
	 * Whether a run must emit an event at its completion, which is then stored in the
	 * transaction that completes it rather than with other runs' completions.
	 * @param run the run
	 * @return {@code true} if a step invoked it
	 */
	public static boolean emitsAtCompletion(RunRecord run) {
		return Invocations.correlationId(run.event()) != null;
	}

	/**
	 * Stores the {@code inngest/function.finished} event of a run that a step invoked,
	 * which resumes that step. It starts no function: the engine emits it for invoked
	 * runs only, not for every run as Inngest does.
	 */
	private void finished(RunRecord run, String fullId, @Nullable Object result, @Nullable ErrorInfo error,
			EventIntake.Cancels cancels) {
		String correlationId = Invocations.correlationId(run.event());
		if (correlationId != null) {
			this.intake.startRuns(Invocations.finished(run, fullId, correlationId, result, error), List.of(), cancels);
		}
	}

	private void publishAfterCommit(Object event, String runId) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				publish(event, runId);
			}
		});
	}

	private void publish(Object event, String runId) {
		try {
			this.newTransaction.executeWithoutResult((status) -> this.publisher.publishEvent(event));
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of " + event.getClass().getSimpleName() + " for run " + runId
					+ " threw; the run's state and its handling are unchanged", ex);
		}
	}

}
