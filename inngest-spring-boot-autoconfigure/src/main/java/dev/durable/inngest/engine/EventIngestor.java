package dev.durable.inngest.engine;

import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.function.FunctionDefinition;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Takes in the events of the application, of its steps and of its cron schedules: the
 * {@link EventIntake}, with the runs that an event cancels cancelled by the
 * {@link RunCanceller}.
 * <p>
 * Sent outside a transaction, the events of threads that send at the same time can be
 * committed together, and with the runs' completions made meanwhile where the
 * {@link SharedCommits} given are the engine's: each {@code send} still returns only once
 * its own events are committed, and a group that fails is stored again one send at a
 * time. Sent inside the caller's transaction, events are stored in it, and commit or roll
 * back with it.
 */
public final class EventIngestor {

	private final EventIntake intake;

	private final RunCanceller canceller;

	private final @Nullable SharedCommits commits;

	private final SharedCommits.Kind<List<Event>, List<String>> sends = new SharedCommits.Kind<>() {

		@Override
		public List<String> alone(List<Event> events) {
			return sendValid(events);
		}

		@Override
		public List<List<String>> together(List<List<Event>> sends) {
			return sendTogether(sends);
		}

		@Override
		public int weight(List<Event> events) {
			return events.size();
		}

	};

	/**
	 * Creates an ingestor that commits each send alone.
	 * @param intake stores the events and starts and resumes their runs
	 * @param canceller cancels the runs that events cancel
	 */
	public EventIngestor(EventIntake intake, RunCanceller canceller) {
		this(intake, canceller, null);
	}

	/**
	 * Creates an ingestor.
	 * @param intake stores the events and starts and resumes their runs
	 * @param canceller cancels the runs that events cancel
	 * @param commits commits the events that threads send at the same time, outside a
	 * transaction, together, with the other writes it commits; or {@code null} to commit
	 * each send alone
	 */
	public EventIngestor(EventIntake intake, RunCanceller canceller, @Nullable SharedCommits commits) {
		this.intake = intake;
		this.canceller = canceller;
		this.commits = commits;
	}

	/**
	 * Takes in events sent by the application, all or none.
	 * @param events the events
	 * @return their ids, in order
	 * @throws InvalidEventException when an event is invalid; nothing is stored then
	 */
	public List<String> send(List<Event> events) {
		if (this.commits == null || events.isEmpty() || TransactionSynchronizationManager.isActualTransactionActive()) {
			return this.intake.send(events, this.canceller::cancel);
		}
		this.intake.validate(events);
		return this.commits.commit(this.sends, events);
	}

	/**
	 * Whether the events that threads send at the same time, outside a transaction, are
	 * committed together.
	 * @return {@code true} if they are
	 */
	public boolean sendsTogether() {
		return this.commits != null;
	}

	/**
	 * How many sends wait for their events to be committed with others.
	 * @return the count
	 */
	public int sendsWaiting() {
		return (this.commits != null) ? this.commits.waiting(this.sends) : 0;
	}

	/**
	 * Takes in an event that starts runs of the given functions only, such as a cron
	 * tick.
	 * @param event the event
	 * @param functions the functions to start
	 * @return the stored event
	 */
	public Event startRuns(Event event, List<FunctionDefinition> functions) {
		return this.intake.startRuns(event, functions, this.canceller::cancel);
	}

	private List<String> sendValid(List<Event> events) {
		return this.intake.sendValid(events, this.canceller::cancel);
	}

	/**
	 * Stores the events of several sends in one transaction, returning each send's ids.
	 */
	private List<List<String>> sendTogether(List<List<Event>> sends) {
		List<Event> all = new ArrayList<>();
		sends.forEach(all::addAll);
		List<String> ids = sendValid(all);
		List<List<String>> each = new ArrayList<>(sends.size());
		int from = 0;
		for (List<Event> send : sends) {
			each.add(ids.subList(from, from + send.size()));
			from += send.size();
		}
		return each;
	}

}
