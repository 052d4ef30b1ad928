package dev.durable.inngest.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.function.CancelRule;
import dev.durable.inngest.function.CronSchedule;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.function.TimeStrings;
import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The configuration of an application's functions as it is synced to the Inngest
 * platform, read from their definitions: each function under its composite id
 * {@code <app-id>-<function-id>}, its triggers (an event with the function's condition as
 * its {@code expression}, or a cron), its retries, its {@code cancel} rules (a
 * {@code match} turned into the equality it stands for), its timeouts, and its failure
 * handler as a function of its own triggered by {@code inngest/function.failed} for that
 * function, as Inngest's own SDKs register one.
 */
public final class FunctionConfigs {

	/**
	 * Failure handlers are named as the official SDKs name them, after the function they
	 * handle.
	 */
	static final String FAILURE_NAME_SUFFIX = " (failure)";

	private FunctionConfigs() {
	}

	/**
	 * The configuration of every function of an application.
	 * @param appId the application's id, which prefixes every function id
	 * @param appUrl the URL at which the platform calls the application's serve endpoint
	 * @param functions the functions
	 * @return one configuration per function, failure handlers included, in the
	 * registry's order
	 */
	public static List<FunctionConfig> of(String appId, String appUrl, FunctionRegistry functions) {
		List<FunctionConfig> configs = new ArrayList<>();
		for (FunctionDefinition function : functions.all()) {
			configs.add(config(appId, appUrl, function, functions));
		}
		return configs;
	}

	private static FunctionConfig config(String appId, String appUrl, FunctionDefinition function,
			FunctionRegistry functions) {
		String id = compositeId(appId, function.id());
		List<Trigger> triggers = new ArrayList<>();
		String name = function.name();
		if (function.isFailureHandler()) {
			String handled = compositeId(appId, function.handles());
			triggers.add(new Trigger(FunctionFailedEvent.NAME, "event.data.function_id == '" + handled + "'", null));
			name = functions.find(function.handles()).map(FunctionDefinition::name).orElse(function.handles())
					+ FAILURE_NAME_SUFFIX;
		}
		else if (function.isCancellationHandler()) {
			// The official SDK has no cancellation handler; this is the function it would
			// take to
			// write one by hand, triggered by the cancelled event of the handled
			// function.
			String handled = compositeId(appId, function.handles());
			triggers.add(new Trigger(FunctionCancelledEvent.NAME, "event.data.function_id == '" + handled + "'", null));
		}
		else {
			String expression = (function.condition() != null) ? function.condition().source() : null;
			function.events().forEach((event) -> triggers.add(new Trigger(event, expression, null)));
			function.crons()
				.stream()
				.map(CronSchedule::inngestExpression)
				.forEach((cron) -> triggers.add(new Trigger(null, null, cron)));
		}
		String url = UriComponentsBuilder.fromUriString(encoded(appUrl))
			.queryParam("fnId", UriUtils.encodeQueryParam(id, StandardCharsets.UTF_8))
			.queryParam("stepId", "step")
			.build()
			.toUriString();
		StepConfig step = new StepConfig("step", "step", new Runtime("http", url), new Retries(function.retries()));
		return new FunctionConfig(id, name, triggers, Map.of("step", step), timeouts(function), cancel(function));
	}

	/**
	 * The app's URL, encoded: as it is when it is a valid URI already, such as the URL of
	 * a request, whose escapes encoding again would change; else with what a URI cannot
	 * hold raw encoded.
	 */
	private static String encoded(String appUrl) {
		try {
			new URI(appUrl);
			return appUrl;
		}
		catch (URISyntaxException ex) {
			return UriComponentsBuilder.fromUriString(appUrl).encode().build().toUriString();
		}
	}

	/**
	 * The id of a function on the wire.
	 * @param appId the application's id
	 * @param functionId the function's id
	 * @return {@code <app-id>-<function-id>}
	 */
	public static String compositeId(String appId, String functionId) {
		return appId + "-" + functionId;
	}

	private static @Nullable TimeoutsConfig timeouts(FunctionDefinition function) {
		if (function.timeouts().start() == null && function.timeouts().finish() == null) {
			return null;
		}
		return new TimeoutsConfig(format(function.timeouts().start()), format(function.timeouts().finish()));
	}

	private static @Nullable List<Cancel> cancel(FunctionDefinition function) {
		if (function.cancelOn().isEmpty()) {
			return null;
		}
		return function.cancelOn().stream().map(FunctionConfigs::cancel).toList();
	}

	private static Cancel cancel(CancelRule rule) {
		// A rule has a match or a condition, never both (the definition refuses that).
		String expression = (rule.match() != null) ? "event." + rule.match() + " == async." + rule.match()
				: (rule.condition() != null) ? rule.condition().source() : null;
		return new Cancel(rule.event(), rule.timeoutText(), expression);
	}

	private static @Nullable String format(java.time.@Nullable Duration duration) {
		return (duration != null) ? TimeStrings.format(duration) : null;
	}

	/**
	 * One function's configuration.
	 *
	 * @param id the composite id
	 * @param name the display name
	 * @param triggers the triggers
	 * @param steps the one entry {@code step}: where and how often the platform calls it
	 * @param timeouts the timeouts, or {@code null}
	 * @param cancel the cancellation rules, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record FunctionConfig(String id, String name, List<Trigger> triggers, Map<String, StepConfig> steps,
			@Nullable TimeoutsConfig timeouts, @Nullable List<Cancel> cancel) {

	}

	/**
	 * A trigger: an event, with an optional condition, or a cron.
	 *
	 * @param event the event name, or {@code null} for a cron
	 * @param expression the CEL condition over {@code event}, or {@code null}
	 * @param cron the cron expression, or {@code null} for an event
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Trigger(@Nullable String event, @Nullable String expression, @Nullable String cron) {

	}

	/**
	 * How the platform calls a function.
	 *
	 * @param id always {@code step}
	 * @param name always {@code step}
	 * @param runtime where it calls
	 * @param retries the retries after the first attempt
	 */
	public record StepConfig(String id, String name, Runtime runtime, Retries retries) {

	}

	/**
	 * Where the platform calls a function.
	 *
	 * @param type always {@code http}
	 * @param url the serve endpoint's URL with the function's {@code fnId} and
	 * {@code stepId=step}
	 */
	public record Runtime(String type, String url) {

	}

	/**
	 * A function's retries.
	 *
	 * @param attempts the retries after the first attempt (the platform's name for them)
	 */
	public record Retries(int attempts) {

	}

	/**
	 * A function's timeouts, as time strings.
	 *
	 * @param start the longest a run may wait to start, or {@code null}
	 * @param finish the longest a run may take once started, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record TimeoutsConfig(@Nullable String start, @Nullable String finish) {

	}

	/**
	 * A cancellation rule.
	 *
	 * @param event the cancelling event's name
	 * @param timeout how long the rule holds, or {@code null} for as long as the run
	 * lasts
	 * @param ifExpression the CEL condition over {@code event} and {@code async}, or
	 * {@code null}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Cancel(String event, @Nullable String timeout, @JsonProperty("if") @Nullable String ifExpression) {

	}

}
