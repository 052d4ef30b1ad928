package dev.durable.inngest.executor;

import dev.durable.inngest.ErrorInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Inngest's limit of what a step returns, applied to the steps an app executes: a step
 * whose output is over it fails for good, without its code running again, with Inngest's
 * "step output size is greater than the limit", and the SDK throws that error into the
 * function's code, which may catch it. An answer too long to read whole is told apart by
 * the step whose output it was carrying where it was cut.
 */
final class StepOutputLimit {

	/** The most bytes of JSON a step may return: 4 MiB, Inngest's limit. */
	static final int MAX_BYTES = 4 * 1024 * 1024;

	private final JsonMapper mapper;

	StepOutputLimit(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Checks what a step returned.
	 * @param step the step's name
	 * @param data the step's output, as the app answered it
	 * @param answerBytes the length of the answer it came in, which no output in it
	 * exceeds
	 * @return the step's error if its output is over the limit, else {@code null}
	 */
	@Nullable ErrorInfo check(String step, @Nullable JsonNode data, int answerBytes) {
		if (data == null || answerBytes <= MAX_BYTES) {
			return null;
		}
		int bytes = this.mapper.writeValueAsBytes(data).length;
		return (bytes > MAX_BYTES) ? error(step, bytes + " bytes of JSON") : null;
	}

	/**
	 * The error of a step whose answer was too long to read.
	 * @param step the step's name
	 * @return the error
	 */
	static ErrorInfo tooLongToRead(String step) {
		return error(step,
				"over " + FunctionCalls.MAX_ANSWER_BYTES + " bytes of JSON (its answer was read no further)");
	}

	private static ErrorInfo error(String step, String size) {
		return new ErrorInfo("Error",
				"Step '" + step + "' returned " + size + ", more than " + MAX_BYTES
						+ " bytes (4 MiB), the most a step may return: step output size is greater than the limit. "
						+ "Store large data elsewhere and return a reference to it",
				null);
	}

	/**
	 * The step whose output an answer was carrying where it was cut: its first op, if
	 * that is a {@code StepRun} cut within its {@code data}, as the SDKs put the output
	 * after the step's id.
	 * @param start the answer's first bytes
	 * @return the op, without its {@code data}, or {@code null} if the cut is elsewhere
	 */
	@Nullable JsonNode cutStep(byte[] start) {
		try (JsonParser parser = this.mapper.createParser(start)) {
			JsonToken token = parser.nextToken();
			if (token == JsonToken.START_ARRAY) {
				token = parser.nextToken();
			}
			if (token != JsonToken.START_OBJECT) {
				return null;
			}
			ObjectNode op = this.mapper.createObjectNode();
			boolean inData = false;
			try {
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					inData = name.equals("data");
					parser.nextToken();
					if (inData) {
						// Reading on past a string or a number reaches its end, or the
						// cut.
						parser.skipChildren();
					}
					else {
						op.set(name, parser.readValueAsTree());
					}
				}
				// The first op ended before the cut.
				return null;
			}
			catch (JacksonException ex) {
				boolean stepRun = op.path("op").asString("").equals("StepRun") && !op.path("id").asString("").isEmpty();
				return (inData && stepRun) ? op : null;
			}
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
