package dev.durable.inngest.function;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.durable.inngest.CancelOn;
import dev.durable.inngest.Event;
import dev.durable.inngest.EventData;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.util.StringUtils;

/**
 * Reads an annotated method into a {@link FunctionDefinition}, a function's or a failure
 * or cancellation handler's, collecting every problem it finds before failing.
 */
final class FunctionDefinitionReader {

	static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

	static final Pattern FIELD = Pattern.compile("(data|user)(\\.[A-Za-z_$][A-Za-z0-9_$-]*)+");

	static final int MAX_CANCEL_RULES = 5;

	/**
	 * The longest function id: the stores hold ids of 128 characters, and a failure
	 * handler's id is the function's followed by {@code -failure}.
	 */
	static final int MAX_ID_LENGTH = 128 - FunctionDefinition.FAILURE_HANDLER_SUFFIX.length();

	/** The longest event name, as events are stored and sent. */
	static final int MAX_EVENT_NAME_LENGTH = 255;

	private final List<String> problems = new ArrayList<>();

	private final String beanName;

	private final Object bean;

	private final Method method;

	private final Method invocable;

	FunctionDefinitionReader(String beanName, Object bean, Method method, Method invocable) {
		this.beanName = beanName;
		this.bean = bean;
		this.method = method;
		this.invocable = invocable;
	}

	FunctionDefinition readFunction(InngestFunction annotation) {
		String id = annotation.id();
		if (!StringUtils.hasText(id)) {
			problem("@InngestFunction(id) is empty; give the function a kebab-case id such as \"process-order\"");
		}
		else if (!ID.matcher(id).matches()) {
			problem("@InngestFunction(id = \"" + id + "\") is not kebab-case: use lower-case letters, digits and "
					+ "single dashes, such as \"process-order\"");
		}
		else if (id.length() > MAX_ID_LENGTH) {
			problem("@InngestFunction(id) has " + id.length() + " characters; the longest allowed is " + MAX_ID_LENGTH
					+ ", so that its handlers' ids (the id followed by -failure or -cancel) fit in 128");
		}
		List<String> events = readEvents(annotation.event());
		List<CronSchedule> crons = readCrons(annotation.cron());
		// A trigger that is set but invalid is reported as such, not as a missing one.
		if (annotation.event().length == 0 && annotation.cron().length == 0) {
			problem("@InngestFunction has no trigger: set event or cron");
		}
		Expression condition = compileOverEvent(annotation.condition());
		int retries = readRetries(Retries.DEFAULT);
		List<CancelRule> cancelOn = readCancelRules();
		FunctionTimeouts timeouts = readTimeouts();
		List<Function<Invocation, @Nullable Object>> arguments = readArguments(null);
		refuseTransaction();
		failIfProblems();
		String name = StringUtils.hasText(annotation.name()) ? annotation.name() : id;
		return new FunctionDefinition(id, name, events, crons, condition, retries, cancelOn, timeouts,
				new FunctionInvoker(this.beanName, this.bean, this.invocable, arguments), null, null, null, null, null);
	}

	/**
	 * Reads an {@link dev.durable.inngest.OnFailure} method into the definition of a
	 * function of its own, with no trigger: the engine starts it when the function it
	 * handles fails.
	 */
	FunctionDefinition readFailureHandler(FunctionDefinition handled) {
		return readHandler(handled, FunctionDefinition.Handled.FAILURES, FunctionDefinition.FAILURE_HANDLER_SUFFIX,
				" (failure handler)");
	}

	/**
	 * Reads an {@link dev.durable.inngest.OnCancel} method into the definition of a
	 * function of its own, with no trigger: the engine starts it when a run of the
	 * function it handles is cancelled.
	 */
	FunctionDefinition readCancellationHandler(FunctionDefinition handled) {
		return readHandler(handled, FunctionDefinition.Handled.CANCELLATIONS,
				FunctionDefinition.CANCELLATION_HANDLER_SUFFIX, " (cancellation handler)");
	}

