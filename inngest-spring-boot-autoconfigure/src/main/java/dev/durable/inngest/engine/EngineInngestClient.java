package dev.durable.inngest.engine;

import java.util.Arrays;
import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;

/**
 * Sends events to the engine. Inside a transaction, the events are stored with it and
 * their runs start once it commits.
 */
public final class EngineInngestClient implements InngestClient {

	private final EventIngestor ingestor;

	/**
	 * Creates a client.
	 * @param ingestor takes the events in
	 */
	public EngineInngestClient(EventIngestor ingestor) {
		this.ingestor = ingestor;
	}

	@Override
	public List<String> send(Event... events) {
		return this.ingestor.send(Arrays.asList(events));
	}

}
