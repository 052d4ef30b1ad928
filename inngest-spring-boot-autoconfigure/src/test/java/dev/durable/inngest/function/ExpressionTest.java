package dev.durable.inngest.function;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import dev.durable.inngest.Event;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Expression}.
 */
class ExpressionTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void evaluationWithinABudgetStopsOnceItTakesMoreSteps() {
		Map<String, Object> event = Map.of("data", Map.of("items", IntStream.range(0, 1000).boxed().toList()));
		Expression nested = Expression.compile("event.data.items.all(i, event.data.items.all(j, i >= 0))");
		assertThatExceptionOfType(Expression.CostExceededException.class)
			.isThrownBy(() -> nested.matches(event, null, 10_000))
			.withMessage("The CEL expression 'event.data.items.all(i, event.data.items.all(j, i >= 0))' took more "
					+ "than 10000 evaluation steps and was stopped");
	}

	@Test
	void evaluationWithinABudgetGivesTheResultWhenItFits() {
		Map<String, Object> event = Map.of("data", Map.of("items", List.of(1, 2, 3)));
		assertThat(Expression.compile("event.data.items.all(i, i > 0)").matches(event, null, 100)).isTrue();
		assertThat(Expression.compile("event.data.items.exists(i, i > 5)").matches(event, null, 100)).isFalse();
		assertThat(Expression.compile("event.data.missing == 1").matches(event, null, 100)).isFalse();
	}

	@Test
	void integerFieldComparesWithAnIntegerLiteral() {
		assertThat(matches("event.data.amount > 100", json("{\"data\": {\"amount\": 150}}"))).isTrue();
		assertThat(matches("event.data.amount > 100", json("{\"data\": {\"amount\": 50}}"))).isFalse();
	}

	@Test
	void integerFieldOfAnyJavaIntegerTypeIsACelInt() {
		for (Object amount : List.of(150, 150L, (short) 150, (byte) 120, BigInteger.valueOf(150))) {
			assertThat(matches("event.data.amount > 100", event(Map.of("amount", amount)))).as("%s", amount.getClass())
				.isTrue();
		}
	}

	@Test
	void floatingFieldComparesWithAFloatingLiteral() {
		assertThat(matches("event.data.amount > 100.5", json("{\"data\": {\"amount\": 100.7}}"))).isTrue();
		assertThat(matches("event.data.amount > 100.5", event(Map.of("amount", 100.7f)))).isTrue();
		assertThat(matches("event.data.amount > 100.5", event(Map.of("amount", new BigDecimal("100.7"))))).isTrue();
		assertThat(matches("event.data.amount > 100.5", json("{\"data\": {\"amount\": 100.25}}"))).isFalse();
	}

	@Test
	void integersAndDoublesCompareByValue() {
		assertThat(matches("event.data.amount > 100.5", json("{\"data\": {\"amount\": 150}}"))).isTrue();
		assertThat(matches("event.data.amount < 100.5", json("{\"data\": {\"amount\": 150}}"))).isFalse();
		assertThat(matches("event.data.price > 100", json("{\"data\": {\"price\": 100.7}}"))).isTrue();
		assertThat(matches("event.data.amount == 150.0", json("{\"data\": {\"amount\": 150}}"))).isTrue();
		assertThat(matches("event.data.price >= 100", json("{\"data\": {\"price\": 99.9}}"))).isFalse();
	}

	@Test
	void arithmeticMixingIntegersAndDoublesIsAnErrorAndSoFalse() {
		assertThat(matches("event.data.amount + 0.5 > 100.0", json("{\"data\": {\"amount\": 150}}"))).isFalse();
		assertThat(matches("double(event.data.amount) + 0.5 > 100.0", json("{\"data\": {\"amount\": 150}}"))).isTrue();
	}

	@Test
	void integerTooLargeForALongIsADouble() {
		BigInteger huge = BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.TEN);
		assertThat(matches("event.data.n > 9223372036854775807.0", event(Map.of("n", huge)))).isTrue();
	}

	@Test
	void hasTellsWhetherAFieldIsPresent() {
		Map<String, Object> event = json("{\"data\": {\"x\": 1}}");
		assertThat(matches("has(event.data.x)", event)).isTrue();
		assertThat(matches("has(event.data.y)", event)).isFalse();
		assertThat(matches("!has(event.data.y)", event)).isTrue();
	}

	@Test
	void stringFieldEqualsAStringLiteral() {
		Map<String, Object> event = json("{\"data\": {\"name\": \"x\", \"function_id\": \"app-fn\"}}");
		assertThat(matches("event.data.name == 'x'", event)).isTrue();
		assertThat(matches("event.data.name == \"x\"", event)).isTrue();
		assertThat(matches("event.data.name == 'y'", event)).isFalse();
		assertThat(matches("event.data.function_id == 'app-fn'", event)).isTrue();
	}

	@Test
	void inTestsMembershipOfAList() {
		Map<String, Object> event = json("{\"data\": {\"tags\": [\"a\", \"b\"]}}");
		assertThat(matches("'a' in event.data.tags", event)).isTrue();
		assertThat(matches("'c' in event.data.tags", event)).isFalse();
	}

	@Test
	void sizeCountsTheElementsOfAList() {
		Map<String, Object> event = json("{\"data\": {\"items\": [1, 2, 3]}}");
		assertThat(matches("size(event.data.items) > 2", event)).isTrue();
		assertThat(matches("event.data.items.size() == 3", event)).isTrue();
		assertThat(matches("size(event.data.items) > 3", event)).isFalse();
	}

	@Test
	void standardMacrosAreAvailable() {
		Map<String, Object> event = json(
				"{\"data\": {\"items\": [{\"sku\": \"a\", \"qty\": 1}, {\"sku\": \"b\", \"qty\": 3}]}}");
		assertThat(matches("event.data.items.all(i, i.qty > 0)", event)).isTrue();
		assertThat(matches("event.data.items.exists(i, i.sku == 'b')", event)).isTrue();
		assertThat(matches("event.data.items.exists_one(i, i.qty > 2)", event)).isTrue();
		assertThat(matches("event.data.items.map(i, i.qty).filter(q, q > 1) == [3]", event)).isTrue();
	}

	@Test
	void eventIsComparedWithTheAsyncEvent() {
		Expression expression = Expression.compile("event.data.userId == async.data.userId");
		Map<String, Object> event = json("{\"data\": {\"userId\": \"u-1\"}}");
		assertThat(expression.matches(event, json("{\"data\": {\"userId\": \"u-1\"}}"))).isTrue();
		assertThat(expression.matches(event, json("{\"data\": {\"userId\": \"u-2\"}}"))).isFalse();
	}

	@Test
	void missingAsyncIsAnEmptyMap() {
		assertThat(Expression.compile("size(async) == 0").matches(Map.of(), null)).isTrue();
		assertThat(Expression.compile("event.data.userId == async.data.userId")
			.matches(json("{\"data\": {\"userId\": \"u-1\"}}"), null)).isFalse();
	}

	@Test
	void jsonNullIsCelNull() {
		Map<String, Object> event = json("{\"data\": {\"coupon\": null, \"list\": [null]}}");
		assertThat(matches("event.data.coupon == null", event)).isTrue();
		assertThat(matches("has(event.data.coupon)", event)).isTrue();
		assertThat(matches("event.data.list[0] == null", event)).isTrue();
		Map<String, Object> data = new HashMap<>();
		data.put("coupon", null);
		assertThat(matches("event.data.coupon == null", event(data))).isTrue();
	}

	@Test
	void nestedMapsAndListsAreConverted() {
		Map<String, Object> event = json("{\"data\": {\"order\": {\"lines\": [{\"qty\": 2, \"price\": 9.5}]}}}");
		assertThat(matches("event.data.order.lines[0].qty > 1 && event.data.order.lines[0].price > 9.0", event))
			.isTrue();
	}

	@Test
	void missingFieldMakesTheExpressionFalse() {
		Map<String, Object> event = json("{\"data\": {}}");
		assertThat(matches("event.data.missing == 1", event)).isFalse();
		assertThat(matches("event.data.missing != 1", event)).isFalse();
		assertThat(matches("event.data.a.b == 1", event)).isFalse();
	}

	@Test
	void typeMismatchMakesTheExpressionFalse() {
		assertThat(matches("event.data.name > 1", json("{\"data\": {\"name\": \"x\"}}"))).isFalse();
		assertThat(matches("event.data.name.first == 'x'", json("{\"data\": {\"name\": \"x\"}}"))).isFalse();
		assertThat(matches("event.data.flag", json("{\"data\": {\"flag\": \"yes\"}}"))).isFalse();
	}

	@Test
	void otherEvaluationErrorsMakeTheExpressionFalse() {
		assertThat(matches("event.data.n / 0 == 1", json("{\"data\": {\"n\": 1}}"))).isFalse();
		assertThat(matches("event.data.items[5] == 1", json("{\"data\": {\"items\": [1]}}"))).isFalse();
		assertThat(matches("int(event.data.s) == 1", json("{\"data\": {\"s\": \"x\"}}"))).isFalse();
	}

	@Test
	void errorOnOneSideOfOrIsAbsorbedByTrueOnTheOther() {
		assertThat(matches("event.data.missing == 1 || event.data.x == 1", json("{\"data\": {\"x\": 1}}"))).isTrue();
	}

	@Test
	void onlyBooleanTrueMatches() {
		assertThat(matches("event.data.flag", json("{\"data\": {\"flag\": true}}"))).isTrue();
		assertThat(matches("event.data.flag", json("{\"data\": {\"flag\": false}}"))).isFalse();
		assertThat(matches("event.data.flag", json("{\"data\": {\"flag\": 1}}"))).isFalse();
		assertThat(matches("event.data.flag", json("{\"data\": {\"flag\": null}}"))).isFalse();
	}

	@Test
	void nullEventIsAnEmptyMap() {
		assertThat(Expression.compile("size(event) == 0").matches(null, null)).isTrue();
	}

	@Test
	void inputIsNotModified() {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("amount", 150);
		data.put("tags", new ArrayList<>(List.of("a")));
		Map<String, Object> event = new LinkedHashMap<>(Map.of("data", data));
		assertThat(matches("event.data.amount > 100 && 'a' in event.data.tags", event)).isTrue();
		assertThat(data.get("amount")).isEqualTo(150);
	}

	@Test
	void toMapIsTheCelViewOfAnEvent() {
		Event event = Event.of("shop/order.placed", Map.of("amount", 4200))
			.withId("01J")
			.withTs(1700000000000L)
			.withUser(Map.of("email", "a@example.com"))
			.withVersion("2024-01-01.1");
		Map<String, Object> map = Expression.toMap(event);
		assertThat(map).containsExactly(Map.entry("name", "shop/order.placed"),
				Map.entry("data", Map.of("amount", 4200)), Map.entry("user", Map.of("email", "a@example.com")),
				Map.entry("id", "01J"), Map.entry("ts", 1700000000000L), Map.entry("v", "2024-01-01.1"));
		assertThat(map.get("ts")).isInstanceOf(Long.class);
	}

	@Test
	void toMapLeavesOutNullValues() {
		Map<String, Object> map = Expression.toMap(Event.of("app/x"));
		assertThat(map).containsOnlyKeys("name", "data", "user", "ts");
		assertThat(map.get("data")).isEqualTo(Map.of());
		assertThat(map.get("ts")).isEqualTo(0L);
	}

	@Test
	void toMapCanBeMatched() {
		Event event = Event.of("shop/order.placed", Map.of("amount", 4200)).withTs(1700000000000L);
		Expression expression = Expression
			.compile("event.name == 'shop/order.placed' && event.data.amount > 100 && event.ts > 0 && !has(event.id)");
		assertThat(expression.matches(Expression.toMap(event), null)).isTrue();
	}

	@Test
	void invalidSyntaxIsRefusedWithCelsError() {
		assertThatIllegalArgumentException().isThrownBy(() -> Expression.compile("event.data.x =="))
			.withMessageStartingWith("Invalid CEL expression 'event.data.x ==': ")
			.withMessageContaining("mismatched input '<EOF>'");
	}

	@Test
	void unknownVariableIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Expression.compile("evnt.data.x == 1"))
			.withMessageStartingWith("Invalid CEL expression 'evnt.data.x == 1': ")
			.withMessageContaining("undeclared reference to 'evnt'");
	}

	@Test
	void nonBooleanExpressionIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Expression.compile("1 + 2"))
			.withMessageStartingWith("Invalid CEL expression '1 + 2': ")
			.withMessageContaining("expected type 'bool' but found 'int'");
		assertThatIllegalArgumentException().isThrownBy(() -> Expression.compile("event.data.items.map(i, i)"))
			.withMessageContaining("expected type 'bool'");
	}

	@Test
	void emptySourceIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Expression.compile(" "))
			.withMessage("Invalid CEL expression ' ': the expression is empty");
		assertThatIllegalArgumentException().isThrownBy(() -> Expression.compile(null))
			.withMessage("Invalid CEL expression: no expression given");
	}

	@Test
	void sourceAndToStringAreTheOriginalText() {
		Expression expression = Expression.compile("event.data.amount > 100");
		assertThat(expression.source()).isEqualTo("event.data.amount > 100");
		assertThat(expression).hasToString("event.data.amount > 100");
	}

	@Test
	void expressionsWithTheSameSourceAreEqual() {
		assertThat(Expression.compile("event.data.x == 1")).isEqualTo(Expression.compile("event.data.x == 1"))
			.hasSameHashCodeAs(Expression.compile("event.data.x == 1"))
			.isNotEqualTo(Expression.compile("event.data.x == 2"));
	}

	@Test
	void compiledExpressionIsReusedConcurrently() throws Exception {
		Expression expression = Expression.compile("event.data.n % 2 == 0");
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < 2000; i++) {
				int n = i;
				results.add(executor.submit(() -> expression.matches(event(Map.of("n", n)), null) == (n % 2 == 0)));
			}
			for (Future<Boolean> result : results) {
				assertThat(result.get()).isTrue();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static boolean matches(String source, Map<String, Object> event) {
		return Expression.compile(source).matches(event, null);
	}

	private static Map<String, Object> event(Map<String, ?> data) {
		return Map.of("data", data);
	}

	private static Map<String, Object> json(String json) {
		return JSON.readValue(json, new TypeReference<Map<String, Object>>() {
		});
	}

}
