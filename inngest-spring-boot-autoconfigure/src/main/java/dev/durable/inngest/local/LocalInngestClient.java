package dev.durable.inngest.local;

import java.util.Arrays;
import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.EventIngestor;

/**
 * Sends events to the local engine. Inside a transaction, the events are stored with it and
 * their runs start once it commits.
 */
public final class LocalInngestClient implements InngestClient {

	private final EventIngestor ingestor;

	/**
	 * Creates a client.
	 * @param ingestor takes the events in
	 */
	public LocalInngestClient(EventIngestor ingestor) {
		this.ingestor = ingestor;
	}

	@Override
	public List<String> send(Event... events) {
		return this.ingestor.send(Arrays.asList(events));
	}

}
