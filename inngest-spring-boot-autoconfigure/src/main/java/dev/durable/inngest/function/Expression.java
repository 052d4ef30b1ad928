package dev.durable.inngest.function;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.durable.inngest.Event;
import org.jspecify.annotations.Nullable;

/**
 * A boolean <a href="https://cel.dev">CEL</a> expression over events, compiled once, such
 * as the {@code condition} of a function or of a cancellation, or the {@code if} of a
 * {@code waitForEvent}.
 * <p>
 * Two variables of dynamic type are declared: {@code event}, the event being tested, and
 * {@code async}, the event that arrived later when two events are compared (an empty map
 * otherwise). The standard macros {@code has}, {@code all}, {@code exists},
 * {@code exists_one}, {@code map} and {@code filter} are available: <pre class="code">
 * event.data.amount &gt; 100 &amp;&amp; has(event.data.coupon)
 * 'vip' in event.data.tags
 * event.data.items.exists(i, i.sku == 'gift-card')
 * event.data.userId == async.data.userId
 * </pre> The expression must be of type {@code bool} (or dynamic):
 * {@code event.data.amount + 1} is refused when compiled.
 * <p>
 * Events are JSON, so before evaluation their values are converted to CEL values: whole
 * numbers ({@link Integer}, {@link Long}, {@link Short}, {@link Byte} and
 * {@link BigInteger} within the range of a {@code long}) become CEL {@code int}s, other
 * numbers ({@link Double}, {@link Float}, {@link BigDecimal} and larger
 * {@link BigInteger}s) become CEL {@code double}s, {@code null} becomes CEL {@code null},
 * and maps and lists are converted recursively. Heterogeneous numeric comparisons are
 * enabled, so {@code int}s, {@code uint}s and {@code double}s compare by value:
 * {@code event.data.amount > 100.5} holds for an {@code amount} of {@code 150} and
 * {@code event.data.price > 100} for a {@code price} of {@code 100.7}. Arithmetic is not
 * heterogeneous: {@code event.data.amount + 0.5} is an error when {@code amount} is a
 * whole number.
 * <p>
 * Instances are immutable and thread-safe: the compiled program is evaluated concurrently
 * without synchronization.
 */
public final class Expression {

	/**
	 * The CEL environment shared by all expressions; CEL environments are thread-safe.
	 */
	private static final Cel CEL = cel(true);

	/**
	 * The environment of expressions over one event, where {@code async} is undefined.
	 */
	private static final Cel EVENT_ONLY = cel(false);

