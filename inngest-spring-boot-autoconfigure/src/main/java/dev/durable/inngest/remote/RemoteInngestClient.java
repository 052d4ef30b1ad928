package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.engine.Ids;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Sends events to the Inngest platform's Event API. Every event is given an id if it has
 * none, and a time, before anything is sent, so that a send that is retried cannot start
 * runs twice: the platform takes an event id once a day.
 * <p>
 * Outside a transaction, the events are sent at once, with retries, and the ids the Event
 * API answers are returned. Inside one, nothing is sent until it commits, and nothing if
 * it rolls back; the events' own ids are returned. With an {@link EventOutbox}, the
 * events are written to it in the transaction and sent once it commits, or by the
 * outbox's forwarder if the process stops first: a committed transaction's events are
 * always sent. Without an outbox, they are held in memory and sent once it commits, and
 * lost if the process stops in between.
 */
public final class RemoteInngestClient implements InngestClient {

	private static final Log logger = LogFactory.getLog(RemoteInngestClient.class);

	private static final JsonMapper JSON = JsonMapper.shared();

	private final EventApi api;

	private final EventChecks checks;

	private final Clock clock;

	private final Ids ids;

	private final @Nullable EventOutbox outbox;

	private final @Nullable EventOutboxForwarder forwarder;

	/**
	 * Creates a client that holds events sent in a transaction in memory until it
	 * commits.
	 * @param api the Event API
	 * @param maxEventSize the most bytes one event may take as JSON
	 * @param clock the clock that dates the events
	 */
	public RemoteInngestClient(EventApi api, long maxEventSize, Clock clock) {
		this(api, maxEventSize, clock, null, null);
	}

	/**
	 * Creates a client that writes events sent in a transaction to an outbox.
	 * @param api the Event API
	 * @param maxEventSize the most bytes one event may take as JSON
	 * @param clock the clock that dates the events
	 * @param outbox the outbox, or {@code null} to hold events in memory until their
	 * transaction commits
	 * @param forwarder sends the outbox's batches, or {@code null} without an outbox
	 */
	public RemoteInngestClient(EventApi api, long maxEventSize, Clock clock, @Nullable EventOutbox outbox,
			@Nullable EventOutboxForwarder forwarder) {
		this.api = api;
		this.checks = new EventChecks(maxEventSize);
		this.clock = clock;
		this.ids = new Ids(clock);
		this.outbox = outbox;
		this.forwarder = forwarder;
	}

	@Override
	public List<String> send(Event... events) {
		this.api.checkConfigured();
		if (events.length == 0) {
			return List.of();
		}
		List<Map<String, Object>> batch = prepare(Arrays.asList(events));
		List<String> eventIds = batch.stream().map((event) -> (String) event.get("id")).toList();
		byte[] body = JSON.writeValueAsBytes(batch);
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()) {
			return this.api.send(body);
		}
		if (this.outbox != null) {
			String batchId = this.outbox.add(new String(body, StandardCharsets.UTF_8));
			afterCommit(() -> {
				if (this.forwarder != null) {
					this.forwarder.forwardNow(batchId);
				}
			});
		}
		else {
			afterCommit(() -> sendCommitted(body, eventIds));
		}
		return eventIds;
	}

	/**
	 * Checks the events, gives each an id and a time if it has none, and turns them into
	 * what the Event API takes.
	 */
	private List<Map<String, Object>> prepare(List<@Nullable Event> events) {
		long now = this.clock.millis();
		List<Map<String, Object>> batch = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			Event event = events.get(i);
			if (event == null) {
				throw new InvalidEventException("Event " + i + " is null");
			}
			this.checks.checkFields(i, event);
			Map<String, Object> wire = wire(event, (event.id() != null) ? event.id() : this.ids.next(),
					(event.ts() != 0) ? event.ts() : now);
			byte[] json;
			try {
				json = JSON.writeValueAsBytes(wire);
			}
			catch (JacksonException ex) {
				throw new InvalidEventException("Event " + i + " cannot be written as JSON: " + ex.getOriginalMessage(),
						ex);
			}
			this.checks.checkSize(i, json.length);
			batch.add(wire);
		}
		return batch;
	}

	private static Map<String, Object> wire(Event event, String id, long ts) {
		Map<String, Object> wire = new LinkedHashMap<>();
		wire.put("name", event.name());
		wire.put("data", event.data());
		if (!event.user().isEmpty()) {
			wire.put("user", event.user());
		}
		wire.put("id", id);
		wire.put("ts", ts);
		if (event.v() != null) {
			wire.put("v", event.v());
		}
		return wire;
	}

	private void sendCommitted(byte[] body, List<String> eventIds) {
		try {
			this.api.send(body);
		}
		catch (RuntimeException ex) {
			// The transaction has committed: the caller cannot undo it, so the loss is
			// logged.
			logger.error(
					"The events " + eventIds + ", sent in a transaction that committed, could not be sent to "
							+ "the Event API and are lost; configure a DataSource to keep such events in the outbox",
					ex);
		}
	}

	private static void afterCommit(Runnable action) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				action.run();
			}
		});
	}

}
