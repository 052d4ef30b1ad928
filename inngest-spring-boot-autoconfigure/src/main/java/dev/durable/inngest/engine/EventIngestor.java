package dev.durable.inngest.engine;

import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.function.FunctionDefinition;

/**
 * Takes in the events of the application, of its steps and of its cron schedules: the
 * {@link EventIntake}, with the runs that an event cancels cancelled by the
 * {@link RunCanceller}.
 */
public final class EventIngestor {

	private final EventIntake intake;

	private final RunCanceller canceller;

	/**
	 * Creates an ingestor.
	 * @param intake stores the events and starts and resumes their runs
	 * @param canceller cancels the runs that events cancel
	 */
	public EventIngestor(EventIntake intake, RunCanceller canceller) {
		this.intake = intake;
		this.canceller = canceller;
	}

	/**
	 * Takes in events sent by the application, all or none.
	 * @param events the events
	 * @return their ids, in order
	 * @throws InvalidEventException when an event is invalid; nothing is stored then
	 */
	public List<String> send(List<Event> events) {
		return this.intake.send(events, this.canceller::cancel);
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

}
