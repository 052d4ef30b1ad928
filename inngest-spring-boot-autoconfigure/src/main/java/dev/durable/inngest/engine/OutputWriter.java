package dev.durable.inngest.engine;

import dev.durable.inngest.NonRetriableException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.util.unit.DataSize;

/**
 * Writes what a step or a function returned as the JSON the engine stores, and refuses
 * what it cannot store: a value Jackson cannot write, or JSON longer than the limit.
 * Either is thrown as a {@link NonRetriableException}, so that the step, or the run,
 * fails at once: the same value, written again, would fail again.
 */
public final class OutputWriter {

	/** The property that sets the limit, named in the errors. */
	static final String PROPERTY = "inngest.local.max-output-size";

	private final JsonCodec json;

	private final long maxBytes;

	/**
	 * Creates a writer.
	 * @param json writes the JSON
	 * @param max the most bytes of JSON (in UTF-8) a step's result, or a function's
	 * return value, may take
	 */
	public OutputWriter(JsonCodec json, DataSize max) {
		this.json = json;
		this.maxBytes = PropertyChecks.positive(PROPERTY, max).toBytes();
	}

	/**
	 * Writes what a step's body returned.
	 * @param stepId the step's id
	 * @param value the value, may be {@code null}
	 * @return the JSON, or {@code null} for {@code null}
	 * @throws NonRetriableException if the value cannot be written, or its JSON is too
	 * long
	 */
	@Nullable String stepOutput(String stepId, @Nullable Object value) {
		return write(value, "Step '", stepId);
	}

	/**
	 * Writes what a function returned.
	 * @param functionId the function's id
	 * @param value the value, may be {@code null}
	 * @return the JSON, or {@code null} for {@code null}
	 * @throws NonRetriableException if the value cannot be written, or its JSON is too
	 * long
	 */
	@Nullable String runOutput(String functionId, @Nullable Object value) {
		return write(value, "Function '", functionId);
	}

	private @Nullable String write(@Nullable Object value, String kind, String id) {
		String written;
		try {
			written = this.json.write(value);
		}
		catch (RuntimeException | StackOverflowError ex) {
			// A cycle Jackson does not detect ends in a StackOverflowError, which has
			// unwound by now.
			throw new NonRetriableException(kind + id + "' returned a value of type " + value.getClass().getName()
					+ " that cannot be written as JSON: " + ex + ". Return a value Jackson can write and read "
					+ "back, such as a record of plain fields, a List or a Map", ex);
		}
		if (written != null && tooLong(written)) {
			// A served step's output is JSON already: its type tells the app's author
			// nothing.
			String type = (value instanceof JsonNode) ? "" : " (a " + value.getClass().getName() + ")";
			throw new NonRetriableException(kind + id + "' returned " + utf8Length(written) + " bytes of JSON" + type
					+ ", more than the limit of " + this.maxBytes + " bytes (" + PROPERTY
					+ "). Store large data elsewhere and return a reference to it");
		}
		return written;
	}

	/**
	 * Whether JSON takes more bytes in UTF-8 than the limit. A character takes at most
	 * three bytes (a surrogate pair, two characters, four), so most JSON is told short
	 * enough from its length alone, without counting.
	 */
	private boolean tooLong(String written) {
		long chars = written.length();
		if (chars * 3 <= this.maxBytes) {
			return false;
		}
		return chars > this.maxBytes || utf8Length(written) > this.maxBytes;
	}

	private static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