	private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);

	private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

	private final String source;

	private final CelRuntime.Program program;

	private Expression(String source, CelRuntime.Program program) {
		this.source = source;
		this.program = program;
	}

	/**
	 * Compiles an expression.
	 * @param source the CEL source, such as {@code event.data.amount > 100}
	 * @return the compiled expression
	 * @throws IllegalArgumentException if the source is {@code null} or blank, does not
	 * parse, refers to anything but {@code event} and {@code async}, or is not boolean;
	 * the message quotes the source and CEL's errors
	 */
	public static Expression compile(String source) {
		return compile(CEL, source);
	}

	/**
	 * Compiles an expression over one event, such as a function's condition, which is
	 * tested against the event alone: there {@code async} is always empty, so an
	 * expression that reads it is refused rather than never true.
	 * @param source the CEL source, such as {@code event.data.amount > 100}
	 * @return the compiled expression
	 * @throws IllegalArgumentException as {@link #compile(String)} does, and if the
	 * source refers to {@code async}
	 */
	public static Expression compileOverEvent(String source) {
		return compile(EVENT_ONLY, source);
	}

	private static Cel cel(boolean withAsync) {
		var builder = CelFactory.standardCelBuilder()
			.setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
			.setStandardMacros(CelStandardMacro.HAS, CelStandardMacro.ALL, CelStandardMacro.EXISTS,
					CelStandardMacro.EXISTS_ONE, CelStandardMacro.MAP, CelStandardMacro.FILTER)
			.addVar("event", SimpleType.DYN)
			.setResultType(SimpleType.BOOL);
		if (withAsync) {
			builder.addVar("async", SimpleType.DYN);
		}
		return builder.build();
	}

	private static Expression compile(Cel cel, String source) {
		if (source == null) {
			throw new IllegalArgumentException("Invalid CEL expression: no expression given");
		}
		if (source.isBlank()) {
			throw new IllegalArgumentException("Invalid CEL expression '" + source + "': the expression is empty");
		}
		CelValidationResult result = cel.compile(source);
		if (result.hasError()) {
			throw new IllegalArgumentException("Invalid CEL expression '" + source + "': " + result.getErrorString());
		}
		try {
			return new Expression(source, cel.createProgram(result.getAst()));
		}
		catch (Exception ex) {
			throw new IllegalArgumentException("Invalid CEL expression '" + source + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * The CEL view of an event, the value of the {@code event} (or {@code async})
	 * variable: {@code name}, {@code data}, {@code user}, {@code id}, {@code ts} (epoch
	 * milliseconds, a {@link Long}) and {@code v}, leaving out those that are
	 * {@code null}.
	 * @param event the event
	 * @return an unmodifiable map
	 * @throws IllegalArgumentException if the event is {@code null}
	 */
	public static Map<String, Object> toMap(Event event) {
		if (event == null) {
			throw new IllegalArgumentException("The event to view as a CEL map must not be null");
		}
		Map<String, Object> map = new LinkedHashMap<>();
		putIfNotNull(map, "name", event.name());
		putIfNotNull(map, "data", event.data());
		putIfNotNull(map, "user", event.user());
		putIfNotNull(map, "id", event.id());
		map.put("ts", event.ts());
		putIfNotNull(map, "v", event.v());
		return Collections.unmodifiableMap(map);
	}

	/**
	 * Evaluates this expression. Evaluation errors, such as a missing key
	 * ({@code event.data.missing == 1}), a comparison of a string with a number, or a
	 * division by zero, make the expression false: this method never throws.
	 * @param event the event, a JSON-like tree such as {@link #toMap(Event)} builds;
	 * {@code null} is an empty map
	 * @param async the later event when two events are compared, or {@code null} to bind
	 * {@code async} to an empty map
	 * @return {@code true} if and only if the expression evaluates to boolean
	 * {@code true}
	 */
	public boolean matches(@Nullable Map<String, Object> event, @Nullable Map<String, Object> async) {
		try {
			Map<String, Object> variables = Map.of("event", toCel((event != null) ? event : Map.of()), "async",
					toCel((async != null) ? async : Map.of()));
			return Boolean.TRUE.equals(this.program.eval(variables));
		}
		catch (CelEvaluationException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Evaluates this expression within a budget of evaluation steps, such as a condition
	 * sent in with a request, which must not keep a thread busy for long whatever the
	 * data: every sub-expression evaluated, once per iteration inside {@code all},
	 * {@code exists}, {@code map} and {@code filter}, is a step. Evaluation errors make
	 * it false, as in {@link #matches(Map, Map)}.
	 * @param event the event, as in {@link #matches(Map, Map)}
	 * @param async the later event, or {@code null}
	 * @param maxSteps the most steps it may take
	 * @return {@code true} if and only if the expression evaluates to boolean
	 * {@code true}
	 * @throws CostExceededException if it takes more steps than allowed; evaluation stops
	 * then
	 */
	public boolean matches(@Nullable Map<String, Object> event, @Nullable Map<String, Object> async, long maxSteps) {
		StepBudget budget = new StepBudget(maxSteps);
		try {
			Map<String, Object> variables = Map.of("event", toCel((event != null) ? event : Map.of()), "async",
					toCel((async != null) ? async : Map.of()));
			return Boolean.TRUE.equals(this.program.trace(variables, budget));
		}
		catch (CelEvaluationException | RuntimeException ex) {
			if (budget.exceeded) {
				throw new CostExceededException("The CEL expression '" + abbreviated(this.source) + "' took more than "
						+ maxSteps + " evaluation steps and was stopped");
			}
			return false;
		}
	}

	/**
	 * The CEL source of this expression.
	 * @return the source
	 */
	public String source() {
		return this.source;
	}

	/**
	 * Two expressions are equal when their {@link #source() sources} are.
	 */
	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof Expression expression && this.source.equals(expression.source));
	}

	@Override
	public int hashCode() {
		return this.source.hashCode();
	}

	/**
	 * The CEL source of this expression.
	 * @return the source
	 */
	@Override
	public String toString() {
		return this.source;
	}

	private static String abbreviated(String source) {
		return (source.length() <= 100) ? source : source.substring(0, 100) + "...";
	}

	private static void putIfNotNull(Map<String, Object> map, String key, @Nullable Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	/**
	 * Converts a JSON-like value to the value CEL expects. Values of other types are
	 * passed unchanged, which CEL may refuse when they are used.
	 */
	private static Object toCel(@Nullable Object value) {
		if (value == null) {
			return NullValue.NULL_VALUE;
		}
		if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
			return value;
		}
		if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof BigInteger integer) {
			return (integer.compareTo(MIN_LONG) >= 0 && integer.compareTo(MAX_LONG) <= 0) ? integer.longValue()
					: integer.doubleValue();
		}
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		if (value instanceof CharSequence || value instanceof Character) {
			return value.toString();
		}
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> converted = new LinkedHashMap<>(map.size() * 2);
			map.forEach((key, entry) -> converted.put(String.valueOf(key), toCel(entry)));
			return converted;
		}
		if (value instanceof Iterable<?> iterable) {
			List<Object> converted = new ArrayList<>();
			iterable.forEach((element) -> converted.add(toCel(element)));
			return converted;
		}
		if (value instanceof Object[] array) {
			List<Object> converted = new ArrayList<>(array.length);
			for (Object element : array) {
				converted.add(toCel(element));
			}
			return converted;
		}
		return value;
	}

	/**
	 * Thrown when an expression evaluated within a budget takes more steps than allowed.
	 */
	public static final class CostExceededException extends RuntimeException {

		CostExceededException(String message) {
			super(message);
		}

	}

	/**
	 * Counts the sub-expressions evaluated, and stops the evaluation once they pass the
	 * budget.
	 */
	private static final class StepBudget implements CelEvaluationListener {

		private final long maxSteps;

		private long steps;

		private boolean exceeded;

		StepBudget(long maxSteps) {
			this.maxSteps = maxSteps;
		}

		@Override
		public void callback(CelExpr expr, Object result) {
			if (++this.steps > this.maxSteps) {
				this.exceeded = true;
				throw new IllegalStateException("Evaluation budget of " + this.maxSteps + " steps exceeded");
			}
		}

	}

}
