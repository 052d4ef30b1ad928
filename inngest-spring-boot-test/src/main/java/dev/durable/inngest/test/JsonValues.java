package dev.durable.inngest.test;

import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares values as JSON, as the engine stores them: a {@code Map.of("n", 1)} expected
 * equals a map read back with a long, and the order of an object's fields does not count.
 */
final class JsonValues {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private JsonValues() {
	}

	static boolean equal(Object actual, Object expected) {
		return Objects.equals(tree(actual), tree(expected));
	}

	static String describe(Object value) {
		return MAPPER.writeValueAsString(value);
	}

	private static JsonNode tree(Object value) {
		return MAPPER.readTree(MAPPER.writeValueAsString(value));
	}

}
