package dev.durable.inngest.function;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wildcard triggers, as Inngest reads them.
 */
class EventNamesTests {

	@Test
	void aWildcardMatchesEveryNameAfterItsPrefix() {
		assertThat(EventNames.matches("app/*", "app/user.created")).isTrue();
		assertThat(EventNames.matches("app/*", "app/blog.post.published")).isTrue();
		assertThat(EventNames.matches("app/user.*", "app/user.created")).isTrue();
		assertThat(EventNames.matches("app/user.*", "app/users.created")).isFalse();
		assertThat(EventNames.matches("app/*", "application/x")).isFalse();
		assertThat(EventNames.matches("app/user.created", "app/user.created")).isTrue();
		assertThat(EventNames.matches("app/user.created", "app/user.created.v2")).isFalse();
	}

	@Test
	void aStarOnlyEndsANameAfterASlashOrADot() {
		assertThat(EventNames.problem("app/*")).isNull();
		assertThat(EventNames.problem("app/user.*")).isNull();
		assertThat(EventNames.problem("app/user.created")).isNull();
		for (String wrong : List.of("app*", "*", "app/*/x", "app/us*", "app/**")) {
			assertThat(EventNames.problem(wrong)).as(wrong)
				.contains("'" + wrong + "' has a '*' that is not a wildcard");
		}
	}

	@Test
	void aRegistryFindsFunctionsByNameAndByWildcardOnceEachInTheirOrder() {
		FunctionDefinition all = function("all", "app/*");
		FunctionDefinition exact = function("exact", "app/user.created");
		FunctionDefinition both = function("both", "app/user.*", "app/user.created");
		FunctionDefinition other = function("other", "shop/order.placed");
		FunctionRegistry registry = new FunctionRegistry(List.of(all, exact, both, other));
		assertThat(registry.triggeredBy("app/user.created")).containsExactly(all, exact, both);
		assertThat(registry.triggeredBy("app/user.deleted")).containsExactly(all, both);
		assertThat(registry.triggeredBy("shop/order.placed")).containsExactly(other);
		assertThat(registry.triggeredBy("shop/order.paid")).isEmpty();
	}

	@Test
	void aFunctionThatNamesAnEventTwiceIsFoundOnceWithOrWithoutWildcards() {
		FunctionDefinition twice = function("twice", "a", "a");
		assertThat(new FunctionRegistry(List.of(twice)).triggeredBy("a")).containsExactly(twice);
		FunctionDefinition wildcard = function("wildcard", "b/*");
		assertThat(new FunctionRegistry(List.of(twice, wildcard)).triggeredBy("a")).containsExactly(twice);
	}

	private static FunctionDefinition function(String id, String... events) {
		return new FunctionDefinition(id, id, List.of(events), List.of(), null, 0, List.of(), FunctionTimeouts.NONE,
				null, null, null, null, null, null);
	}

}
