package dev.durable.inngest.remote;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.durable.inngest.testsupport.JsReference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JSON Canonicalization Scheme (RFC 8785).
 */
class CanonicalJsonTests {

	private static String canonical(String json) {
		return new String(CanonicalJson.canonicalize(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
	}

	@Test
	void membersAreSortedAndWhiteSpaceIsDropped() {
		assertThat(canonical("{ \"b\" : [1, 2, {\"z\": true, \"a\": null}],\n \"a\": \"x\" }"))
			.isEqualTo("{\"a\":\"x\",\"b\":[1,2,{\"a\":null,\"z\":true}]}");
	}

	@Test
	void membersAreSortedByUtf16CodeUnits() {
		// From RFC 8785 section 3.2.3: "\r" < "1" < "\u0080" < "\u00f6" < "\u20ac" <
		// "\ud83d\ude00" < "\ufb33".
		assertThat(canonical(
				"{\"\\ufb33\":1,\"\\ud83d\\ude00\":2,\"\\u20ac\":3,\"\\u00f6\":4,\"\\u0080\":5,\"1\":6,\"\\r\":7}"))
			.isEqualTo("{\"\\r\":7,\"1\":6,\"\u0080\":5,\"\u00f6\":4,\"\u20ac\":3,\"\ud83d\ude00\":2,\"\ufb33\":1}");
	}

	@Test
	void stringsAreEscapedMinimallyAsTheSignerDoes() {
		// Go's encoder writes & < > as \\u0026 \\u003c \\u003e; the canonical form does
		// not.
		assertThat(canonical("{\"url\":\"https://a.example/api?x=1\\u0026y=\\u003c2\\u003e\"}"))
			.isEqualTo("{\"url\":\"https://a.example/api?x=1&y=<2>\"}");
		assertThat(canonical("[\"\\u0001\\n\\\"\\\\\\/\u00e9\"]")).isEqualTo("[\"\\u0001\\n\\\"\\\\/\u00e9\"]");
	}

	@Test
	void numbersArePrintedAsEcmaScriptPrintsThem() {
		assertThat(canonical("[0, -0, 1.0, 1e2, 4200, 1735689600000, -7, 9007199254740993]"))
			.isEqualTo("[0,0,1,100,4200,1735689600000,-7,9007199254740992]");
		assertThat(CanonicalJson.number(new BigDecimal("1.5"))).isEqualTo("1.5");
		assertThat(CanonicalJson.number(new BigDecimal("0.000001"))).isEqualTo("0.000001");
		assertThat(CanonicalJson.number(new BigDecimal("1e-7"))).isEqualTo("1e-7");
		assertThat(CanonicalJson.number(new BigDecimal("1e21"))).isEqualTo("1e+21");
		assertThat(CanonicalJson.number(new BigDecimal("1e20"))).isEqualTo("100000000000000000000");
		assertThat(CanonicalJson.number(new BigDecimal("-123.456e-10"))).isEqualTo("-1.23456e-8");
		assertThat(CanonicalJson.number(new BigDecimal("333333333.33333329"))).isEqualTo("333333333.3333333");
		assertThat(CanonicalJson.number(new BigDecimal("4.50"))).isEqualTo("4.5");
	}

	@Test
	void numbersArePrintedWithTheShortestDigitsThatReadBackOnEveryJava() {
		// What node prints for these; Java 17's Double.toString gives one digit more for
		// the first two.
		assertThat(canonical("[1152921504606846976, 1e23, 9007199254740994, 5e-324, 1.7976931348623157e308]"))
			.isEqualTo("[1152921504606847000,1e+23,9007199254740994,5e-324,1.7976931348623157e+308]");
		assertThat(CanonicalJson.number(new BigDecimal(0.1 + 0.2))).isEqualTo("0.30000000000000004");
		assertThat(CanonicalJson.number(new BigDecimal(3 * Double.MIN_VALUE))).isEqualTo("1.5e-323");
	}

	@Test
	void numbersArePrintedAsNodePrintsThemForRandomDoubles() throws Exception {
		assumeTrue(JsReference.onPath("node"), "Node.js is not installed");
		Random random = new Random(8785);
		List<Double> doubles = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			double d = switch (i % 4) {
				case 0 -> Double.longBitsToDouble(random.nextLong());
				case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
				case 2 -> (double) random.nextLong();
				default -> random.nextInt(1_000_000) / 1000.0;
			};
			if (Double.isFinite(d)) {
				doubles.add(d);
			}
		}
		Process node = new ProcessBuilder("node", "-e", "require('fs').readFileSync(0, 'utf8').trim().split('\\n')"
				+ ".forEach((h) => console.log(String(new Float64Array(new BigUint64Array([BigInt('0x' + h)]).buffer)[0])))")
			.start();
		try (Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
			for (double d : doubles) {
				in.write(Long.toHexString(Double.doubleToRawLongBits(d)) + "\n");
			}
		}
		List<String> printed = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
			.toList();
		assertThat(node.waitFor()).isZero();
		assertThat(printed).hasSameSizeAs(doubles);
		for (int i = 0; i < doubles.size(); i++) {
			assertThat(CanonicalJson.number(new BigDecimal(doubles.get(i)))).as("%s", doubles.get(i))
				.isEqualTo(printed.get(i));
		}
	}

	@Test
	void aLoneSurrogateIsEscapedAsEcmaScriptEscapesIt() {
		assertThat(canonical("[\"ab\\ud83d\", \"\\ude00x\", \"\\ud83d\\ude00\"]"))
			.isEqualTo("[\"ab\\ud83d\",\"\\ude00x\",\"\ud83d\ude00\"]");
	}

	@Test
	void aCanonicalDocumentIsLeftAsItIs() {
		assertThat(canonical(SigningKeyTests.VECTOR_A_BODY)).isEqualTo(SigningKeyTests.VECTOR_A_BODY);
	}

	@Test
	void whatIsNotJsonIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> canonical("{\"a\":")).withMessageContaining("Not a JSON");
	}

}