	private FunctionDefinition readHandler(FunctionDefinition function, FunctionDefinition.Handled handled,
			String idSuffix, String nameSuffix) {
		int retries = readRetries(FunctionDefinition.FAILURE_HANDLER_RETRIES);
		List<Function<Invocation, @Nullable Object>> arguments = readArguments(handled);
		refuseTransaction();
		// A handler has no trigger to cancel or time its runs from: a function's own
		// annotations on it would be ignored.
		String handler = (handled == FunctionDefinition.Handled.FAILURES) ? "@OnFailure" : "@OnCancel";
		if (!AnnotatedElementUtils.findMergedRepeatableAnnotations(this.method, CancelOn.class).isEmpty()) {
			problem("@CancelOn is a function's, not an " + handler + " handler's: remove it from the handler");
		}
		if (AnnotatedElementUtils.findMergedAnnotation(this.method, dev.durable.inngest.Timeouts.class) != null) {
			problem("@Timeouts is a function's, not an " + handler + " handler's: remove it from the handler");
		}
		failIfProblems();
		return new FunctionDefinition(function.id() + idSuffix, function.name() + nameSuffix, List.of(), List.of(),
				null, retries, List.of(), FunctionTimeouts.NONE,
				new FunctionInvoker(this.beanName, this.bean, this.invocable, arguments), null, null, function.id(),
				handled, null);
	}

	String location() {
		return location(this.beanName, this.method);
	}

	/**
	 * Where a function or handler is declared, as the start-up report names it.
	 * @param beanName the bean's name
	 * @param method the annotated method
	 * @return the class, the method and the bean
	 */
	static String location(String beanName, Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + " (bean '" + beanName + "')";
	}

	private List<String> readEvents(String[] names) {
		List<String> events = new ArrayList<>();
		for (String name : names) {
			String wrong = StringUtils.hasText(name) ? EventNames.problem(name) : null;
			if (!StringUtils.hasText(name)) {
				problem("@InngestFunction(event) contains an empty event name");
			}
			else if (wrong != null) {
				problem("@InngestFunction(event) is invalid: " + wrong);
			}
			else if (name.length() > MAX_EVENT_NAME_LENGTH) {
				problem("@InngestFunction(event) has a name of " + name.length() + " characters; the longest an event "
						+ "name may have is " + MAX_EVENT_NAME_LENGTH);
			}
			else {
				events.add(name);
			}
		}
		return List.copyOf(events);
	}

	private List<CronSchedule> readCrons(String[] expressions) {
		List<CronSchedule> crons = new ArrayList<>();
		for (String expression : expressions) {
			try {
				crons.add(CronSchedule.parse(expression));
			}
			catch (IllegalArgumentException ex) {
				problem("@InngestFunction(cron = \"" + expression + "\") is invalid: " + ex.getMessage());
			}
		}
		return List.copyOf(crons);
	}

	private int readRetries(int defaultRetries) {
		Retries retries = AnnotatedElementUtils.findMergedAnnotation(this.method, Retries.class);
		if (retries == null) {
			return defaultRetries;
		}
		if (retries.value() < 0 || retries.value() > Retries.MAX) {
			problem("@Retries(" + retries.value() + ") is out of range: retries must be between 0 and " + Retries.MAX);
		}
		return retries.value();
	}

