package dev.durable.inngest.executor;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.durable.inngest.Retries;
import dev.durable.inngest.function.CancelRule;
import dev.durable.inngest.function.CronSchedule;
import dev.durable.inngest.function.EventNames;
import dev.durable.inngest.function.Expression;
import dev.durable.inngest.function.FunctionTimeouts;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One function as an app registered it (§6.3 of the SDK protocol), read and checked.
 *
 * @param id the function's full id, such as {@code orders-charge-order}
 * @param name its display name
 * @param url where the app serves it, with its {@code fnId} and {@code stepId}
 * @param events the trigger event names; with no crons either, the function starts no run
 * from events and runs only when another function invokes it
 * @param condition the trigger condition, or {@code null}
 * @param crons the cron triggers
 * @param retries the retries of each step and of the body
 * @param cancelOn the cancellation rules
 * @param timeouts the start and finish time-outs
 */
record ServedFunction(String id, String name, URI url, List<String> events, @Nullable Expression condition,
		List<CronSchedule> crons, int retries, List<CancelRule> cancelOn, FunctionTimeouts timeouts) {

	/** The retries Inngest gives a function that names none. */
	static final int DEFAULT_RETRIES = 4;

	/** The longest function id the engine's tables store. */
	static final int MAX_ID_LENGTH = 128;

	/** The most cancellation rules Inngest allows a function. */
	static final int MAX_CANCEL_RULES = 5;

	/**
	 * Options of Inngest's flow control that this executor does not apply: refused rather
	 * than ignored, so that no function runs without the limits its code asks for.
	 */
	private static final Set<String> UNSUPPORTED = Set.of("concurrency", "throttle", "rateLimit", "debounce",
			"batchEvents", "idempotency", "priority", "singleton");

	/**
	 * Reads a function's configuration.
	 * @param config the configuration
	 * @param field where it is in the request, such as {@code functions[0]}
	 * @return the function
	 * @throws InvalidRegistrationException if it is not valid
	 */
	static ServedFunction read(JsonNode config, String field) {
		if (config == null || !config.isObject()) {
			throw new InvalidRegistrationException(field, "must be a function configuration object");
		}
		for (String option : UNSUPPORTED) {
			JsonNode value = config.get(option);
			// Some SDKs send an option they leave unset as null or empty.
			if (value != null && !value.isNull() && !(value.isContainer() && value.isEmpty())) {
				throw new InvalidRegistrationException(field + "." + option,
						"is not supported by this executor; remove it from the function to run it here");
			}
		}
		String id = text(config, "id", field, true);
		if (id.length() > MAX_ID_LENGTH) {
			throw new InvalidRegistrationException(field + ".id",
					"has " + id.length() + " characters; the longest allowed is " + MAX_ID_LENGTH);
		}
		String name = text(config, "name", field, false);
		// None, as the SDKs register a function that only step.invoke runs (the JS SDK's
		// invoke() trigger, or no trigger at all), is accepted, as Inngest accepts it.
		JsonNode triggers = config.path("triggers");
		if (!triggers.isMissingNode() && !triggers.isNull() && !triggers.isArray()) {
			throw new InvalidRegistrationException(field + ".triggers", "must be an array of triggers");
		}
		List<String> events = new ArrayList<>();
		List<String> conditions = new ArrayList<>();
		boolean anyCondition = false;
		List<CronSchedule> crons = new ArrayList<>();
		for (int i = 0; i < triggers.size(); i++) {
			String at = field + ".triggers[" + i + "]";
			JsonNode trigger = triggers.get(i);
			if (!trigger.isObject()) {
				throw new InvalidRegistrationException(at, "must be an object with an event or a cron");
			}
			String event = text(trigger, "event", at, false);
			String cron = text(trigger, "cron", at, false);
			if ((event == null) == (cron == null)) {
				throw new InvalidRegistrationException(at, "must have either an event or a cron");
			}
			if (cron != null) {
				if (text(trigger, "jitter", at, false) != null) {
					// Refused like the options of flow control: the runs would all start
					// on the minute, which the jitter asks to avoid.
					throw new InvalidRegistrationException(at + ".jitter",
							"is not supported by this executor; remove it from the cron trigger to run the function here");
				}
				CronSchedule schedule;
				try {
					schedule = CronSchedule.parse(cron);
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidRegistrationException(at + ".cron", ex.getMessage());
				}
				if (schedule.isMacro()) {
					// A macro, which Java functions may use: Inngest refuses it in
					// a sync.
					throw new InvalidRegistrationException(at + ".cron",
							"'" + cron + "' is a macro, which Inngest's "
									+ "cron syntax does not accept; write its five fields, '"
									+ schedule.inngestExpression() + "'");
				}
				crons.add(schedule);
				continue;
			}
			String wrong = EventNames.problem(event);
			if (wrong != null) {
				throw new InvalidRegistrationException(at + ".event", wrong);
			}
			events.add(event);
			String expression = text(trigger, "expression", at, false);
			compile(expression, at + ".expression");
			anyCondition |= expression != null;
			String isEvent = EventNames.isWildcard(event)
					? "event.name.startsWith(" + quoted(EventNames.prefix(event)) + ")"
					: "event.name == " + quoted(event);
			conditions.add((expression != null) ? "(" + isEvent + " && (" + expression + "))" : isEvent);
		}
		Expression condition = null;
		if (anyCondition) {
			condition = compile((conditions.size() == 1) ? conditions.get(0) : String.join(" || ", conditions),
					field + ".triggers");
		}
		JsonNode step = config.path("steps").path("step");
		if (!step.isObject()) {
			throw new InvalidRegistrationException(field + ".steps.step", "must be the function's HTTP step");
		}
		URI url = httpUrl(text(step.path("runtime"), "url", field + ".steps.step.runtime", true),
				field + ".steps.step.runtime.url");
		int retries = DEFAULT_RETRIES;
		JsonNode attempts = step.path("retries").get("attempts");
		if (attempts != null && !attempts.isNull()) {
			if (!attempts.isIntegralNumber() || attempts.asLong() < 0) {
				throw new InvalidRegistrationException(field + ".steps.step.retries.attempts",
						"must be a whole number from 0 to " + Retries.MAX);
			}
			retries = (int) Math.min(attempts.asLong(), Retries.MAX);
		}
		return new ServedFunction(id, (name != null) ? name : id, url, List.copyOf(events), condition,
				List.copyOf(crons), retries, cancelRules(config.get("cancel"), field + ".cancel"),
				timeouts(config.get("timeouts"), field + ".timeouts"));
	}

	private static List<CancelRule> cancelRules(@Nullable JsonNode cancel, String field) {
		if (cancel == null || cancel.isNull()) {
			return List.of();
		}
		if (!cancel.isArray() || cancel.size() > MAX_CANCEL_RULES) {
			throw new InvalidRegistrationException(field,
					"must be an array of at most " + MAX_CANCEL_RULES + " cancellation rules");
		}
		List<CancelRule> rules = new ArrayList<>();
		for (int i = 0; i < cancel.size(); i++) {
			String at = field + "[" + i + "]";
			JsonNode rule = cancel.get(i);
			if (!rule.isObject()) {
				throw new InvalidRegistrationException(at, "must be an object with an event");
			}
			String event = text(rule, "event", at, true);
			Expression condition = compile(text(rule, "if", at, false), at + ".if");
			String timeout = text(rule, "timeout", at, false);
			Instant until = WireDurations.instant(timeout);
			rules.add(new CancelRule(event, null, condition, (until != null) ? null : duration(rule, "timeout", at),
					until));
		}
		return List.copyOf(rules);
	}

	private static FunctionTimeouts timeouts(@Nullable JsonNode timeouts, String field) {
		if (timeouts == null || timeouts.isNull()) {
			return FunctionTimeouts.NONE;
		}
		if (!timeouts.isObject()) {
			throw new InvalidRegistrationException(field, "must be an object with start and finish");
		}
		return new FunctionTimeouts(duration(timeouts, "start", field), duration(timeouts, "finish", field));
	}

	private static @Nullable Duration duration(JsonNode node, String name, String field) {
		String value = text(node, name, field, false);
		if (value == null) {
			return null;
		}
		Duration duration;
		try {
			// As Inngest's server reads what an SDK syncs, which passes on what its
			// function declares as written: "1.5h" included.
			duration = WireDurations.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRegistrationException(field + "." + name, ex.getMessage());
		}
		if (duration.isZero()) {
			throw new InvalidRegistrationException(field + "." + name, "'" + value + "' must be longer than zero");
		}
		return duration;
	}

	private static @Nullable Expression compile(@Nullable String expression, String field) {
		if (expression == null) {
			return null;
		}
		try {
			return Expression.compile(expression);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRegistrationException(field, ex.getMessage());
		}
	}

	/**
	 * Reads a text field.
	 * @param node the object
	 * @param name the field's name
	 * @param field where the object is in the request
	 * @param required whether the field must be there
	 * @return its value, or {@code null} if absent and not required
	 */
	static @Nullable String text(@Nullable JsonNode node, String name, String field, boolean required) {
		JsonNode value = (node != null) ? node.get(name) : null;
		if (value == null || value.isNull()) {
			if (required) {
				throw new InvalidRegistrationException(field + "." + name, "is required");
			}
			return null;
		}
		if (!value.isString()) {
			throw new InvalidRegistrationException(field + "." + name, "must be a string");
		}
		if (value.asString().isBlank()) {
			// An optional field left blank is as good as absent.
			if (required) {
				throw new InvalidRegistrationException(field + "." + name, "must not be blank");
			}
			return null;
		}
		return value.asString();
	}

	/**
	 * Reads an absolute {@code http} or {@code https} URL.
	 * @param value the URL
	 * @param field where it is in the request
	 * @return the URL
	 */
	static URI httpUrl(String value, String field) {
		try {
			URI url = new URI(value);
			String scheme = url.getScheme();
			if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && url.getHost() != null) {
				return url;
			}
		}
		catch (java.net.URISyntaxException ex) {
			// Answered below.
		}
		throw new InvalidRegistrationException(field, "must be an absolute http or https URL");
	}

	private static String quoted(String value) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : value.toCharArray()) {
			if (c == '"' || c == '\\') {
				quoted.append('\\');
			}
			quoted.append(c);
		}
		return quoted.append('"').toString();
	}

}
