package dev.durable.sample;

import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Forwards every failed run of every function to an external events API, shaped like
 * Datadog's ({@code title}, {@code text}, {@code tags}), when
 * {@code shop.failure-tracker.url} is set. The post is a step, so a tracker that is down
 * is retried with back-off and nothing is lost.
 */
@Component
@ConditionalOnProperty("shop.failure-tracker.url")
public class FailureTracker {

	private final RestClient http;

	public FailureTracker(ShopProperties shop) {
		this.http = RestClient.create(shop.failureTracker().url());
	}

	@InngestFunction(id = "track-failures", name = "Forward failures to the tracker", event = FunctionFailedEvent.NAME)
	public void track(Event event, Step step) {
		FunctionFailedEvent failed = FunctionFailedEvent.of(event);
		Map<String, Object> body = Map.of("title", "Function " + failed.functionId() + " failed", "text",
				failed.error().name() + ": " + failed.error().message(), "tags",
				List.of("function_id:" + failed.functionId(), "run_id:" + failed.runId(),
						"error:" + failed.error().name()));
		step.run("post-to-tracker",
				() -> this.http.post()
					.contentType(MediaType.APPLICATION_JSON)
					.body(body)
					.retrieve()
					.toBodilessEntity());
	}

}