	private List<CancelRule> readCancelRules() {
		List<CancelRule> rules = new ArrayList<>();
		var annotations = AnnotatedElementUtils.findMergedRepeatableAnnotations(this.method, CancelOn.class);
		if (annotations.size() > MAX_CANCEL_RULES) {
			problem("a function may have at most " + MAX_CANCEL_RULES + " @CancelOn rules, found "
					+ annotations.size());
		}
		for (CancelOn cancelOn : annotations) {
			String where = "@CancelOn(event = \"" + cancelOn.event() + "\")";
			if (!StringUtils.hasText(cancelOn.event())) {
				problem("@CancelOn(event) is empty: name the event that cancels the run");
			}
			else if (cancelOn.event().indexOf('*') >= 0) {
				problem(where + " has a *: the event that cancels a run is matched by its whole name, without "
						+ "wildcards");
			}
			else if (cancelOn.event().length() > MAX_EVENT_NAME_LENGTH) {
				problem("@CancelOn(event) has a name of " + cancelOn.event().length() + " characters; the longest an "
						+ "event name may have is " + MAX_EVENT_NAME_LENGTH);
			}
			String match = null;
			if (StringUtils.hasText(cancelOn.match())) {
				match = readField(where + " match", cancelOn.match());
			}
			Expression condition = compile(where + " condition", cancelOn.condition());
			if (match != null && condition != null) {
				problem(where + " sets both match and condition: use one (a condition can compare fields "
						+ "itself, such as \"event.data.id == async.data.id\")");
			}
			Duration timeout = duration(where + " timeout", cancelOn.timeout());
			rules.add(new CancelRule(cancelOn.event(), match, condition, timeout));
		}
		return List.copyOf(rules);
	}

	private FunctionTimeouts readTimeouts() {
		dev.durable.inngest.Timeouts annotation = AnnotatedElementUtils.findMergedAnnotation(this.method,
				dev.durable.inngest.Timeouts.class);
		if (annotation == null) {
			return FunctionTimeouts.NONE;
		}
		return new FunctionTimeouts(duration("@Timeouts(start)", annotation.start()),
				duration("@Timeouts(finish)", annotation.finish()));
	}

	private @Nullable String readField(String where, String field) {
		if (!FIELD.matcher(field).matches()) {
			problem(where + " = \"" + field + "\" is not a field of the event: use a dotted path under data or "
					+ "user, such as \"data.orderId\"");
			return null;
		}
		return field;
	}

	private @Nullable Expression compileOverEvent(String source) {
		if (!StringUtils.hasText(source)) {
			return null;
		}
		try {
			return Expression.compileOverEvent(source);
		}
		catch (IllegalArgumentException ex) {
			String hint = ex.getMessage().contains("undeclared reference to 'async'")
					? "; a function's condition sees only the event that triggers it, as 'event'" : "";
			problem("@InngestFunction(condition) is not a valid CEL expression: " + ex.getMessage() + hint);
			return null;
		}
	}

	private @Nullable Expression compile(String where, String source) {
		if (!StringUtils.hasText(source)) {
			return null;
		}
		try {
			return Expression.compile(source);
		}
		catch (IllegalArgumentException ex) {
			problem(where + " is not a valid CEL expression: " + ex.getMessage());
			return null;
		}
	}

