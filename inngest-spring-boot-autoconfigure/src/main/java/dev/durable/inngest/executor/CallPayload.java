package dev.durable.inngest.executor;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a call request carries of a run, as an SDK reads it: its event, its events, and
 * its ended steps memoized by their hashed ids in the order they ended. The calls carry
 * it, and {@link RunPayloadEndpoint} answers it to an app that a call too large to send
 * whole told to fetch it, so that both carry the same.
 */
final class CallPayload {

	private final JsonMapper mapper;

	CallPayload(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * The steps that ended, completed or failed, in the order they ended.
	 * @param steps the run's steps
	 * @return those that ended
	 */
	static List<StepRecord> ended(Collection<StepRecord> steps) {
		return steps.stream()
			.filter((record) -> record.status() == StepStatus.COMPLETED || record.status() == StepStatus.FAILED)
			.sorted(Comparator.comparing(StepRecord::endedAt, Comparator.nullsLast(Comparator.naturalOrder()))
				.thenComparing(StepRecord::startedAt, Comparator.nullsLast(Comparator.naturalOrder())))
			.toList();
	}

	/**
	 * The memoized steps, {@code steps} of a call request.
	 * @param ended the steps that ended, as {@link #ended} gives them
	 * @param memos the memos made before, by step key, to which this adds
	 * @return the steps by key
	 */
	ObjectNode steps(List<StepRecord> ended, Map<String, JsonNode> memos) {
		ObjectNode steps = this.mapper.createObjectNode();
		for (StepRecord record : ended) {
			steps.set(record.key(), memos.computeIfAbsent(record.key(), (key) -> memo(record)));
		}
		return steps;
	}

	/**
	 * The run's events, {@code events} of a call request: its one event.
	 * @param event the event, as {@link #event} gives it
	 * @return the events
	 */
	ArrayNode events(JsonNode event) {
		return this.mapper.createArrayNode().add(event);
	}

	/**
	 * The event as an SDK reads it, {@code event} of a call request.
	 * @param event the run's event
	 * @return the event
	 */
	JsonNode event(Event event) {
		ObjectNode node = this.mapper.createObjectNode();
		node.put("name", event.name());
		node.set("data", this.mapper.valueToTree(event.data()));
		node.set("user", this.mapper.valueToTree(event.user()));
		if (event.id() != null) {
			node.put("id", event.id());
		}
		node.put("ts", event.ts());
		if (event.v() != null) {
			node.put("v", event.v());
		}
		return node;
	}

	private JsonNode memo(StepRecord record) {
		if (record.status() == StepStatus.FAILED) {
			ObjectNode memo = this.mapper.createObjectNode();
			ObjectNode error = memo.putObject("error");
			ErrorInfo info = record.error();
			error.put("name", (info != null && info.name() != null) ? info.name() : "Error");
			error.put("message", (info != null && info.message() != null) ? info.message() : "");
			if (info != null && info.stack() != null) {
				error.put("stack", info.stack());
			}
			return memo;
		}
		JsonNode output = (record.output() != null) ? this.mapper.readTree(record.output()) : null;
		return switch (record.kind()) {
			case SLEEP -> this.mapper.nullNode();
			case WAIT -> (output != null) ? output : this.mapper.nullNode();
			default -> {
				ObjectNode memo = this.mapper.createObjectNode();
				memo.set("data", (output != null) ? output : this.mapper.nullNode());
				yield memo;
			}
		};
	}

}
