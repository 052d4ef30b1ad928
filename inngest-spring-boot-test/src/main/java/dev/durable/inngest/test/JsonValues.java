package dev.durable.inngest.test;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
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

	static boolean equal(@Nullable Object actual, @Nullable Object expected) {
		return Objects.equals(tree(actual), tree(expected));
	}

	static String describe(@Nullable Object value) {
		return MAPPER.writeValueAsString(value);
	}

	private static JsonNode tree(@Nullable Object value) {
		return MAPPER.readTree(MAPPER.writeValueAsString(value));
	}

}