	private @Nullable Duration duration(String where, String value) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		try {
			return TimeStrings.parse(value);
		}
		catch (IllegalArgumentException ex) {
			problem(where + " = \"" + value + "\" is invalid: " + ex.getMessage());
			return null;
		}
	}

	private List<Function<Invocation, @Nullable Object>> readArguments(FunctionDefinition.@Nullable Handled handled) {
		List<Function<Invocation, @Nullable Object>> arguments = new ArrayList<>();
		boolean eventData = false;
		Parameter[] parameters = this.method.getParameters();
		boolean declaresEventData = Arrays.stream(parameters).anyMatch((p) -> p.isAnnotationPresent(EventData.class));
		for (int i = 0; i < parameters.length; i++) {
			MethodParameter parameter = new MethodParameter(this.method, i);
			Class<?> type = parameter.getParameterType();
			if (parameter.hasParameterAnnotation(EventData.class)) {
				if (eventData) {
					problem("parameter " + describe(parameters[i]) + " is a second @EventData parameter; a "
							+ "function may bind the event data once");
				}
				eventData = true;
				arguments.add(eventData(parameter, describe(parameters[i])));
			}
			else if (type == Event.class) {
				arguments.add(Invocation::event);
			}
			else if (type == List.class
					&& ResolvableType.forMethodParameter(parameter).getGeneric(0).resolve() == Event.class) {
				arguments.add(Invocation::events);
			}
			else if (type == Step.class) {
				arguments.add(Invocation::step);
			}
			else if (type == RunContext.class) {
				arguments.add(Invocation::run);
			}
			else if (type == FailureContext.class && handled == FunctionDefinition.Handled.FAILURES) {
				arguments.add(Invocation::failure);
			}
			else if (type == FunctionCancelledEvent.class && handled == FunctionDefinition.Handled.CANCELLATIONS) {
				// A cancellation handler's invocation carries the cancelled event where
				// a failure handler's carries the failure: both are read from the system
				// event that started it.
				arguments.add(Invocation::failure);
			}
			else {
				// Most often the event's payload, declared without its annotation.
				String hint = (!declaresEventData && !type.isPrimitive() && type != FailureContext.class
						&& type != FunctionCancelledEvent.class)
								? "; to bind the event's data to it, annotate it @EventData" : "";
				problem("parameter " + describe(parameters[i]) + " cannot be resolved: " + accepted(handled) + hint);
				arguments.add((invocation) -> null);
			}
		}
		return arguments;
	}

	private static String accepted(FunctionDefinition.@Nullable Handled handled) {
		String common = "Event, List<Event>, Step, RunContext and one @EventData parameter";
		if (handled == null) {
			return "a function may take " + common;
		}
		return switch (handled) {
			case FAILURES -> "a failure handler may take FailureContext, " + common;
			case CANCELLATIONS -> "a cancellation handler may take FunctionCancelledEvent, " + common;
		};
	}

	private Function<Invocation, @Nullable Object> eventData(MethodParameter parameter, String description) {
		ResolvableType target = ResolvableType.forMethodParameter(parameter);
		return (invocation) -> {
			try {
				return invocation.mapper()
					.convertValue(invocation.event().data(),
							invocation.mapper().getTypeFactory().constructType(target.getType()));
			}
			catch (JacksonException ex) {
				// The same data fails the same way on every attempt: retrying cannot
				// help.
				throw new NonRetriableException(
						"The data of event '" + invocation.event().name() + "' cannot be bound to parameter "
								+ description + " of " + location() + ": " + ex.getOriginalMessage(),
						ex);
			}
		};
	}

	private static String describe(Parameter parameter) {
		return "'" + parameter.getType().getSimpleName() + " " + parameter.getName() + "'";
	}

	/**
	 * Refuses a function that its bean's proxy would run in a transaction: its steps
	 * would commit only when the function returns, and each sleep, wait or retry, which
	 * leaves the function by throwing, would roll them back, so that they ran again.
	 */
	private void refuseTransaction() {
		// Spring's @Transactional or JTA's, whatever the method's visibility. A new
		// source each time: a shared one's cache would hold the application's classes.
		TransactionAttribute attribute = new AnnotationTransactionAttributeSource(false)
			.getTransactionAttribute(this.method, AopUtils.getTargetClass(this.bean));
		if (attribute == null) {
			return;
		}
		int propagation = attribute.getPropagationBehavior();
		if (propagation != TransactionDefinition.PROPAGATION_SUPPORTS
				&& propagation != TransactionDefinition.PROPAGATION_NOT_SUPPORTED
				&& propagation != TransactionDefinition.PROPAGATION_NEVER) {
			problem("the method runs in a transaction (@Transactional on it or on its class), which would hold its "
					+ "steps uncommitted until it returns, and which each sleep, wait or retry would roll back, so "
					+ "that its steps ran again: remove it, and make what a step does transactional instead (a "
					+ "@Transactional method of another bean, or a TransactionTemplate, called in the step)");
		}
	}

	private void problem(String problem) {
		this.problems.add(problem);
	}

	private void failIfProblems() {
		if (!this.problems.isEmpty()) {
			throw new InvalidFunctionException(location(), this.problems);
		}
	}

}
