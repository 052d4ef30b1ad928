package dev.durable.inngest.executor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.function.Expression;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading a function's configuration as an SDK registers it.
 */
class ServedFunctionTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String STEPS = "\"steps\":{\"step\":{\"id\":\"step\",\"runtime\":{\"type\":\"http\","
			+ "\"url\":\"http://localhost:3000/api/inngest?fnId=app-f&stepId=step\"}%s}}";

	private static ServedFunction read(String fields, String retries) {
		JsonNode config = JSON.readTree("{\"id\":\"app-f\"," + fields + "," + STEPS.formatted(retries) + "}");
		return ServedFunction.read(config, "functions[0]");
	}

	@Test
	void aFunctionWithoutRetriesGetsInngestsDefault() {
		ServedFunction function = read("\"triggers\":[{\"event\":\"a\"}]", "");
		assertThat(function.retries()).isEqualTo(4);
		assertThat(function.name()).isEqualTo("app-f");
		assertThat(function.url().getQuery()).isEqualTo("fnId=app-f&stepId=step");
	}

	@Test
	void retriesAboveTheMostAllowedAreClamped() {
		assertThat(read("\"triggers\":[{\"event\":\"a\"}]", ",\"retries\":{\"attempts\":50}").retries()).isEqualTo(20);
		assertThat(read("\"triggers\":[{\"event\":\"a\"}]", ",\"retries\":{\"attempts\":0}").retries()).isZero();
	}

	@Test
	void eachTriggersExpressionAppliesToItsOwnEvent() {
		ServedFunction function = read("\"triggers\":[{\"event\":\"a\",\"expression\":\"event.data.n > 1\"},"
				+ "{\"event\":\"b\"},{\"cron\":\"TZ=Europe/Paris 0 12 * * 5\"}]", "");
		assertThat(function.events()).containsExactly("a", "b");
		assertThat(function.crons()).hasSize(1);
		Expression condition = function.condition();
		assertThat(condition.matches(Expression.toMap(Event.of("a", Map.of("n", 2))), null)).isTrue();
		assertThat(condition.matches(Expression.toMap(Event.of("a", Map.of("n", 1))), null)).isFalse();
		assertThat(condition.matches(Expression.toMap(Event.of("b", Map.of("n", 1))), null)).isTrue();
	}

	@Test
	void cancelRulesAndTimeoutsAreRead() {
		ServedFunction function = read("\"triggers\":[{\"event\":\"a\"}],\"cancel\":[{\"event\":\"stop\","
				+ "\"if\":\"event.data.id == async.data.id\",\"timeout\":\"1h\"}],"
				+ "\"timeouts\":{\"start\":\"10s\",\"finish\":\"2m\"}", "");
		assertThat(function.cancelOn()).singleElement().satisfies((rule) -> {
			assertThat(rule.event()).isEqualTo("stop");
			assertThat(rule.timeout()).isEqualTo(Duration.ofHours(1));
			assertThat(rule.condition()).isNotNull();
		});
		assertThat(function.timeouts().start()).isEqualTo(Duration.ofSeconds(10));
		assertThat(function.timeouts().finish()).isEqualTo(Duration.ofMinutes(2));
	}

	@Test
	void timeoutsAreReadAsTheServerReadsThemWithFractionsAndGroupsInAnyOrder() {
		ServedFunction function = read("\"triggers\":[{\"event\":\"a\"}],\"cancel\":[{\"event\":\"stop\","
				+ "\"timeout\":\"1.5h\"}],\"timeouts\":{\"start\":\"30s1m\",\"finish\":\"1.5h\"}", "");
		assertThat(function.timeouts().start()).isEqualTo(Duration.ofSeconds(90));
		assertThat(function.timeouts().finish()).isEqualTo(Duration.ofMinutes(90));
		assertThat(function.cancelOn()).singleElement()
			.satisfies((rule) -> assertThat(rule.timeout()).isEqualTo(Duration.ofMinutes(90)));
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"a\"}],\"timeouts\":{\"finish\":\"0s\"}", ""))
			.withMessage("functions[0].timeouts.finish: '0s' must be longer than zero");
	}

	@Test
	void aWildcardTriggerMatchesTheNamesAfterItsPrefixWithItsExpression() {
		ServedFunction function = read("\"triggers\":[{\"event\":\"app/*\",\"expression\":\"event.data.n > 1\"},"
				+ "{\"event\":\"shop/order.placed\"}]", "");
		assertThat(function.events()).containsExactly("app/*", "shop/order.placed");
		Expression condition = function.condition();
		assertThat(condition.matches(Expression.toMap(Event.of("app/user.created", Map.of("n", 2))), null)).isTrue();
		assertThat(condition.matches(Expression.toMap(Event.of("app/user.created", Map.of("n", 0))), null)).isFalse();
		assertThat(condition.matches(Expression.toMap(Event.of("shop/order.placed", Map.of("n", 0))), null)).isTrue();
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"app*\"}]", ""))
			.withMessageStartingWith("functions[0].triggers[0].event: the event name 'app*' has a '*'");
	}

	@Test
	void aCancelRulesTimeoutMayBeAnInstant() {
		ServedFunction function = read("\"triggers\":[{\"event\":\"a\"}],\"cancel\":[{\"event\":\"stop\","
				+ "\"timeout\":\"2027-01-02T03:04:05.000Z\"},{\"event\":\"halt\",\"timeout\":\"2d\"}]", "");
		Instant created = Instant.parse("2026-12-01T00:00:00Z");
		assertThat(function.cancelOn()).satisfiesExactly((rule) -> {
			assertThat(rule.until()).isEqualTo(Instant.parse("2027-01-02T03:04:05Z"));
			assertThat(rule.timeout()).isNull();
			assertThat(rule.expiresAt(created)).isEqualTo(rule.until());
			assertThat(rule.timeoutText()).isEqualTo("2027-01-02T03:04:05Z");
		}, (rule) -> {
			assertThat(rule.until()).isNull();
			assertThat(rule.expiresAt(created)).isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
			assertThat(rule.timeoutText()).isEqualTo("2d");
		});
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"a\"}],\"cancel\":[{\"event\":\"stop\","
					+ "\"timeout\":\"2027-13-02T03:04:05Z\"}]", ""))
			.withMessageStartingWith("functions[0].cancel[0].timeout:");
	}

	@Test
	void flowControlThisExecutorDoesNotApplyIsRefused() {
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"a\"}],\"concurrency\":[{\"limit\":1}]", ""))
			.withMessageStartingWith("functions[0].concurrency: is not supported");
	}

	@Test
	void aFunctionWithNoTriggersStartsNoRunFromEvents() {
		for (String triggers : List.of("\"triggers\":[]", "\"triggers\":null", "\"name\":\"f\"")) {
			ServedFunction function = read(triggers, "");
			assertThat(function.events()).as(triggers).isEmpty();
			assertThat(function.crons()).as(triggers).isEmpty();
			assertThat(function.condition()).as(triggers).isNull();
		}
	}

	@Test
	void aCronTriggersJitterIsRefused() {
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"cron\":\"0 0 * * *\",\"jitter\":\"10m\"}]", ""))
			.withMessageStartingWith("functions[0].triggers[0].jitter: is not supported");
		assertThat(read("\"triggers\":[{\"cron\":\"0 0 * * *\",\"jitter\":\"\"}]", "").crons()).hasSize(1);
	}

	@Test
	void aCronInFormsThatInngestsParserReadsIsServed() {
		ServedFunction function = read("\"triggers\":[{\"cron\":\"TZ=EST ?/15 1,,2 ? * *-3\"}]", "");
		assertThat(function.crons()).singleElement()
			.satisfies((cron) -> assertThat(cron.next(Instant.parse("2026-01-01T06:50:00Z")))
				.isEqualTo("2026-01-01T07:00:00Z"));
	}

	@Test
	void aCronMacroIsRefusedAsInngestRefusesIt() {
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"cron\":\"TZ=Europe/Paris @daily\"}]", ""))
			.withMessage("functions[0].triggers[0].cron: 'TZ=Europe/Paris @daily' is a macro, which Inngest's cron "
					+ "syntax does not accept; write its five fields, 'TZ=Europe/Paris 0 0 * * *'");
	}

	@Test
	void optionsLeftUnsetAsEmptyOrBlankAreIgnored() {
		ServedFunction function = read("\"triggers\":[{\"event\":\"a\",\"expression\":\"\"}],\"concurrency\":[],"
				+ "\"throttle\":null,\"priority\":{},\"cancel\":[]", "");
		assertThat(function.condition()).isNull();
		assertThat(function.cancelOn()).isEmpty();
	}

	@Test
	void invalidFieldsAreNamed() {
		assertThatExceptionOfType(InvalidRegistrationException.class).isThrownBy(() -> read("\"triggers\":{}", ""))
			.withMessageStartingWith("functions[0].triggers:");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"a\",\"cron\":\"* * * * *\"}]", ""))
			.withMessageStartingWith("functions[0].triggers[0]:");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"cron\":\"every day\"}]", ""))
			.withMessageStartingWith("functions[0].triggers[0].cron:");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"a\",\"expression\":\"event.data.n >\"}]", ""))
			.withMessageStartingWith("functions[0].triggers[0].expression:");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"a\"}],\"timeouts\":{\"finish\":\"soon\"}", ""))
			.withMessageStartingWith("functions[0].timeouts.finish:");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> read("\"triggers\":[{\"event\":\"a\"}]", ",\"retries\":{\"attempts\":-1}"))
			.withMessageStartingWith("functions[0].steps.step.retries.attempts:");
	}

}
