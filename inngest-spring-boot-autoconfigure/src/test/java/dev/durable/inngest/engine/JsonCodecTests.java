package dev.durable.inngest.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the engine measures JSON against a limit, and the values it matches waits on.
 */
class JsonCodecTests {

	private final JsonCodec json = new JsonCodec(JsonMapper.builder().build());

	@Test
	void aValueIsOverALimitExactlyWhenItsJsonIsLonger() {
		Map<String, Object> value = Map.of("a", "x".repeat(100));
		int length = this.json.write(value).length();
		assertThat(this.json.exceeds(value, length)).isFalse();
		assertThat(this.json.exceeds(value, length - 1)).isTrue();
	}

	@Test
	void escapedAndMultiByteCharactersCountAsTheBytesTheyTake() {
		Map<String, Object> value = Map.of("q", "\"é\u0001".repeat(50), "n", List.of(1, 2.5, true));
		int bytes = this.json.mapper().writeValueAsBytes(value).length;
		assertThat(this.json.exceeds(value, bytes)).isFalse();
		assertThat(this.json.exceeds(value, bytes - 1)).isTrue();
	}

	@Test
	void valuesOfOtherTypesAreMeasuredByWritingThem() {
		Map<String, Object> value = Map.of("amount", new BigDecimal("12345678901234567890.5"));
		int bytes = this.json.mapper().writeValueAsBytes(value).length;
		assertThat(this.json.exceeds(value, bytes)).isFalse();
		assertThat(this.json.exceeds(value, bytes - 1)).isTrue();
	}

	@Test
	void anEventIsMeasuredWithAllItsFields() {
		Event event = Event.of("shop/order.placed", Map.of("orderId", "o-1"))
			.withId("order-o-1")
			.withTs(1735689600000L);
		int bytes = this.json.mapper().writeValueAsBytes(event).length;
		assertThat(this.json.exceeds(event, bytes)).isFalse();
		assertThat(this.json.exceeds(event, bytes - 1)).isTrue();
	}

	@Test
	void aLongMatchValueIsItsHashAndAShortOneItself() {
		Event shortValue = Event.of("x", Map.of("id", "abc"));
		Event longValue = Event.of("x", Map.of("id", "y".repeat(2000)));
		assertThat(this.json.matchValue(shortValue, "data.id")).isEqualTo("\"abc\"");
		assertThat(this.json.matchValue(longValue, "data.id")).startsWith("sha256:")
			.hasSize(71)
			.isEqualTo(this.json.matchValue(Event.of("z", Map.of("id", "y".repeat(2000))), "data.id"));
		assertThat(this.json.matchValue(shortValue, "data.missing")).isNull();
	}

	@Test
	void matchValuesAreEqualWhenCelFindsTheValuesEqual() {
		assertThat(matchValue(7L)).isEqualTo("7")
			.isEqualTo(matchValue(7.0))
			.isEqualTo(matchValue(new BigDecimal("7.00")))
			.isEqualTo(matchValue(BigInteger.valueOf(7)));
		assertThat(matchValue(7.5)).isEqualTo(matchValue(new BigDecimal("7.50"))).isNotEqualTo(matchValue(7L));
		Map<String, Object> ab = new LinkedHashMap<>();
		ab.put("a", 1);
		ab.put("b", List.of(2.0, "x"));
		Map<String, Object> ba = new LinkedHashMap<>();
		ba.put("b", List.of(2, "x"));
		ba.put("a", 1.0);
		assertThat(matchValue(ab)).isEqualTo(matchValue(ba)).isEqualTo("{\"a\":1,\"b\":[2,\"x\"]}");
		assertThat(matchValue("7")).isNotEqualTo(matchValue(7L));
		assertThat(matchValue(1e300)).isEqualTo(matchValue(new BigDecimal("1e300")));
	}

	private String matchValue(Object value) {
		return this.json.matchValue(Event.of("x", Map.of("id", value)), "data.id");
	}

}
