package dev.durable.inngest.test;

import java.util.Objects;
import java.util.function.Function;

import dev.durable.inngest.engine.JsonCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares values as JSON, as the engine stores them: a {@code Map.of("n", 1)} expected
 * equals a map read back with a long, and the order of an object's fields does not count.
 * A value is written with the application's {@code JsonMapper}, as the engine writes
 * outputs, once an {@link InngestTestEnvironment} has said which; the readings of the
 * trees compared need no more than a plain mapper.
 */
final class JsonValues {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/**
	 * How values are written: the application's mapper of the environment of the test
	 * running, as the test classes of the engine run one at a time.
	 */
	private static volatile Function<@Nullable Object, @Nullable String> writer = MAPPER::writeValueAsString;

	private JsonValues() {
	}

	/**
	 * Writes values as the engine does, with its codec, from now on.
	 * @param json the engine's codec
	 */
	static void writeWith(JsonCodec json) {
		writer = (value) -> (value != null) ? json.write(value) : "null";
	}

	static boolean equal(@Nullable Object actual, @Nullable Object expected) {
		return Objects.equals(tree(actual), tree(expected));
	}

	static String describe(@Nullable Object value) {
		return String.valueOf(writer.apply(value));
	}

	private static JsonNode tree(@Nullable Object value) {
		return MAPPER.readTree(String.valueOf(writer.apply(value)));
	}

}
