package dev.durable.inngest.actuate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hides the values that runs carry: the trigger event's {@code data} and {@code user},
 * the run's {@code output}, each step's {@code output} and every error's {@code stack}.
 * What is left (ids, names, states, times, attempts, error names and messages) is what an
 * operator needs to see which runs fail and where, without reading the application's
 * data.
 */
final class RunValues {

	/** What stands in place of a hidden value, as Spring Boot's own endpoints show it. */
	static final String MASK = "******";

	private static final JsonMapper JSON = JsonMapper.shared();

	private RunValues() {
	}

	/**
	 * A copy of a page of runs or of a run's detail with the values hidden.
	 * @param runs a page ({@code runs} and {@code nextCursor}), a detail ({@code run},
	 * {@code steps} and {@code attempts}) or a timeline ({@code run} and {@code spans}),
	 * as the endpoint answers them
	 * @return the copy, as a JSON tree
	 */
	static JsonNode masked(Object runs) {
		JsonNode tree = JSON.valueToTree(runs);
		if (tree.has("runs")) {
			tree.path("runs").forEach(RunValues::maskRun);
		}
		else {
			maskRun(tree.path("run"));
			tree.path("steps").forEach((step) -> {
				mask(step, "output");
				mask(step.path("error"), "stack");
			});
			tree.path("attempts").forEach((attempt) -> mask(attempt.path("error"), "stack"));
			tree.path("spans").forEach((span) -> mask(span.path("error"), "stack"));
		}
		return tree;
	}

	private static void maskRun(JsonNode run) {
		mask(run.path("event"), "data");
		mask(run.path("event"), "user");
		mask(run, "output");
		mask(run.path("error"), "stack");
	}

	private static void mask(JsonNode node, String field) {
		if (node instanceof ObjectNode object && object.hasNonNull(field)) {
			object.put(field, MASK);
		}
	}

}
