package dev.durable.inngest.remote;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.core.io.NumberOutput;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON in the JSON Canonicalization Scheme (RFC 8785), the form Inngest's request
 * signatures cover: object members sorted by their UTF-16 code units, no insignificant
 * white space, strings escaped minimally, numbers as ECMAScript prints them.
 */
public final class CanonicalJson {

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
		.build();

	private static final BigDecimal SAFE_INTEGER = BigDecimal.valueOf(1L << 53);

	private CanonicalJson() {
	}

	/**
	 * The canonical form of a JSON document.
	 * @param json the document as UTF-8 bytes
	 * @return its canonical form as UTF-8 bytes
	 * @throws IllegalArgumentException if the bytes are not one JSON document
	 */
	public static byte[] canonicalize(byte[] json) {
		JsonNode tree;
		try {
			tree = JSON.readTree(json);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Not a JSON document: " + ex.getOriginalMessage(), ex);
		}
		StringBuilder out = new StringBuilder(json.length);
		write(tree, out);
		return out.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void write(JsonNode node, StringBuilder out) {
		if (node.isObject()) {
			List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
			// String.compareTo orders by UTF-16 code units, as RFC 8785 section 3.2.3
			// asks.
			members.sort(Map.Entry.comparingByKey());
			out.append('{');
			for (int i = 0; i < members.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				string(members.get(i).getKey(), out);
				out.append(':');
				write(members.get(i).getValue(), out);
			}
			out.append('}');
		}
		else if (node.isArray()) {
			out.append('[');
			for (int i = 0; i < node.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				write(node.get(i), out);
			}
			out.append(']');
		}
		else if (node.isString()) {
			string(node.asString(), out);
		}
		else if (node.isNumber()) {
			out.append(number(node.decimalValue()));
		}
		else {
			// true, false and null print as themselves.
			out.append(node.toString());
		}
	}

	private static void string(String value, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20 || isLoneSurrogate(value, i)) {
						// A lone surrogate has no UTF-8 form: ECMAScript's JSON.stringify
						// escapes it, as it escapes control characters.
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/**
	 * The one-digit decimal that reads back as the double, if there is one: Java prints
	 * at least two digits, as {@code 4.9E-324} for the {@code 5e-324} ECMAScript prints.
	 */
	private static Optional<BigDecimal> oneDigit(double positive) {
		BigDecimal exact = new BigDecimal(positive);
		BigDecimal below = exact.round(new MathContext(1, RoundingMode.FLOOR));
		BigDecimal above = exact.round(new MathContext(1, RoundingMode.CEILING));
		boolean belowReads = below.doubleValue() == positive;
		boolean aboveReads = above.doubleValue() == positive;
		if (belowReads && aboveReads) {
			// Both read back: the nearer, as ECMAScript takes it.
			return Optional.of(exact.subtract(below).compareTo(above.subtract(exact)) <= 0 ? below : above);
		}
		return belowReads ? Optional.of(below) : aboveReads ? Optional.of(above) : Optional.empty();
	}

	private static boolean isLoneSurrogate(String value, int i) {
		char c = value.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
		}
		return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
	}

	/**
	 * A number as ECMAScript's {@code Number.prototype.toString} prints the double
	 * nearest to it.
	 * @param value the number
	 * @return its text
	 */
	static String number(BigDecimal value) {
		if (value.signum() == 0) {
			return "0";
		}
		if (value.abs().compareTo(SAFE_INTEGER) <= 0 && value.stripTrailingZeros().scale() <= 0) {
			return value.toBigInteger().toString();
		}
		double d = value.doubleValue();
		if (Double.isInfinite(d)) {
			throw new IllegalArgumentException("The number " + value + " is out of the range of a double");
		}
		// The shortest decimal that reads back as the same double: its digits and where
		// the point goes. Jackson's Schubfach writer finds it; Double.toString does only
		// from Java 19 on, and gives one more digit for some doubles before.
		BigDecimal shortest = new BigDecimal(NumberOutput.toString(Math.abs(d), true)).stripTrailingZeros();
		if (shortest.precision() == 2) {
			shortest = oneDigit(Math.abs(d)).orElse(shortest);
		}
		String digits = shortest.unscaledValue().toString();
		int k = digits.length();
		int n = k - shortest.scale();
		String sign = (d < 0) ? "-" : "";
		if (k <= n && n <= 21) {
			return sign + digits + "0".repeat(n - k);
		}
		if (0 < n && n <= 21) {
			return sign + digits.substring(0, n) + "." + digits.substring(n);
		}
		if (-6 < n && n <= 0) {
			return sign + "0." + "0".repeat(-n) + digits;
		}
		int exponent = n - 1;
		String mantissa = (k == 1) ? digits : digits.charAt(0) + "." + digits.substring(1);
		return sign + mantissa + "e" + ((exponent < 0) ? "-" : "+") + Math.abs(exponent);
	}

}
