package dev.durable.inngest.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.durable.inngest.function.Expression;

/**
 * Compiles the CEL conditions that functions pass to {@code waitForEvent} at run time
 * once per distinct source, so that replays and incoming events evaluate a cached
 * program.
 */
public final class ExpressionCache {

	private static final int MAX_SIZE = 1024;

	private final Map<String, Expression> cache = new ConcurrentHashMap<>();

	/**
	 * The compiled expression for a source.
	 * @param source the CEL source
	 * @return the compiled expression
	 * @throws IllegalArgumentException if it does not compile
	 */
	public Expression get(String source) {
		Expression expression = this.cache.get(source);
		if (expression == null) {
			expression = Expression.compile(source);
			if (this.cache.size() < MAX_SIZE) {
				this.cache.put(source, expression);
			}
		}
		return expression;
	}

}
