package dev.durable.inngest.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.durable.inngest.Event;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes and reads the JSON the engine stores: step outputs, event data, matched values.
 */
public final class JsonCodec {

	private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
	};

	/** The longest match value stored as it is, the width of its column. */
	static final int MATCH_VALUE_LENGTH = 1024;

	/**
	 * The most bytes of a match value stored as it is, well within what a PostgreSQL
	 * index entry holds.
	 */
	static final int MATCH_VALUE_BYTES = 2048;

	/**
	 * The most bytes an event's JSON takes besides its values: the field names and
	 * punctuation.
	 */
	private static final int EVENT_FIELDS = 96;

	private final JsonMapper mapper;

	/**
	 * Reads JSON objects with the type resolved and its deserializer found once, where
	 * the mapper would resolve them on each read.
	 */
	private final ObjectReader objectReader;

	/**
	 * Creates a codec.
	 * @param mapper the application's mapper
	 */
	public JsonCodec(JsonMapper mapper) {
		this.mapper = mapper;
		this.objectReader = mapper.readerFor(OBJECT);
	}

	/**
	 * The mapper.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Writes a value as JSON.
	 * @param value the value, may be {@code null}
	 * @return the JSON, or {@code null} for {@code null}
	 */
	public @Nullable String write(@Nullable Object value) {
		return (value != null) ? this.mapper.writeValueAsString(value) : null;
	}

	/**
	 * Whether a value takes more than a limit of bytes as JSON. A value made of maps,
	 * lists, strings, numbers and booleans whose longest JSON, every character escaped,
	 * is within the limit is not written at all; another is written and counted no
	 * further than just past the limit, so that measuring a huge value costs no more than
	 * the limit.
	 * @param value the value, such as an event
	 * @param limit the most bytes
	 * @return {@code true} if its JSON is longer than the limit
	 */
	public boolean exceeds(Object value, long limit) {
		long bound = (value instanceof Event event) ? bound(event) : bound(value, limit);
		if (bound >= 0 && bound <= limit) {
			return false;
		}
		ByteCounter counter = new ByteCounter(limit);
		try {
			this.mapper.writeValue(counter, value);
		}
		catch (RuntimeException ex) {
			if (!counter.overLimit()) {
				throw ex;
			}
		}
		return counter.overLimit();
	}

	private static long bound(Event event) {
		long budget = Long.MAX_VALUE / 4;
		long[] parts = { bound(event.name(), budget), bound(event.data(), budget), bound(event.user(), budget),
				bound(event.id(), budget), bound(event.v(), budget) };
		long total = EVENT_FIELDS;
		for (long part : parts) {
			if (part < 0) {
				return -1;
			}
			total += part;
		}
		return total;
	}

	/**
	 * The most bytes a value can take as JSON, or {@code -1} if that is not known without
	 * writing it (a type other than maps, lists, strings, whole numbers, doubles and
	 * booleans) or if it is more than the budget.
	 */
	private static long bound(Object value, long budget) {
		if (value == null || value instanceof Boolean) {
			return 5;
		}
		if (value instanceof String text) {
			// At most six bytes a character (an escape: a backslash, u and four hex
			// digits), and the quotes.
			return 2 + 6L * text.length();
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			return 20;
		}
		if (value instanceof Double || value instanceof Float) {
			return 26;
		}
		long total = 2;
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!(entry.getKey() instanceof String key)) {
					return -1;
				}
				long part = bound(entry.getValue(), budget - total);
				if (part < 0) {
					return -1;
				}
				total += bound(key, budget) + 2 + part;
				if (total > budget) {
					return -1;
				}
			}
			return total;
		}
		if (value instanceof List<?> list) {
			for (Object element : list) {
				long part = bound(element, budget - total);
				if (part < 0) {
					return -1;
				}
				total += part + 1;
				if (total > budget) {
					return -1;
				}
			}
			return total;
		}
		return -1;
	}

	/**
	 * Reads JSON as a type.
	 * @param <T> the type
	 * @param json the JSON, may be {@code null}
	 * @param type the type
	 * @return the value, or {@code null} for {@code null} JSON
	 */
	public <T> @Nullable T read(@Nullable String json, Type type) {
		if (json == null) {
			return null;
		}
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		return this.mapper.readValue(json, javaType);
	}

	/**
	 * Reads a JSON object.
	 * @param json the JSON, may be {@code null}
	 * @return the object, empty for {@code null}
	 */
	public Map<String, Object> readObject(@Nullable String json) {
		return (json != null) ? this.objectReader.readValue(json) : Map.of();
	}

	/**
	 * An event as a store reads it back: its data and its user fields written as JSON and
	 * read again, so that a run given it sees what a run given the stored event sees.
	 * @param event the event
	 * @return the event as stored
	 */
	public Event asStored(Event event) {
		Map<String, Object> user = event.user().isEmpty() ? Map.of() : readObject(write(event.user()));
		return new Event(event.name(), readObject(write(event.data())), user, event.id(), event.ts(), event.v());
	}

	/**
	 * Reads an event written by {@link #write(Object)}.
	 * @param json the JSON, may be {@code null}
	 * @return the event, or {@code null}
	 */
	public @Nullable Event readEvent(@Nullable String json) {
		return read(json, Event.class);
	}

	/**
	 * The value of a dotted field of an event as a {@code waitForEvent} or
	 * {@code @CancelOn} match stores and looks it up: its JSON, or, for JSON longer than
	 * {@value #MATCH_VALUE_LENGTH} characters or {@value #MATCH_VALUE_BYTES} bytes,
	 * {@code sha256:} and the SHA-256 of the JSON in hex. The column and its index hold
	 * the short form, and since both sides of a match take their value here, equal values
	 * still match.
	 * @param event the event
	 * @param path the dotted field, under {@code data} or {@code user}
	 * @return the value to match, or {@code null} when the field is absent or null
	 */
	public @Nullable String matchValue(Event event, String path) {
		String json = valueAt(event, path);
		if (json == null || (json.length() <= MATCH_VALUE_LENGTH
				&& json.getBytes(StandardCharsets.UTF_8).length <= MATCH_VALUE_BYTES)) {
			return json;
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
			return "sha256:" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * The value of a dotted field of an event, such as {@code data.order.id}, as JSON.
	 * @param event the event
	 * @param path the dotted field, under {@code data} or {@code user}
	 * @return the value as JSON, or {@code null} when the field is absent or null
	 */
	@Nullable String valueAt(Event event, String path) {
		String[] parts = path.split("\\.");
		Object current = switch (parts[0]) {
			case "data" -> event.data();
			case "user" -> event.user();
			default -> null;
		};
		for (int i = 1; i < parts.length && current != null; i++) {
			current = (current instanceof Map<?, ?> map) ? map.get(parts[i]) : null;
		}
		return write(comparable(current));
	}

	/**
	 * A value in the form that makes values equal as CEL's {@code ==} compares JSON
	 * values write the same JSON: a number by its value ({@code 7} as {@code 7.0}), an
	 * object whatever the order of its keys. Not the signatures' canonical JSON, which
	 * reads every number as a double and so would match ids above 2^53 that differ.
	 */
	private static @Nullable Object comparable(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> sorted = new TreeMap<>();
			map.forEach((key, item) -> sorted.put(String.valueOf(key), comparable(item)));
			return sorted;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(JsonCodec::comparable).toList();
		}
		if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
			double d = ((Number) value).doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) {
				return value;
			}
			BigDecimal decimal = (value instanceof BigDecimal exact) ? exact : BigDecimal.valueOf(d);
			decimal = decimal.stripTrailingZeros();
			// A whole number as an integer's digits, but not one of hundreds of digits.
			return (decimal.scale() <= 0 && decimal.precision() - decimal.scale() <= 400) ? decimal.toBigIntegerExact()
					: decimal;
		}
		return value;
	}

	/**
	 * Counts the bytes written to it and fails once they pass the limit.
	 */
	private static final class ByteCounter extends OutputStream {

		private final long limit;

		private long count;

		ByteCounter(long limit) {
			this.limit = limit;
		}

		boolean overLimit() {
			return this.count > this.limit;
		}

		@Override
		public void write(int b) throws IOException {
			add(1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			add(length);
		}

		private void add(int length) throws IOException {
			this.count += length;
			if (this.count > this.limit) {
				throw new IOException("More than " + this.limit + " bytes");
			}
		}

	}

}
